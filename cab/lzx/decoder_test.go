package lzx_test

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/msikit/msikit/cab/lzx"
)

// decodeFrames runs a fresh decoder over frames whose output sizes are
// 32768 except for the last, which makes total bytes.
func decodeFrames(d *lzx.Decoder, frames [][]byte, total int) ([]byte, error) {
	var out []byte
	for i, f := range frames {
		n := min(testFrame, total-i*testFrame)
		dst := make([]byte, n)
		if err := d.Decompress(dst, f); err != nil {
			return out, err
		}
		out = append(out, dst...)
	}
	return out, nil
}

// TestRoundTrip decodes random streams from the test encoder: every block
// type, blocks spanning frames, odd uncompressed blocks, repeated offsets,
// long codes, windows of every size, with and without E8 translation.
func TestRoundTrip(t *testing.T) {
	for wb := 15; wb <= 21; wb++ {
		for i, e8 := range []bool{false, true, false, true} {
			t.Run(fmt.Sprintf("window%d/e8=%v/%d", wb, e8, i), func(t *testing.T) {
				seed := uint64(wb*4 + i)
				rng := rand.New(rand.NewPCG(seed, 1))
				total := 1 + rng.IntN(6*testFrame)
				blocks, plain := genBlocks(rng, wb, total)
				e8size := uint32(0)
				if e8 {
					e8size = uint32(1 + rng.IntN(1<<20))
				}
				frames := encodeStream(seed, wb, e8, e8size, blocks)
				if want := (total + testFrame - 1) / testFrame; len(frames) != want {
					t.Fatalf("encoder made %d frames, want %d", len(frames), want)
				}
				want := bytes.Clone(plain)
				if e8 {
					for off := 0; off < len(want); off += testFrame {
						refE8(want[off:min(off+testFrame, len(want))], off, int32(e8size))
					}
				}
				d, err := lzx.NewDecoder(wb)
				if err != nil {
					t.Fatal(err)
				}
				got, err := decodeFrames(d, frames, total)
				if err != nil {
					t.Fatalf("decode (%d blocks, %d bytes): %v", len(blocks), total, err)
				}
				if !bytes.Equal(got, want) {
					t.Fatalf("output differs from the input (%d blocks, %d bytes) at byte %d", len(blocks), total, firstDiff(got, want))
				}
				// Reset must give the same result as a new decoder.
				d.Reset()
				again, err := decodeFrames(d, frames, total)
				if err != nil || !bytes.Equal(again, want) {
					t.Fatalf("after Reset: err %v, equal %v", err, bytes.Equal(again, want))
				}
			})
		}
	}
}

func firstDiff(a, b []byte) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

// TestWindowWrap decodes more than a 32 KiB window's worth with matches that
// reach across the window's wrap point.
func TestWindowWrap(t *testing.T) {
	const wb = 15
	rng := rand.New(rand.NewPCG(99, 1))
	var toks []tok
	var plain []byte
	for range 300 {
		c := byte(rng.IntN(256))
		toks = append(toks, tok{lit: c})
		plain = append(plain, c)
	}
	for len(plain) < 5*testFrame {
		p := len(plain)
		length := min(257, testFrame-p%testFrame, 2+rng.IntN(200))
		if length < 2 {
			c := byte(rng.IntN(256))
			toks = append(toks, tok{lit: c})
			plain = append(plain, c)
			continue
		}
		off := min(p, 1<<wb-3) - rng.IntN(40)
		toks = append(toks, tok{length: length, off: off})
		for i := range length {
			plain = append(plain, plain[p-off+i])
		}
	}
	frames := encodeStream(5, wb, false, 0, []blockSpec{{typ: 1, toks: toks}})
	d, _ := lzx.NewDecoder(wb)
	got, err := decodeFrames(d, frames, len(plain))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, plain) {
		t.Fatalf("differs at byte %d", firstDiff(got, plain))
	}
}

// literals returns n literal tokens and their bytes.
func literals(n int) ([]tok, []byte) {
	var toks []tok
	var b []byte
	for i := range n {
		c := byte(i*7 + 1)
		toks = append(toks, tok{lit: c})
		b = append(b, c)
	}
	return toks, b
}

// TestCorrupt checks that malformed streams give ErrCorrupt.
func TestCorrupt(t *testing.T) {
	lits, _ := literals(10)
	valid := encodeStream(1, 15, false, 0, []blockSpec{{typ: 1, toks: lits}})[0]

	incompleteMain := make([]uint8, 256+8*30)
	incompleteMain['a'] = 1
	overMain := make([]uint8, 256+8*30)
	overMain['a'], overMain['b'], overMain['c'] = 1, 1, 1
	emptyMain := make([]uint8, 256+8*30)
	overPretree := make([]uint8, 20)
	for i := range overPretree {
		overPretree[i] = 1
	}
	emptyPretree := make([]uint8, 20)

	rawBlock := func(typ uint32) []byte {
		e := newTestEncoder(1, 15)
		e.header(false, 0)
		e.w.write(typ, 3)
		e.w.write(0, 16)
		e.w.write(100, 8)
		e.w.write(0, 16)
		return e.finish()[0]
	}

	tests := []struct {
		name   string
		frames [][]byte
		size   int
	}{
		{"block type 0", [][]byte{rawBlock(0)}, 100},
		{"block type 4", [][]byte{rawBlock(4)}, 100},
		{"block type 7", [][]byte{rawBlock(7)}, 100},
		{"truncated frame", [][]byte{valid[:len(valid)/2]}, 10},
		{"empty input", [][]byte{nil}, 10},
		{"frame larger than 32768", [][]byte{valid}, testFrame + 1},
		{"incomplete main tree", encodeStream(1, 15, false, 0, []blockSpec{{typ: 1, toks: lits[:1], size: 1, mainLens: incompleteMain}}), 1},
		{"over-subscribed main tree", encodeStream(1, 15, false, 0, []blockSpec{{typ: 1, toks: lits[:1], size: 1, mainLens: overMain}}), 1},
		{"empty main tree", encodeStream(1, 15, false, 0, []blockSpec{{typ: 1, size: 1, mainLens: emptyMain}}), 1},
		{"over-subscribed pretree", encodeStream(1, 15, false, 0, []blockSpec{{typ: 1, toks: lits, pretree: overPretree}}), 10},
		{"empty pretree", encodeStream(1, 15, false, 0, []blockSpec{{typ: 1, toks: lits, pretree: emptyPretree}}), 10},
		{"match before the start", encodeStream(1, 15, false, 0, []blockSpec{{typ: 1, toks: []tok{{lit: 1}, {length: 3, off: 2}}}}), 4},
		{"match past the block end", encodeStream(1, 15, false, 0, []blockSpec{{typ: 1, size: 5, toks: append(lits[:4:4], tok{length: 4, off: 2})}}), 8},
		{"match past the frame end", func() [][]byte {
			toks, _ := literals(testFrame - 2)
			toks = append(toks, tok{length: 10, off: 100})
			return encodeStream(1, 15, false, 0, []blockSpec{{typ: 1, toks: toks}})
		}(), testFrame + 8},
		{"long match, empty length tree", encodeStream(1, 15, false, 0, []blockSpec{{typ: 1, emptyLength: true, toks: append(lits[:4:4], tok{length: 20, off: 1})}}), 24},
		{"repeated offset 0 from an uncompressed block", encodeStream(1, 15, false, 0, []blockSpec{
			{typ: 3, raw: []byte("abcd"), r: []uint32{0, 1, 1}},
			{typ: 1, toks: []tok{{length: 2, useR0: true}}},
		}), 6},
		{"repeated offset beyond the window", encodeStream(1, 15, false, 0, []blockSpec{
			{typ: 3, raw: []byte("abcd"), r: []uint32{1 << 20, 1, 1}},
			{typ: 1, toks: []tok{{length: 2, useR0: true}}},
		}), 6},
		{"uncompressed block past the input", func() [][]byte {
			f := encodeStream(1, 15, false, 0, []blockSpec{{typ: 3, raw: bytes.Repeat([]byte("x"), 50)}})
			f[0] = f[0][:30]
			return f
		}(), 50},
		{"uncompressed header past the input", func() [][]byte {
			f := encodeStream(1, 15, false, 0, []blockSpec{{typ: 3, raw: []byte("xy")}})
			f[0] = f[0][:8]
			return f
		}(), 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d, err := lzx.NewDecoder(15)
			if err != nil {
				t.Fatal(err)
			}
			out, err := decodeFrames(d, tc.frames, tc.size)
			if !errors.Is(err, lzx.ErrCorrupt) {
				t.Fatalf("err = %v (%d bytes out), want ErrCorrupt", err, len(out))
			}
			// The error sticks until Reset.
			if err2 := d.Decompress(make([]byte, 1), valid); !errors.Is(err2, lzx.ErrCorrupt) {
				t.Errorf("after the error: %v, want it again", err2)
			}
			d.Reset()
			got := make([]byte, 10)
			if err := d.Decompress(got, valid); err != nil {
				t.Fatalf("after Reset: %v", err)
			}
			if _, want := literals(10); !bytes.Equal(got, want) {
				t.Errorf("after Reset: % x, want % x", got, want)
			}
		})
	}
}

// TestBlockAfterShortBlock checks that only a folder's last block may be
// shorter than a frame: one after it cannot be placed in the window.
func TestBlockAfterShortBlock(t *testing.T) {
	toks, want := literals(20)
	frames := encodeStream(1, 15, false, 0, []blockSpec{{typ: 1, toks: toks, size: 40}})
	d, _ := lzx.NewDecoder(15)
	got := make([]byte, 20)
	if err := d.Decompress(got, frames[0]); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("got % x, want % x", got, want)
	}
	if err := d.Decompress(make([]byte, 20), frames[0]); !errors.Is(err, lzx.ErrCorrupt) {
		t.Fatalf("second short block: %v, want ErrCorrupt", err)
	}
}

// TestEmptyBlock checks that a zero-length CFDATA block changes nothing.
func TestEmptyBlock(t *testing.T) {
	toks, want := literals(10)
	frames := encodeStream(1, 15, false, 0, []blockSpec{{typ: 1, toks: toks}})
	d, _ := lzx.NewDecoder(15)
	if err := d.Decompress(nil, []byte{0xff, 0xff}); err != nil {
		t.Fatalf("empty block: %v", err)
	}
	got := make([]byte, 10)
	if err := d.Decompress(got, frames[0]); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("got % x, want % x", got, want)
	}
}

func TestNewDecoderWindow(t *testing.T) {
	for _, wb := range []int{-1, 0, 14, 22, 25} {
		if d, err := lzx.NewDecoder(wb); !errors.Is(err, lzx.ErrWindowSize) || d != nil {
			t.Errorf("NewDecoder(%d) = %v, %v; want nil, ErrWindowSize", wb, d, err)
		}
	}
	for wb := 15; wb <= 21; wb++ {
		if _, err := lzx.NewDecoder(wb); err != nil {
			t.Errorf("NewDecoder(%d): %v", wb, err)
		}
	}
}

// TestOddUncompressedAtFrameEnd: an odd-sized uncompressed block that ends
// a frame has its pad byte either at the end of that frame's input or at
// the start of the next one's; both must decode the same.
func TestOddUncompressedAtFrameEnd(t *testing.T) {
	raw := make([]byte, testFrame-1)
	for i := range raw {
		raw[i] = byte(i * 13)
	}
	toks, lits := literals(30)
	blocks := []blockSpec{
		{typ: 1, toks: toks[:1]},
		{typ: 3, raw: raw},
		{typ: 1, toks: toks},
	}
	want := append(append(lits[:1:1], raw...), lits...)
	frames := encodeStream(3, 16, false, 0, blocks)
	if len(frames) != 2 {
		t.Fatalf("%d frames, want 2", len(frames))
	}
	moved := [][]byte{
		frames[0][:len(frames[0])-1],
		append([]byte{0}, frames[1]...),
	}
	for name, fr := range map[string][][]byte{"pad in frame 0": frames, "pad in frame 1": moved} {
		d, _ := lzx.NewDecoder(16)
		got, err := decodeFrames(d, fr, len(want))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s: differs at byte %d", name, firstDiff(got, want))
		}
	}
}
