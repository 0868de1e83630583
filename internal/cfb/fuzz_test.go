package cfb

import (
	"bytes"
	"errors"
	"testing"
)

// nameAlphabet mixes what names hold in practice (ASCII in both cases,
// MSI-packed units, the \x05 of property sets) with what tests the
// comparison (accented letters, a character outside the BMP) and what
// must be refused ('/', '!').
var nameAlphabet = []rune{'a', 'A', 'b', 'B', 'z', '_', '.', '#', 0x05, 0x3800, 0x3A41, 0x4840, 0x47FF, 'é', 'É', 0x1F600, '/', '!'}

// treeFromBytes turns fuzz input into a tree: a little program of
// opcodes, so that every input is a valid description. Add errors
// (duplicates, bad names) are expected and leave the tree unchanged.
func treeFromBytes(in []byte) *Builder {
	b := New()
	stack := []*Storage{b.Root()}
	next := func() byte {
		if len(in) == 0 {
			return 0
		}
		c := in[0]
		in = in[1:]
		return c
	}
	name := func() string {
		n := int(next()%34) + 1 // up to 34 characters: some too long
		r := make([]rune, n)
		for i := range r {
			r[i] = nameAlphabet[int(next())%len(nameAlphabet)]
		}
		return string(r)
	}
	total := 0
	for ops := 0; len(in) > 0 && ops < 400; ops++ {
		cur := stack[len(stack)-1]
		switch next() % 6 {
		case 0, 1: // a stream of up to ~9 KiB, around both sides of the cutoff
			size := int(next())<<5 | int(next()&31)
			if total+size > 1<<20 {
				size = 0
			}
			total += size
			cur.AddStream(name(), pattern(size, next()))
		case 2:
			if s, err := cur.AddStorage(name()); err == nil {
				stack = append(stack, s)
			}
		case 3:
			if len(stack) > 1 {
				stack = stack[:len(stack)-1]
			}
		case 4:
			var id CLSID
			id[0], id[15] = next(), next()
			cur.SetCLSID(id)
		case 5:
			if next()&1 == 1 {
				b.SetVersion(4)
			}
		}
	}
	return b
}

// FuzzWrite writes a fuzzed tree and reads it back with mscfb: every
// entry, storage and byte must come back, the structure must check out,
// and writing twice must give the same bytes.
func FuzzWrite(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte{0, 1, 2, 5, 3, 1, 0, 0, 0, 3, 0, 0, 7, 0, 0})
	f.Add([]byte{2, 3, 0, 1, 2, 0, 200, 31, 1, 1, 0, 1, 2, 3, 3, 0, 127, 31, 4, 2})
	f.Add(bytes.Repeat([]byte{0, 3, 0, 1, 2, 1, 2, 3, 4}, 40))
	f.Add([]byte{5, 1, 0, 127, 31, 9, 3, 0, 1, 2, 1, 128, 0, 9, 3, 4})
	f.Fuzz(func(t *testing.T, in []byte) {
		b := treeFromBytes(in)
		var one, two bytes.Buffer
		if _, err := b.WriteTo(&one); err != nil {
			t.Fatalf("WriteTo: %v", err)
		}
		if _, err := b.WriteTo(&two); err != nil || !bytes.Equal(one.Bytes(), two.Bytes()) {
			t.Fatalf("second write differs (%v)", err)
		}
		checkStructure(t, one.Bytes())
		got, clsid := readBack(t, one.Bytes())
		sameTree(t, got, want(b.Root()))
		if clsid != b.Root().CLSID().String() {
			t.Errorf("root CLSID %s, want %s", clsid, b.Root().CLSID())
		}
	})
}

// TestFuzzTreeRefusals checks that the fuzz program's bad names are
// refused with the right errors, so the fuzzer explores them.
func TestFuzzTreeRefusals(t *testing.T) {
	r := New().Root()
	must(t, r.AddStream("aé", nil))
	if err := r.AddStream("AÉ", nil); !errors.Is(err, ErrDuplicate) {
		t.Errorf("AÉ: %v", err)
	}
	if err := r.AddStream("a/b", nil); !errors.Is(err, ErrInvalidName) {
		t.Errorf("a/b: %v", err)
	}
}
