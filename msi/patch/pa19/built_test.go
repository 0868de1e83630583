package pa19_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math/rand/v2"
	"testing"

	"github.com/msikit/msikit/internal/pa19test"
	"github.com/msikit/msikit/msi/patch/pa19"
)

// Deltas built at test time cover what the corpus lacks: several old files,
// ranges in both, large files of many chunks, an odd last chunk, empty
// files, header-only deltas and the options that are refused.

func randBytes(rng *rand.Rand, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(rng.IntN(256))
	}
	return b
}

func TestBuiltApply(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	newData := randBytes(rng, 3*32768+7) // four chunks, the last odd
	old0 := randBytes(rng, 5000)
	old1 := randBytes(rng, 70000)
	// Retained bytes come from the old file whichever it is.
	retain0 := []pa19.Retained{{OldOffset: 10, NewOffset: 100, Length: 5}, {OldOffset: 4000, NewOffset: 98000, Length: 300}}
	retain1 := []pa19.Retained{{OldOffset: 60000, NewOffset: 100, Length: 5}, {OldOffset: 20, NewOffset: 98000, Length: 300}}
	spec := pa19test.Spec{
		Flags: pa19.OptionLZXB | pa19.OptionNoRebase,
		Time:  1700000000,
		New:   newData,
		Olds: []pa19test.Old{
			{Data: old0, Ignore: []pa19.Range{{Offset: 0, Length: 3}, {Offset: 50, Length: 10}}, Retain: retain0},
			{Data: old1, Ignore: []pa19.Range{{Offset: 69000, Length: 1000}}, Retain: retain1},
		},
	}
	patch := pa19test.Build(spec)
	p, err := pa19.Parse(patch)
	if err != nil {
		t.Fatal(err)
	}
	if p.Time.Unix() != 1700000000 || len(p.Olds) != 2 || len(p.Olds[1].Ignore) != 1 || p.Olds[1].Retain[1] != retain1[1] {
		t.Fatalf("header read back wrong: %+v", p)
	}
	for i, o := range []struct {
		data   []byte
		retain []pa19.Retained
	}{{old0, retain0}, {old1, retain1}} {
		// Ignored bytes do not count: change them.
		old := bytes.Clone(o.data)
		for _, r := range spec.Olds[i].Ignore {
			old[r.Offset] ^= 0x55
		}
		want := bytes.Clone(newData)
		for _, r := range o.retain {
			copy(want[r.NewOffset:r.NewOffset+r.Length], old[r.OldOffset:])
		}
		if k, err := p.Check(old); k != i || err != nil {
			t.Fatalf("old %d: Check = %d, %v", i, k, err)
		}
		var out bytes.Buffer
		if err := p.Apply(&out, old); err != nil {
			t.Fatalf("old %d: %v", i, err)
		}
		if !bytes.Equal(out.Bytes(), want) {
			t.Fatalf("old %d: new file differs", i)
		}
		// IsNew knows the new file after the fact, whichever old file's
		// bytes its retained ranges hold, and not a changed one.
		made := out.Bytes()
		made[100] ^= 1 // retained: not in the CRC32
		if !p.IsNew(made) || p.IsNew(made[1:]) {
			t.Errorf("old %d: IsNew of the new file false, or of a shorter one true", i)
		}
		made[0] ^= 1
		if p.IsNew(made) {
			t.Errorf("old %d: IsNew of a changed new file", i)
		}
		// A changed byte outside the ranges makes it another file.
		old[1000] ^= 1
		if _, err := p.Check(old); !errors.Is(err, pa19.ErrWrongOld) {
			t.Errorf("old %d changed: %v, want ErrWrongOld", i, err)
		}
	}
}

func TestBuiltEdgeCases(t *testing.T) {
	data := []byte("the same bytes in both files")
	for _, c := range []struct {
		name      string
		spec      pa19test.Spec
		old, want []byte
	}{
		{"identical", pa19test.Spec{New: data, Olds: []pa19test.Old{{Data: data}}}, data, data},
		{"empty new", pa19test.Spec{New: nil, Olds: []pa19test.Old{{Data: data}}}, data, nil},
		{"empty old", pa19test.Spec{New: data, Olds: []pa19test.Old{{}}}, nil, data},
		{"rebase field", pa19test.Spec{Flags: 0, Rebase: 0x10000, New: data, Olds: []pa19test.Old{{Data: []byte("x")}}}, []byte("x"), data},
		{"extra flags", pa19test.Spec{Flags: pa19.OptionExtraFlags | pa19.OptionNoRebase, New: data, Olds: []pa19test.Old{{Data: []byte("x")}}}, []byte("x"), data},
	} {
		t.Run(c.name, func(t *testing.T) {
			p, err := pa19.Parse(pa19test.Build(c.spec))
			if err != nil {
				t.Fatal(err)
			}
			var out bytes.Buffer
			if err := p.Apply(&out, c.old); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(out.Bytes(), c.want) {
				t.Fatalf("got %q, want %q", out.Bytes(), c.want)
			}
		})
	}
}

// TestBuiltRefused: what is not implemented is ErrUnsupported, what is
// damaged ErrCorrupt; never bytes.
func TestBuiltRefused(t *testing.T) {
	old, data := []byte("old"), []byte("new data")
	pe := make([]byte, 0x400)
	copy(pe, "MZ")
	binary.LittleEndian.PutUint32(pe[0x3c:], 0x80)
	copy(pe[0x80:], "PE\x00\x00")
	binary.LittleEndian.PutUint16(pe[0x80+24:], 0x10b)
	peChanged := bytes.Clone(pe)
	peChanged[0x300] = 1 // as a rebase or unbinding would change it
	for _, c := range []struct {
		name   string
		patch  []byte
		old    []byte
		parse  bool // the error comes from Parse
		target error
	}{
		{"signature MD5", pa19test.Build(pa19test.Spec{Flags: pa19.OptionSignatureMD5, New: data, Olds: []pa19test.Old{{Data: old}}}), old, true, pa19.ErrUnsupported},
		{"unknown flag", pa19test.Build(pa19test.Spec{Flags: 0x100, New: data, Olds: []pa19test.Old{{Data: old}}}), old, true, pa19.ErrUnsupported},
		{"PE transforms", pa19test.Build(pa19test.Spec{Flags: pa19.OptionNoRebase, New: data, Olds: []pa19test.Old{{Data: old, Transforms: 3}}}), old, true, pa19.ErrUnsupported},
		{"interleaved", pa19test.Build(pa19test.Spec{Flags: pa19.OptionInterleave | pa19.OptionNoRebase, New: data, Olds: []pa19test.Old{{Data: old}}}), old, false, pa19.ErrUnsupported},
		{"old file past the window", pa19test.Build(pa19test.Spec{Flags: pa19.OptionNoRebase, New: data, Olds: []pa19test.Old{{Data: make([]byte, 8<<20+1)}}}), make([]byte, 8<<20+1), false, pa19.ErrUnsupported},
		{"PE image needing normalisation", pa19test.Build(pa19test.Spec{Flags: pa19.OptionNoRebase, New: data, Olds: []pa19test.Old{{Data: pe}}}), peChanged, false, pa19.ErrUnsupported},
		{"PE image, fixes off", pa19test.Build(pa19test.Spec{Flags: pa19.OptionNoRebase | pa19.OptionNoBindFix | pa19.OptionNoLockFix | pa19.OptionNoResTimeFix, New: data, Olds: []pa19test.Old{{Data: pe}}}), peChanged, false, pa19.ErrWrongOld},
		{"no signature", []byte("PA20xxxxxxxx"), old, true, pa19.ErrCorrupt},
		{"short", []byte("PA"), old, true, pa19.ErrTruncated},
		{"header cut", pa19test.Seal([]byte("PA19\x01\x00\xc4\x00")), old, true, pa19.ErrTruncated},
		{"no old file", pa19test.Seal([]byte("PA19\x01\x00\x04\x00\x80\x00\x00\x00\x00\x00")), old, true, pa19.ErrCorrupt},
		{"long number", pa19test.Seal([]byte("PA19\x01\x00\x04\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00")), old, true, pa19.ErrCorrupt},
		{"stream damaged", damageStream(pa19test.Build(pa19test.Spec{Flags: pa19.OptionNoRebase, New: data, Olds: []pa19test.Old{{Data: old}}})), old, false, pa19.ErrCorrupt},
	} {
		t.Run(c.name, func(t *testing.T) {
			p, err := pa19.Parse(c.patch)
			if c.parse {
				if !errors.Is(err, c.target) {
					t.Fatalf("Parse: %v, want %v", err, c.target)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var out bytes.Buffer
			if err := p.Apply(&out, c.old); !errors.Is(err, c.target) {
				t.Fatalf("Apply: %v, want %v", err, c.target)
			}
			if out.Len() != 0 {
				t.Fatalf("%d bytes written", out.Len())
			}
		})
	}
}

// damageStream changes the block type of the first chunk's block (to 0,
// invalid) and seals the delta again, so only decoding can tell.
func damageStream(patch []byte) []byte {
	b := bytes.Clone(patch[:len(patch)-4])
	// The stream is at the end: size prefix, then the two first words.
	i := bytes.Index(b, []byte{0x00, 0x30}) // E8 0, type 011 in the top bits
	b[i+1] = 0x00
	return pa19test.Seal(b)
}

func TestBuiltHeaderOnly(t *testing.T) {
	old, data := []byte("old file"), []byte("new file contents")
	spec := pa19test.Spec{Flags: pa19.OptionNoRebase, New: data, Olds: []pa19test.Old{{Data: old}}, HeaderOnly: true}
	p, err := pa19.Parse(pa19test.Build(spec))
	if err != nil {
		t.Fatal(err)
	}
	if !p.HeaderOnly {
		t.Fatal("not seen as header-only")
	}
	if _, err := p.Check(old); err != nil {
		t.Fatal(err)
	}
	if err := p.Apply(new(bytes.Buffer), old); !errors.Is(err, pa19.ErrHeaderOnly) {
		t.Fatalf("Apply: %v, want ErrHeaderOnly", err)
	}
}

// TestParseHeader reads the header from the first bytes of a delta.
func TestParseHeader(t *testing.T) {
	old, data := []byte("old file"), bytes.Repeat([]byte("new file contents "), 100)
	delta := pa19test.Build(pa19test.Spec{Flags: pa19.OptionNoRebase, New: data, Olds: []pa19test.Old{{Data: old}}})
	p, err := pa19.ParseHeader(delta[:40])
	if err != nil {
		t.Fatal(err)
	}
	if !p.HeaderOnly || p.NewSize != int64(len(data)) || p.Olds[0].Size != 8 {
		t.Fatalf("%+v", p)
	}
	if i, err := p.Check(old); i != 0 || err != nil {
		t.Fatalf("Check: %d, %v", i, err)
	}
	if _, err := pa19.ParseHeader(delta[:12]); !errors.Is(err, pa19.ErrTruncated) {
		t.Fatalf("12 bytes: %v, want ErrTruncated", err)
	}
}
