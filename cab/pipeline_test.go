package cab

import (
	"bytes"
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"io"
	"math/rand"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
)

// outcome is what Extract delivered: per file, in delivery order, the MD5
// of the bytes fn read, and the errors Extract returned.
type outcome struct {
	files []string
	errs  string
}

// extractOutcome runs Extract with the given workers (negative: as many,
// Concurrent); fn reads each file whole, or only its first half when half
// is set.
func extractOutcome(t testing.TB, r *Reader, files []*File, workers int, half bool) outcome {
	t.Helper()
	var mu sync.Mutex
	got := map[*File]string{}
	var order []*File
	o := ExtractOptions{Workers: workers}
	if workers < 0 {
		o = ExtractOptions{Workers: -workers, Concurrent: true}
	}
	err := r.ExtractWith(files, o, func(f *File, c io.Reader) error {
		var src io.Reader = c
		if half {
			src = io.LimitReader(c, f.Size/2)
		}
		h := md5.New()
		n, err := io.Copy(h, src)
		mu.Lock()
		defer mu.Unlock()
		got[f] = fmt.Sprintf("%s %d %s %v", f.Name, n, hex.EncodeToString(h.Sum(nil)), err)
		order = append(order, f)
		return err
	})
	var out outcome
	// Folders may finish in any order; within a folder the order is
	// fixed, unless Concurrent.
	slices.SortStableFunc(order, func(a, b *File) int { return a.Folder - b.Folder })
	for _, f := range order {
		out.files = append(out.files, got[f])
	}
	if o.Concurrent {
		slices.Sort(out.files)
	}
	if err != nil {
		out.errs = err.Error()
	}
	return out
}

// checkSameOutcome compares pipelined extraction (2, 3 and 5 workers) with
// extraction on the spot (1 worker), which is the reference.
func checkSameOutcome(t *testing.T, name string, r *Reader, files []*File, half bool) outcome {
	t.Helper()
	want := extractOutcome(t, r, files, 1, half)
	for _, w := range []int{2, 3, 5, -2, -3} {
		got := extractOutcome(t, r, files, w, half)
		if w < 0 {
			// Delivered in any order: compare the sets.
			want := want
			want.files = slices.Sorted(slices.Values(want.files))
			checkOutcome(t, name, w, got, want)
			continue
		}
		checkOutcome(t, name, w, got, want)
	}
	return want
}

func checkOutcome(t *testing.T, name string, w int, got, want outcome) {
	t.Helper()
	{
		if got.errs != want.errs {
			t.Errorf("%s, %d workers: errors\n%s\nwant\n%s", name, w, got.errs, want.errs)
		}
		if !slices.Equal(got.files, want.files) {
			for i := range min(len(got.files), len(want.files)) {
				if got.files[i] != want.files[i] {
					t.Errorf("%s, %d workers: file %d: %s, want %s", name, w, i, got.files[i], want.files[i])
					break
				}
			}
			t.Errorf("%s, %d workers: %d files delivered, want %d", name, w, len(got.files), len(want.files))
		}
	}
}

// pipelineSet is several MB of text and random data in files of every
// size, so that folders span many chunks.
func pipelineSet(seed int64) []wEntry {
	rng := rand.New(rand.NewSource(seed))
	var es []wEntry
	for i := range 40 {
		var n int
		switch i % 5 {
		case 0:
			n = 0
		case 1:
			n = rng.Intn(100)
		case 2:
			n = rng.Intn(100_000)
		case 3:
			n = 32768 * (1 + rng.Intn(3))
		default:
			n = rng.Intn(1_500_000)
		}
		data := textData(rng, n)
		if i%3 == 0 {
			data = randData(rng, n)
		}
		es = append(es, wEntry{name: fmt.Sprintf(`d%d\f%02d.txt`, i%4, i), data: data, mod: testTime})
	}
	return es
}

// repetitiveSet is data that keeps referring back: a 16 KiB pattern
// repeated with a few changes, so that a run started without its history
// never gets past it (and the pipeline stops trying).
func repetitiveSet() []wEntry {
	rng := rand.New(rand.NewSource(9))
	base := textData(rng, 16<<10)
	var data []byte
	for len(data) < 12<<20 {
		b := slices.Clone(base)
		b[rng.Intn(len(b))] = 'x'
		data = append(data, b...)
	}
	return []wEntry{{name: "a.txt", data: data[:5<<20], mod: testTime}, {name: "b.txt", data: data[5<<20:], mod: testTime}}
}

func TestPipelineMatchesSequential(t *testing.T) {
	es := pipelineSet(1)
	for _, tc := range []struct {
		name string
		es   []wEntry
		opts []WriterOption
	}{
		{"repetitive", repetitiveSet(), nil},
		{"mszip", es, nil},
		{"mszip-folders", es, []WriterOption{FolderThreshold(3 << 20)}},
		{"mszip-fast", es, []WriterOption{MSZIPLevel(1)}},
		{"stored", es, []WriterOption{WithCompression(MethodNone), FolderThreshold(5 << 20)}},
		{"reserve", es, []WriterOption{Reserve(10, 4, 7)}},
	} {
		b := writeSingle(t, tc.es, tc.opts...)
		r, err := NewReader(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			t.Fatal(err)
		}
		want := checkSameOutcome(t, tc.name, r, nil, false)
		if want.errs != "" {
			t.Fatalf("%s: %s", tc.name, want.errs)
		}
		checkSameOutcome(t, tc.name+" half", r, nil, true)
		// Every third file, and files in reverse: only what they need is
		// decoded.
		var some []*File
		for i := len(r.File) - 1; i >= 0; i -= 3 {
			some = append(some, r.File[i])
		}
		checkSameOutcome(t, tc.name+" some", r, some, false)
		if len(r.File) < 15 {
			continue
		}
		// The same file twice, and two files that overlap, restart the
		// folder.
		twice := []*File{r.File[9], r.File[4], r.File[9], r.File[14]}
		dup := *r.File[14]
		dup.Offset -= dup.Size / 2
		dup.Name = "overlap"
		twice = append(twice, &dup)
		checkSameOutcome(t, tc.name+" twice", r, twice, false)
	}
}

// TestPipelineDamage damages a cabinet in many places (bytes changed,
// cut short) and checks that pipelined extraction delivers the same bytes
// and reports the same errors as extraction on the spot.
func TestPipelineDamage(t *testing.T) {
	es := pipelineSet(2)[:25]
	for _, tc := range []struct {
		name string
		opts []WriterOption
	}{
		{"mszip", []WriterOption{FolderThreshold(2 << 20)}},
		{"stored", []WriterOption{WithCompression(MethodNone)}},
	} {
		good := writeSingle(t, es, tc.opts...)
		r0, err := NewReader(bytes.NewReader(good), int64(len(good)))
		if err != nil {
			t.Fatal(err)
		}
		dataStart := r0.Folders[0].segs[0].dataOff
		rng := rand.New(rand.NewSource(3))
		for k := range 24 {
			b := slices.Clone(good)
			var what string
			pos := dataStart + rng.Int63n(int64(len(b))-dataStart)
			switch k % 4 {
			case 0:
				b[pos] ^= 0x40
				what = fmt.Sprintf("byte %d changed", pos)
			case 1:
				b = b[:pos]
				what = fmt.Sprintf("cut at %d", pos)
			case 2:
				for i := pos; i < min(pos+200, int64(len(b))); i++ {
					b[i] = byte(rng.Intn(256))
				}
				what = fmt.Sprintf("200 bytes at %d garbled", pos)
			case 3:
				b[pos] ^= 0x01
				what = fmt.Sprintf("bit at %d flipped, checksums off", pos)
			}
			var opts []Option
			if k%4 == 3 {
				opts = append(opts, SkipChecksums())
			}
			r, err := NewReader(bytes.NewReader(b), int64(len(b)), opts...)
			if err != nil {
				continue // the damage is in the header area
			}
			got := checkSameOutcome(t, tc.name+": "+what, r, nil, false)
			if k%4 != 3 && got.errs == "" {
				t.Errorf("%s: %s: no error", tc.name, what)
			}
		}
	}
}

// TestPipelineCorpus compares pipelined and on-the-spot extraction on the
// corpus's cabinets of every method, healthy and broken.
func TestPipelineCorpus(t *testing.T) {
	dir := filepath.Join("..", "..", "shared", "corpus")
	if _, err := os.Stat(dir); err != nil {
		dir = filepath.Join("..", "..", "..", "shared", "corpus")
	}
	paths, _ := filepath.Glob(filepath.Join(dir, "*", "*.cab"))
	if len(paths) == 0 {
		t.Skip("corpus not present")
	}
	n := 0
	for _, p := range paths {
		rc, err := Open(p)
		if err != nil {
			continue
		}
		n++
		checkSameOutcome(t, strings.TrimPrefix(p, dir), &rc.Reader, nil, false)
		rc.Close()
	}
	t.Logf("%d cabinets", n)
}
