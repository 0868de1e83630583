package msi_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/msikit/msikit/msi"
)

// TestExtractToRefusesLinks: a symbolic link in the output tree, where
// the layout puts a directory, is refused and never followed.
func TestExtractToRefusesLinks(t *testing.T) {
	p, err := msi.Open("../fixtures/hello.msi")
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	dir, elsewhere := t.TempDir(), t.TempDir()
	if err := os.Symlink(elsewhere, filepath.Join(dir, "msikit Hello")); err != nil {
		t.Skip("no symbolic links here:", err)
	}
	written, err := p.ExtractTo(dir, msi.ExtractOptions{})
	if err == nil || len(written) != 0 {
		t.Errorf("written %v, err %v: want the link refused", written, err)
	}
	if ents, _ := os.ReadDir(elsewhere); len(ents) != 0 {
		t.Errorf("the link was followed: %v", ents)
	}
}
