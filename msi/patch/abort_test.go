package patch_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/msikit/msikit/internal/patchtest"
	"github.com/msikit/msikit/internal/safepath"
	"github.com/msikit/msikit/msi/patch"
)

// spools lists the patch spool directories in dir.
func spools(t *testing.T, dir string) []string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), "msikit-patch-") {
			out = append(out, e.Name())
		}
	}
	return out
}

// TestCreateSpoolRemovedOnAbort: a command stopped by a signal while it
// makes a patch (safepath.Abort) leaves no spool of changed files behind.
// Abort is for the whole process and cannot be undone, so the test runs
// itself in a child process whose TMPDIR it then inspects.
func TestCreateSpoolRemovedOnAbort(t *testing.T) {
	if os.Getenv("MSIKIT_TEST_ABORT_CHILD") == "1" {
		work := os.Getenv("MSIKIT_TEST_ABORT_WORK")
		old := patchtest.Package(t, filepath.Join(work, "old"), map[string]string{"Demo/readme.txt": "one"})
		new := patchtest.PackageVersion(t, filepath.Join(work, "new"), "1.0.1", map[string]string{"Demo/readme.txt": "two, longer"})
		b, err := patch.Create(old, new, patch.CreateOptions{})
		if err != nil {
			t.Fatal(err)
		}
		_ = b // not closed: the signal comes first
		if n := len(spools(t, os.TempDir())); n != 1 {
			t.Fatalf("%d spool directories while the build is open, want 1", n)
		}
		safepath.Abort()
		return
	}
	tmp, work := t.TempDir(), t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^TestCreateSpoolRemovedOnAbort$", "-test.v")
	cmd.Env = append(os.Environ(), "MSIKIT_TEST_ABORT_CHILD=1", "MSIKIT_TEST_ABORT_WORK="+work, "TMPDIR="+tmp)
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "--- PASS") {
		t.Fatalf("child: %v\n%s", err, out)
	}
	if left := spools(t, tmp); len(left) != 0 {
		t.Errorf("spool directories left after Abort: %v", left)
	}
}
