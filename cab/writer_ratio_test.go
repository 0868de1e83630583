package cab

import (
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"testing"
	"time"

	"github.com/msikit/msikit/internal/testutil"
)

// benchTree generates the `make bench` corpus (internal/benchgen: mixed
// text-like and binary-like files) at a smaller size and returns its
// directory and sorted relative paths.
func benchTree(t testing.TB, mb, files int) (string, []string) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "src")
	cmd := exec.Command("go", "run", "./internal/benchgen", "-o", dir, "-size", itoa(mb), "-files", itoa(files))
	cmd.Dir = testutil.ModuleRoot(t)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("benchgen: %v\n%s", err, out)
	}
	var names []string
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(dir, p)
			names = append(names, filepath.ToSlash(rel))
		}
		return err
	})
	sort.Strings(names)
	return dir, names
}

func itoa(n int) string { return strconv.Itoa(n) }

// TestMSZIPRatioVsGcab compresses the bench corpus with our MSZIP and
// with `gcab -cz`: ours must be no more than 5% larger.
func TestMSZIPRatioVsGcab(t *testing.T) {
	testutil.Tool(t, "gcab")
	if testing.Short() {
		t.Skip("short")
	}
	dir, names := benchTree(t, 16, 200)
	gcabPath := filepath.Join(t.TempDir(), "g.cab")
	cmd := exec.Command("gcab", append([]string{"-cz", gcabPath}, names...)...)
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("gcab: %v\n%s", err, out)
	}
	gi, err := os.Stat(gcabPath)
	if err != nil {
		t.Fatal(err)
	}
	cw := &countWriter{}
	w := NewWriter(cw)
	var total int64
	for _, n := range names {
		fw, err := w.Create(n, time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		f, err := os.Open(filepath.Join(dir, n))
		if err != nil {
			t.Fatal(err)
		}
		k, err := io.Copy(fw, f)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		total += k
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	ratio := float64(cw.n) / float64(gi.Size())
	t.Logf("%d bytes in %d files: msikit %d bytes (%.1f%%), gcab -cz %d bytes (%.1f%%), msikit/gcab %.4f",
		total, len(names), cw.n, 100*float64(cw.n)/float64(total), gi.Size(), 100*float64(gi.Size())/float64(total), ratio)
	if ratio > 1.05 {
		t.Errorf("MSZIP output is %.1f%% larger than gcab's", 100*(ratio-1))
	}
}

type countWriter struct{ n int64 }

func (c *countWriter) Write(p []byte) (int, error) { c.n += int64(len(p)); return len(p), nil }
