package lzx_test

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/msikit/msikit/cab/lzx"
)

// genDeltaBlocks makes random blocks for an LZX DELTA stream of total
// output bytes against ref, and returns them with the output (before E8
// translation). Matches reach into the output, into ref, and now and then
// into the zeros before ref; some are longer than 257 bytes.
func genDeltaBlocks(rng *rand.Rand, windowBits int, ref []byte, total int) ([]blockSpec, []byte) {
	// hist is what the window holds: zeros, ref, then the output.
	zeros := 64
	hist := append(make([]byte, zeros), ref...)
	start := len(hist)
	maxOff := 1<<windowBits - 3
	var blocks []blockSpec
	for len(hist)-start < total {
		p := len(hist) - start
		n := min(1+rng.IntN(3*testFrame), total-p)
		b := blockSpec{typ: 1 + rng.IntN(3)}
		if b.typ == 3 {
			for range n {
				b.raw = append(b.raw, byte(rng.IntN(4)*0x3a))
			}
			hist = append(hist, b.raw...)
			blocks = append(blocks, b)
			continue
		}
		end := p + n
		for p = len(hist) - start; p < end; p = len(hist) - start {
			room := min(2000, end-p, testFrame-p%testFrame)
			reach := min(len(hist), maxOff)
			if room < 2 || rng.IntN(3) == 0 {
				c := byte(rng.IntN(8) * 0x1d) // includes 0xE8
				b.toks = append(b.toks, tok{lit: c})
				hist = append(hist, c)
				continue
			}
			length := 2 + rng.IntN(min(room, 300)-1)
			if rng.IntN(5) == 0 {
				length = 2 + rng.IntN(room-1) // often past 257
			}
			var off int
			switch rng.IntN(4) {
			case 0: // into ref, or the zeros before it
				off = p + 1 + rng.IntN(len(hist)-p-1)
			case 1:
				off = 1 + rng.IntN(min(reach, 64))
			default:
				off = 1 + rng.IntN(reach)
			}
			b.toks = append(b.toks, tok{length: length, off: off})
			at := len(hist)
			for i := range length {
				hist = append(hist, hist[at-off+i])
			}
		}
		blocks = append(blocks, b)
	}
	return blocks, hist[start:]
}

// TestDeltaRoundTrip decodes random LZX DELTA streams against reference data
// of many sizes (none, shorter than a frame, not a whole number of frames,
// larger than the window), with every block type, E8 translation counted
// from the first output byte, and the extended match lengths.
func TestDeltaRoundTrip(t *testing.T) {
	refSizes := []int{0, 1, 1000, 40000, 70001}
	for _, wb := range []int{17, 18, 22} {
		for i, rs := range refSizes {
			seed := uint64(wb*100 + i)
			t.Run(fmt.Sprintf("w%d/ref%d", wb, rs), func(t *testing.T) {
				rng := rand.New(rand.NewPCG(seed, 3))
				ref := make([]byte, rs)
				for j := range ref {
					ref[j] = byte(rng.IntN(16) * 0x11)
				}
				total := 1 + rng.IntN(100000)
				if testing.Short() {
					total = min(total, 40000)
				}
				blocks, plain := genDeltaBlocks(rng, wb, ref, total)
				e8 := i%2 == 1
				e8size := uint32(12000000)
				enc := newTestEncoder(seed, wb)
				enc.delta = true
				frames := encode(enc, e8, e8size, blocks)
				want := bytes.Clone(plain)
				if e8 {
					for off := 0; off < len(want); off += testFrame {
						refE8(want[off:min(off+testFrame, len(want))], off, int32(e8size))
					}
				}
				d, err := lzx.NewDeltaDecoder(wb, ref)
				if err != nil {
					t.Fatal(err)
				}
				for pass := range 2 { // and again after Reset
					got, err := decodeFrames(d, frames, len(want))
					if err != nil {
						t.Fatalf("pass %d: %v", pass, err)
					}
					if !bytes.Equal(got, want) {
						t.Fatalf("pass %d: output differs at %d of %d", pass, firstDiff(got, want), len(want))
					}
					d.Reset()
				}
			})
		}
	}
}

// TestDeltaWindow checks the window sizes a delta decoder takes and the
// sizes PatchAPI picks.
func TestDeltaWindow(t *testing.T) {
	for _, wb := range []int{16, 26} {
		if _, err := lzx.NewDeltaDecoder(wb, nil); !errors.Is(err, lzx.ErrWindowSize) {
			t.Errorf("window %d bits: %v, want ErrWindowSize", wb, err)
		}
	}
	for _, c := range []struct {
		ref, out  int64
		max, want int
	}{
		{0, 10, 23, 17},
		{8, 26, 23, 17},
		{90000, 32768, 23, 17}, // 98304 after rounding the reference up
		{90000, 32769, 23, 18},
		{4 << 20, 4 << 20, 23, 23},
		{30 << 20, 30 << 20, 23, 23}, // capped
		{30 << 20, 1, 25, 25},
	} {
		if got := lzx.DeltaWindowBits(c.ref, c.out, c.max); got != c.want {
			t.Errorf("DeltaWindowBits(%d, %d, %d) = %d, want %d", c.ref, c.out, c.max, got, c.want)
		}
	}
}
