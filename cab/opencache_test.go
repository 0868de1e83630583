package cab

import (
	"bytes"
	"fmt"
	"io/fs"
	"math/rand"
	"os"
	"path/filepath"
	"testing"
	"testing/fstest"
)

// walkSet is many files whose names sort in another order than the one
// they are stored in (the cabinet holds them in reverse name order, and
// directories interleave with files).
func walkSet() []wEntry {
	rng := rand.New(rand.NewSource(11))
	var es []wEntry
	for i := 299; i >= 0; i-- {
		name := fmt.Sprintf(`d%d\f%03d.txt`, i%7, i)
		if i%5 == 0 {
			name = fmt.Sprintf(`d%d.txt`, i%7) + fmt.Sprint(i)
		}
		es = append(es, wEntry{name: name, data: textData(rng, 1+rng.Intn(40_000)), mod: testTime})
	}
	return es
}

// TestOpenAnyOrder walks the Reader's fs.FS (name order), then opens the
// files in a random order, and checks the bytes and that each walk
// decodes about one folder's worth.
func TestOpenAnyOrder(t *testing.T) {
	es := walkSet()
	b := writeSingle(t, es)
	var total int64
	for _, e := range es {
		total += int64(len(e.data))
	}
	r0, err := NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]byte{}
	for i, f := range r0.File {
		want[f.Path()] = es[i].data
	}
	for _, order := range []string{"walk", "random", "reverse"} {
		r, err := NewReader(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, f := range r.File {
			names = append(names, f.Path())
		}
		switch order {
		case "walk":
			names = names[:0]
			fs.WalkDir(r, ".", func(p string, d fs.DirEntry, err error) error {
				if err == nil && !d.IsDir() {
					names = append(names, p)
				}
				return err
			})
		case "random":
			rand.New(rand.NewSource(1)).Shuffle(len(names), func(i, j int) { names[i], names[j] = names[j], names[i] })
		case "reverse":
			for i, j := 0, len(names)-1; i < j; i, j = i+1, j-1 {
				names[i], names[j] = names[j], names[i]
			}
		}
		for _, n := range names {
			got, err := fs.ReadFile(r, n)
			if err != nil {
				t.Fatalf("%s: %s: %v", order, n, err)
			}
			if !bytes.Equal(got, want[n]) {
				t.Fatalf("%s: %s: bytes differ", order, n)
			}
		}
		if d := r.DecodedBytes(); d > total+total/5 {
			t.Errorf("%s: %d bytes decoded for %d bytes of files", order, d, total)
		}
		t.Logf("%s: %d files, %.2f folders decoded", order, len(names), float64(r.DecodedBytes())/float64(total))
	}
	r, _ := NewReader(bytes.NewReader(b), int64(len(b)))
	if err := fstest.TestFS(r, "d1/f001.txt"); err != nil {
		t.Fatal(err)
	}
}

// TestCopyFS copies a cabinet's fs.FS to a directory with os.CopyFS.
func TestCopyFS(t *testing.T) {
	es := walkSet()
	b := writeSingle(t, es)
	r, err := NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.CopyFS(dir, r); err != nil {
		t.Fatal(err)
	}
	for i, f := range r.File {
		got, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(f.Path())))
		if err != nil || !bytes.Equal(got, es[i].data) {
			t.Fatalf("%s: %v", f.Name, err)
		}
	}
	var total int64
	for _, e := range es {
		total += int64(len(e.data))
	}
	if d := r.DecodedBytes(); d > total+total/5 {
		t.Errorf("%d bytes decoded for %d bytes of files", d, total)
	}
}
