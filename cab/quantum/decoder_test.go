package quantum

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/msikit/msikit/cab/internal/cabtest"
)

func TestNewDecoderWindowBits(t *testing.T) {
	for bits := -1; bits <= 23; bits++ {
		d, err := NewDecoder(bits)
		ok := bits >= minWindowBits && bits <= maxWindowBits
		if ok && (err != nil || d.window != 1<<bits || d.longPos.n != 2*bits) {
			t.Errorf("NewDecoder(%d) = window %d, %d offset slots, %v", bits, d.window, d.longPos.n, err)
		}
		if !ok && !errors.Is(err, ErrCorrupt) {
			t.Errorf("NewDecoder(%d) error = %v, want ErrCorrupt", bits, err)
		}
	}
}

// A cabinet built from the test encoder's blocks reads back through the
// independent CFDATA walker.
func TestDecodeFolderViaCabtest(t *testing.T) {
	data := genMixed(rand.New(rand.NewPCG(3, 3)), 5*frameSize+1234)
	blocks := newTestEncoder(16, 1).compress(data)
	folders, err := cabtest.Parse(buildCab(16, 3, "f", blocks, len(data)))
	if err != nil {
		t.Fatal(err)
	}
	d, err := NewDecoder(16)
	if err != nil {
		t.Fatal(err)
	}
	got, err := cabtest.DecodeFolder(d, folders[0])
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, data) {
		t.Fatalf("output differs from input at byte %d", mismatch(got, data))
	}
}

// After Reset the decoder reads the next folder from scratch; without it the
// second folder's models would be the first folder's.
func TestReset(t *testing.T) {
	r := rand.New(rand.NewPCG(4, 4))
	a, b := genText(r, 3*frameSize/2), genRecords(r, frameSize+7)
	ba := newTestEncoder(14, 1).compress(a)
	bb := newTestEncoder(14, 1).compress(b)
	d, err := NewDecoder(14)
	if err != nil {
		t.Fatal(err)
	}
	for i, c := range []struct {
		data   []byte
		blocks [][]byte
	}{{a, ba}, {b, bb}, {a, ba}} {
		d.Reset()
		out := make([]byte, len(c.data))
		for j, blk := range c.blocks {
			s := j * frameSize
			if err := d.Decompress(out[s:min(s+frameSize, len(out))], blk); err != nil {
				t.Fatalf("folder %d block %d: %v", i, j, err)
			}
		}
		if !bytes.Equal(out, c.data) {
			t.Fatalf("folder %d differs at byte %d", i, mismatch(out, c.data))
		}
	}
}

// frameFor codes one frame with the test encoder's primitives, for streams
// no sensible encoder would write.
func frameFor(bits int, code func(te *testEncoder)) []byte {
	te := newTestEncoder(bits, 1)
	te.dec.Reset()
	te.ac.start()
	code(te)
	return te.ac.finish()
}

func TestHostile(t *testing.T) {
	full := genText(rand.New(rand.NewPCG(5, 5)), frameSize)
	fullBlock := newTestEncoder(15, 1).compress(full)[0]
	tests := []struct {
		name    string
		bits    int
		size    int
		src     []byte
		wantMsg string
	}{
		{"match before the folder", 15, 10, frameFor(15, func(te *testEncoder) {
			te.literal('a')
			te.match(5, 2)
		}), "before the start of the folder"},
		{"match at the first byte", 12, 3, frameFor(12, func(te *testEncoder) {
			te.match(3, 1)
		}), "before the start of the folder"},
		{"match past the frame", 15, frameSize, frameFor(15, func(te *testEncoder) {
			fillFrame(te, frameSize-2)
			te.match(3, 1)
		}), "runs past the 32768-byte frame"},
		{"match wrapping the window past the block", 10, 1000, frameFor(10, func(te *testEncoder) {
			fillFrame(te, 990)
			te.match(50, 1)
		}), "wraps the window past the block's end"},
		{"block larger than a frame", 15, frameSize + 1, fullBlock, "exceeds"},
		{"truncated frame", 15, frameSize, fullBlock[:len(fullBlock)/2], ""},
		{"frame reading its trailer", 15, frameSize, fullBlock[:len(fullBlock)-3], ""},
		{"empty payload", 15, frameSize, nil, ""},
		{"zero payload", 21, frameSize, make([]byte, 64), ""},
		{"0xFF payload", 10, frameSize, bytes.Repeat([]byte{0xFF}, 64), ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d, err := NewDecoder(tc.bits)
			if err != nil {
				t.Fatal(err)
			}
			err = d.Decompress(make([]byte, tc.size), tc.src)
			if !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), tc.wantMsg) {
				t.Fatalf("got %v, want ErrCorrupt mentioning %q", err, tc.wantMsg)
			}
			// The error sticks until Reset.
			if err2 := d.Decompress(make([]byte, len(full)), fullBlock); err2 != err {
				t.Errorf("after the error, Decompress = %v, want the same error", err2)
			}
			d.Reset()
			if d.windowBits == 15 {
				out := make([]byte, len(full))
				if err := d.Decompress(out, fullBlock); err != nil || !bytes.Equal(out, full) {
					t.Errorf("after Reset: %v, output equal %v", err, bytes.Equal(out, full))
				}
			}
		})
	}
}

// A match may reach exactly one window back, into an earlier block, and
// overlap its own output.
func TestMatchReach(t *testing.T) {
	const bits = 10
	unit := genRandom(rand.New(rand.NewPCG(6, 6)), 1<<bits)
	run := bytes.Repeat([]byte{'z'}, 300)
	te := newTestEncoder(bits, 1)
	te.dec.Reset()
	te.ac.start()
	for _, c := range unit {
		te.literal(c)
	}
	blk1 := te.ac.finish()
	te.ac.start()
	for i := 0; i < len(unit); i += 256 {
		te.match(256, len(unit))
	}
	te.literal('z')
	te.match(maxMatch, 1)
	te.match(len(run)-1-maxMatch, 1)
	blk2 := te.ac.finish()

	d, err := NewDecoder(bits)
	if err != nil {
		t.Fatal(err)
	}
	want := append(append(append([]byte{}, unit...), unit...), run...)
	out := make([]byte, len(want))
	if err := d.Decompress(out[:len(unit)], blk1); err != nil {
		t.Fatal(err)
	}
	if err := d.Decompress(out[len(unit):], blk2); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(out, want) {
		t.Fatalf("output differs at byte %d", mismatch(out, want))
	}
}

func TestEmptyBlock(t *testing.T) {
	d, err := NewDecoder(15)
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Decompress(nil, []byte{1, 2, 3}); err != nil {
		t.Fatalf("empty block: %v", err)
	}
	if len(d.history) != 0 {
		t.Fatalf("empty block added %d bytes of history", len(d.history))
	}
}
