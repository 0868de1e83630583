package cab

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"testing"
)

// FuzzNewReader parses arbitrary bytes as a cabinet and, when that works,
// reads every file, in both normal and salvage modes: no input may panic,
// hang or allocate without bound.
func FuzzNewReader(f *testing.F) {
	if b, err := os.ReadFile(filepath.Join("testdata", "example.cab")); err == nil {
		f.Add(b)
	}
	f.Add([]byte("MSCF"))
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, opts := range [][]Option{nil, {Salvage()}, {WithSearch()}} {
			r, err := NewReader(bytes.NewReader(b), int64(len(b)), opts...)
			if err != nil {
				continue
			}
			if len(r.File) == 0 || len(r.Folders) == 0 {
				t.Fatal("reader with no files or folders")
			}
			r.Extract(nil, 1, func(f *File, c io.Reader) error {
				n, err := io.Copy(io.Discard, c)
				if err == nil && n != f.Size {
					t.Fatalf("%s: %d bytes, size %d", f.Name, n, f.Size)
				}
				return err
			})
		}
	})
}
