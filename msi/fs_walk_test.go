package msi

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/msikit/msikit/internal/testutil"
)

// TestFSWalkDecodesOnce copies NUnit's package (296 files in one cabinet
// folder, stored in another order than their names') with os.CopyFS: the
// bytes are ReadFiles' and the cabinet is decoded about once, not once
// per file (15 s before, for 0.36 s of extraction).
func TestFSWalkDecodesOnce(t *testing.T) {
	p, err := Open(testutil.Corpus(t, "lessmsi", "NUnit-2.5.2.9222.msi"))
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	fsys, err := p.FS(FileOptions{})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.CopyFS(dir, fsys); err != nil {
		t.Fatal(err)
	}
	files, err := FileList(p, FileOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var total int64
	_, err = p.ReadFiles(files, ReadOptions{}, func(c FileContent) error {
		want, err := io.ReadAll(c.Reader)
		if err != nil {
			return err
		}
		total += int64(len(want))
		got, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(c.File.Path)))
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("%s: %v, or bytes differ", c.File.Path, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var decoded int64
	for _, c := range fsys.(*packageFS).cabs.cabs {
		if c.rc != nil {
			decoded += c.rc.DecodedBytes()
		}
	}
	if len(files) < 20 || decoded > total+total/5 {
		t.Errorf("%d files: %d bytes decoded for %d bytes of files", len(files), decoded, total)
	}
	t.Logf("%d files, %d bytes, %.2f times decoded", len(files), total, float64(decoded)/float64(total))
}
