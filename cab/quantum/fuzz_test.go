package quantum

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math/rand/v2"
	"path/filepath"
	"testing"

	"github.com/msikit/msikit/cab/internal/cabtest"
)

// Fuzz input layout: one byte choosing the window (10 + b%12 bits), then
// up to maxFuzzBlocks records of a little-endian uint16 block size (taken
// modulo 32769), a uint16 payload size and the payload, cut short by the end
// of the input. The output is capped at maxFuzzOutput bytes, which keeps
// executions, and the fuzzer's minimisation of new inputs, fast.
const (
	maxFuzzBlocks = 4
	maxFuzzOutput = frameSize + frameSize/4
)

func fuzzInput(windowBits int, blocks [][]byte, sizes []int) []byte {
	b := []byte{byte(windowBits - minWindowBits)}
	for i, blk := range blocks {
		b = binary.LittleEndian.AppendUint16(b, uint16(sizes[i]))
		b = binary.LittleEndian.AppendUint16(b, uint16(len(blk)))
		b = append(b, blk...)
	}
	return b
}

func fuzzSeeds(f *testing.F) {
	r := rand.New(rand.NewPCG(8, 8))
	for i, data := range [][]byte{
		[]byte("If you can read this, the Quantum decompressor is working!\n"),
		genText(r, 500),
		genRuns(r, 70000),
		genRecords(r, 300),
		genRandom(r, 60),
	} {
		bits := minWindowBits + i*3%12
		blocks := newTestEncoder(bits, 1).compress(data)
		sizes := make([]int, len(blocks))
		for j := range sizes {
			sizes[j] = min(frameSize, len(data)-j*frameSize)
		}
		f.Add(fuzzInput(bits, blocks, sizes))
	}
	f.Add([]byte{2, 0xBF, 0, 4, 0, 'Q', 'T', 'M', '!'})
	// The corpus's crafted and genuine Quantum blocks, when present.
	dir, err := findCorpus("libmspack-cabd")
	if err != nil {
		return
	}
	for _, name := range []string{"cve-2014-9556-qtm-infinite-loop.cab", "mszip_lzx_qtm.cab"} {
		folders, err := cabtest.ReadFile(filepath.Join(dir, name))
		if err != nil {
			continue
		}
		for _, fo := range folders {
			if fo.TypeCompress&0xF != 2 {
				continue
			}
			var blocks [][]byte
			var sizes []int
			for _, blk := range fo.Blocks {
				blocks, sizes = append(blocks, blk.Data), append(sizes, blk.USize)
			}
			f.Add(fuzzInput(int(fo.TypeCompress>>8)&0x1F, blocks, sizes))
		}
	}
}

func FuzzDecompress(f *testing.F) {
	fuzzSeeds(f)
	f.Fuzz(func(t *testing.T, in []byte) {
		if len(in) == 0 {
			return
		}
		d, err := NewDecoder(minWindowBits + int(in[0])%12)
		if err != nil {
			t.Fatal(err)
		}
		in = in[1:]
		dst := make([]byte, frameSize)
		budget := maxFuzzOutput
		for i := 0; i < maxFuzzBlocks && len(in) >= 4; i++ {
			size := min(int(binary.LittleEndian.Uint16(in))%(frameSize+1), budget)
			budget -= size
			n := min(int(binary.LittleEndian.Uint16(in[2:])), len(in)-4)
			src := in[4 : 4+n]
			in = in[4+n:]
			err := d.Decompress(dst[:size], src)
			if err == nil {
				continue
			}
			if !errors.Is(err, ErrCorrupt) {
				t.Fatalf("block %d: error %v does not wrap ErrCorrupt", i, err)
			}
			if again := d.Decompress(dst[:size], src); again != err {
				t.Fatalf("block %d: error not sticky: %v then %v", i, err, again)
			}
			return
		}
	})
}

// FuzzRoundTrip checks that whatever the test encoder writes decodes back:
// the first byte picks the window and the encoder's options, the rest is the
// data.
func FuzzRoundTrip(f *testing.F) {
	f.Add([]byte("\x05abracadabra abracadabra abracadabra"))
	f.Add(append([]byte{0x2B}, bytes.Repeat([]byte("xyz\x00\x01"), 9000)...))
	f.Fuzz(func(t *testing.T, in []byte) {
		if len(in) == 0 || len(in) > frameSize+8192 {
			return
		}
		bits := minWindowBits + int(in[0])%12
		data := in[1:]
		te := newTestEncoder(bits, uint64(in[0]))
		te.skipProb, te.shortenProb = float64(in[0]>>4&3)/4, float64(in[0]>>6)/3
		blocks := te.compress(data)
		got, err := decodeBlocks(bits, blocks, len(data))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, data) {
			t.Fatalf("output differs from input at byte %d", mismatch(got, data))
		}
	})
}
