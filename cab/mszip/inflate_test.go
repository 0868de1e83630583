package mszip

import (
	"bytes"
	"compress/flate"
	"errors"
	"io"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/msikit/msikit/cab/internal/cabtest"
)

// flateDecode is the reference: compress/flate with the history as its
// preset dictionary, checked as the MSZIP decoder checks a block (exactly
// n bytes, then the end of the stream).
func flateDecode(hist, src []byte, n int) ([]byte, bool) {
	if len(src) < 2 || src[0] != 'C' || src[1] != 'K' {
		return nil, false
	}
	fr := flate.NewReaderDict(bytes.NewReader(src[2:]), hist)
	out := make([]byte, n)
	if _, err := io.ReadFull(fr, out); err != nil {
		return nil, false
	}
	var one [1]byte
	if m, err := fr.Read(one[:]); m != 0 || err != io.EOF {
		return nil, false
	}
	return out, true
}

// ourDecode decodes with DecodeInto after hist.
func ourDecode(hist, src []byte, n int) ([]byte, error) {
	buf := make([]byte, len(hist)+n)
	copy(buf, hist)
	err := NewDecoder().DecodeInto(buf, len(hist), len(hist), n, src)
	return buf[len(hist):], err
}

// goSource returns up to n bytes of the Go tree's own files (text and,
// from pkg/tool, binaries): real data that every machine with Go has.
func goSource(tb testing.TB, n int) []byte {
	tb.Helper()
	var out []byte
	goroot, err := exec.Command("go", "env", "GOROOT").Output()
	if err != nil {
		tb.Skipf("go env GOROOT: %v", err)
	}
	root := strings.TrimSpace(string(goroot))
	for _, dir := range []string{"src/net/http", "src/compress", "pkg/tool"} {
		filepath.WalkDir(filepath.Join(root, dir), func(p string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() || len(out) >= n {
				return nil
			}
			b, err := os.ReadFile(p)
			if err == nil {
				out = append(out, b[:min(len(b), n-len(out), 1<<20)]...)
			}
			return nil
		})
	}
	if len(out) < n/2 {
		tb.Skipf("only %d bytes of the Go tree found under %s", len(out), root)
	}
	return out
}

func TestInflateMatchesFlate(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	inputs := [][]byte{
		testData(300_000),
		goSource(t, 1<<20),
		bytes.Repeat([]byte{0}, 100_000),
		bytes.Repeat([]byte("ab"), 70_000),
	}
	random := make([]byte, 100_000)
	rng.Read(random)
	inputs = append(inputs, random)
	for i, data := range inputs {
		for _, level := range []int{flate.NoCompression, flate.HuffmanOnly, flate.BestSpeed, 5, flate.BestCompression} {
			blocks := encode(t, data, level)
			for k, blk := range blocks {
				off := k * maxBlock
				hist := data[max(0, off-historySize):off]
				n := min(maxBlock, len(data)-off)
				got, err := ourDecode(hist, blk, n)
				if err != nil || !bytes.Equal(got, data[off:off+n]) {
					t.Fatalf("input %d level %d block %d: %v", i, level, k, err)
				}
			}
		}
	}
}

// TestInflateCorruptMatchesFlate damages valid blocks in many ways and
// checks that we accept exactly what compress/flate accepts, with the same
// output.
func TestInflateCorruptMatchesFlate(t *testing.T) {
	rng := rand.New(rand.NewSource(2))
	data := goSource(t, 256<<10)
	var cases int
	for _, level := range []int{flate.HuffmanOnly, flate.BestSpeed, flate.DefaultCompression} {
		blocks := encode(t, data, level)
		for k, blk := range blocks {
			off := k * maxBlock
			hist := data[max(0, off-historySize):off]
			n := min(maxBlock, len(data)-off)
			for range 60 {
				n := n
				src := slices.Clone(blk)
				switch rng.Intn(4) {
				case 0: // flip bits
					for range 1 + rng.Intn(3) {
						i := 2 + rng.Intn(len(src)-2)
						src[i] ^= 1 << rng.Intn(8)
					}
				case 1: // truncate
					src = src[:2+rng.Intn(len(src)-2)]
				case 2: // flip in the header, where the codes are
					i := 2 + rng.Intn(min(len(src)-2, 60))
					src[i] ^= 1 << rng.Intn(8)
				case 3: // a wrong size
					n = min(max(n+rng.Intn(5)-2, 0), maxBlock)
				}
				for _, h := range [][]byte{hist, hist[len(hist)/2:]} {
					want, ok := flateDecode(h, src, n)
					got, err := ourDecode(h, src, n)
					cases++
					if ok != (err == nil) {
						t.Fatalf("block %d: compress/flate ok=%v, ours %v", k, ok, err)
					}
					if ok && !bytes.Equal(got, want) {
						t.Fatalf("block %d: output differs", k)
					}
					if err != nil && !errors.Is(err, ErrCorrupt) {
						t.Fatalf("error %v is not ErrCorrupt", err)
					}
				}
			}
		}
	}
	t.Logf("%d damaged blocks", cases)
}

// FuzzInflate compares the decoder with compress/flate on any input.
func FuzzInflate(f *testing.F) {
	data := testData(5000)
	f.Add(encode(f, data, flate.BestSpeed)[0], uint16(len(data)), uint16(0))
	f.Add(encode(f, data, flate.HuffmanOnly)[0], uint16(len(data)), uint16(0))
	f.Add([]byte("CK\x03\x00"), uint16(0), uint16(100))
	f.Fuzz(func(t *testing.T, src []byte, n, h uint16) {
		n %= maxBlock + 1
		hist := testData(int(h) % (historySize + 1))
		want, ok := flateDecode(hist, src, int(n))
		got, err := ourDecode(hist, src, int(n))
		if ok != (err == nil) {
			t.Fatalf("compress/flate ok=%v, ours %v", ok, err)
		}
		if ok && !bytes.Equal(got, want) {
			t.Fatal("output differs")
		}
	})
}

// BenchmarkInflate decodes 8 MiB of the Go tree (source and binaries),
// compressed at the default level, block by block into one buffer.
func BenchmarkInflate(b *testing.B) {
	data := goSource(b, 8<<20)
	blocks := encode(b, data, flate.DefaultCompression)
	buf := make([]byte, len(data)+slack)
	d := NewDecoder()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		for k, blk := range blocks {
			off := k * maxBlock
			n := min(maxBlock, len(data)-off)
			if err := d.DecodeInto(buf, off, min(off, historySize), n, blk); err != nil {
				b.Fatal(err)
			}
		}
	}
	if !bytes.Equal(buf[:len(data)], data) {
		b.Fatal("output differs")
	}
}

// BenchmarkInflateFlate is the same work done by compress/flate, the
// decoder this package used before its own.
func BenchmarkInflateFlate(b *testing.B) {
	data := goSource(b, 8<<20)
	blocks := encode(b, data, flate.DefaultCompression)
	out := make([]byte, maxBlock)
	b.SetBytes(int64(len(data)))
	var fr io.ReadCloser
	var src bytes.Reader
	for b.Loop() {
		for k, blk := range blocks {
			off := k * maxBlock
			n := min(maxBlock, len(data)-off)
			src.Reset(blk[2:])
			hist := data[max(0, off-historySize):off]
			if fr == nil {
				fr = flate.NewReaderDict(&src, hist)
			} else {
				fr.(flate.Resetter).Reset(&src, hist)
			}
			if _, err := io.ReadFull(fr, out[:n]); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// BenchmarkInflateCabinet decodes the MSZIP folders of the cabinet named
// by $MSIKIT_BENCH_CAB (the vs-peers cabinet, say).
func BenchmarkInflateCabinet(b *testing.B) {
	p := os.Getenv("MSIKIT_BENCH_CAB")
	if p == "" {
		b.Skip("MSIKIT_BENCH_CAB not set")
	}
	folders, err := cabtest.ReadFile(p)
	if err != nil {
		b.Fatal(err)
	}
	var total int
	for _, f := range folders {
		for _, blk := range f.Blocks {
			total += blk.USize
		}
	}
	buf := make([]byte, historySize+maxBlock+slack)
	d := NewDecoder()
	b.SetBytes(int64(total))
	for b.Loop() {
		for _, f := range folders {
			hist := 0
			for _, blk := range f.Blocks {
				if err := d.DecodeInto(buf, historySize, hist, blk.USize, blk.Data); err != nil {
					b.Fatal(err)
				}
				copy(buf, buf[blk.USize:historySize+blk.USize])
				hist = min(historySize, hist+blk.USize)
			}
		}
	}
}
