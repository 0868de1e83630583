package manifest

import (
	"os"
	"testing"

	"github.com/msikit/msikit/internal/testutil"
)

// seedPath finds ../shared/seed/name beside the module root, or skips.
func seedPath(t *testing.T, name string) string { return testutil.Seed(t, name) }

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
