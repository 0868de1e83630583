package mszip

import (
	"bytes"
	"compress/flate"
	"errors"
	"os"
	"testing"

	"github.com/msikit/msikit/cab/internal/cabtest"
)

// runAll decodes blocks as runs of per blocks each, every run but the
// first without its history, resolving in order, and returns the output.
func runAll(t testing.TB, blocks [][]byte, sizes []int, per int) ([]byte, int) {
	t.Helper()
	var out []byte
	var switchedAfter int
	for first := 0; first < len(blocks); first += per {
		last := min(first+per, len(blocks))
		n := 0
		for _, s := range sizes[first:last] {
			n += s
		}
		hist := min(len(out), historySize)
		buf := make([]byte, historySize+n+slack)
		start := historySize
		r, err := NewDecoder().NewRun(buf, start, hist, false)
		if err != nil {
			t.Fatal(err)
		}
		for k := first; k < last; k++ {
			err := r.Block(blocks[k], sizes[k])
			if errors.Is(err, ErrNeedHistory) {
				if err := r.Resolve(out[len(out)-hist:]); err != nil {
					t.Fatal(err)
				}
				err = r.Block(blocks[k], sizes[k])
			}
			if err != nil {
				t.Fatalf("block %d: %v", k, err)
			}
			if r.Known() && switchedAfter == 0 && first > 0 {
				switchedAfter = k - first + 1
			}
		}
		r.Finish()
		if err := r.Resolve(out[len(out)-hist:]); err != nil {
			t.Fatal(err)
		}
		out = append(out, buf[start:start+n]...)
	}
	return out, switchedAfter
}

func TestRunMatchesSequential(t *testing.T) {
	inputs := map[string][]byte{
		"text":   testData(2 << 20),
		"go":     goSource(t, 3<<20),
		"zeros":  make([]byte, 1<<20),
		"period": bytes.Repeat([]byte("0123456789abcdef"), 1<<16),
	}
	for name, data := range inputs {
		for _, level := range []int{flate.BestSpeed, flate.DefaultCompression} {
			blocks := encode(t, data, level)
			sizes := make([]int, len(blocks))
			for i := range sizes {
				sizes[i] = min(maxBlock, len(data)-i*maxBlock)
			}
			for _, per := range []int{1, 3, 32} {
				got, sw := runAll(t, blocks, sizes, per)
				if !bytes.Equal(got, data) {
					t.Fatalf("%s level %d, %d blocks a run: output differs", name, level, per)
				}
				t.Logf("%s level %d, %d a run: first switch after %d blocks", name, level, per, sw)
			}
		}
	}
}

// TestRunSwitchOnCabinet reports, for the cabinet named by
// $MSIKIT_BENCH_CAB, after how many blocks runs started without history
// decode bytes again, and checks the output against sequential decoding.
func TestRunSwitchOnCabinet(t *testing.T) {
	p := os.Getenv("MSIKIT_BENCH_CAB")
	if p == "" {
		t.Skip("MSIKIT_BENCH_CAB not set")
	}
	folders, err := cabtest.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	f := folders[0]
	var blocks [][]byte
	var sizes []int
	for _, b := range f.Blocks {
		blocks = append(blocks, b.Data)
		sizes = append(sizes, b.USize)
	}
	seq := NewDecoder()
	var want []byte
	for i := range blocks {
		dst := make([]byte, sizes[i])
		if err := seq.Decompress(dst, blocks[i]); err != nil {
			t.Fatal(err)
		}
		want = append(want, dst...)
	}
	const per = 32
	hist := make(map[int]int)
	for first := per; first+per <= len(blocks); first += per {
		buf := make([]byte, historySize+per*maxBlock+slack)
		r, _ := NewDecoder().NewRun(buf, historySize, historySize, false)
		sw := -1
		for k := first; k < first+per; k++ {
			if err := r.Block(blocks[k], sizes[k]); err != nil {
				sw = 99
				break
			}
			if r.Known() {
				sw = k - first + 1
				break
			}
		}
		hist[sw]++
	}
	t.Logf("blocks until bytes again (run of %d): %v", per, hist)
	got, _ := runAll(t, blocks, sizes, per)
	if !bytes.Equal(got, want) {
		t.Fatal("output differs")
	}
}
