package manifest

import (
	"os"
	"path/filepath"
	"testing"
)

// seedPath finds ../shared/seed/name beside the module root, or skips.
func seedPath(t *testing.T, name string) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		if filepath.Dir(dir) == dir {
			t.Skip("module root (go.mod) not found above the test's directory")
		}
		dir = filepath.Dir(dir)
	}
	p := filepath.Join(dir, "..", "shared", "seed", name)
	if _, err := os.Stat(p); err != nil {
		t.Skipf("shared seed %s not available: %v", p, err)
	}
	return p
}

func mustBuiltin(t *testing.T) *Manifest {
	t.Helper()
	m, err := Builtin("kb977203")
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func mustRead(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
