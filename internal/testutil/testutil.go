// Package testutil finds the shared corpus and the peer tools for tests,
// skipping a test with a clear message when either is missing.
package testutil

import (
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// ModuleRoot is the directory holding go.mod, found from the working
// directory (a package directory, under go test).
func ModuleRoot(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("go.mod not found above the test's directory")
		}
		dir = parent
	}
}

// Corpus returns the path of a file or folder in ../shared/corpus beside
// the repository, or skips the test when it is absent.
func Corpus(t testing.TB, elem ...string) string {
	t.Helper()
	p := filepath.Join(append([]string{ModuleRoot(t), "..", "shared", "corpus"}, elem...)...)
	if testing.Short() {
		Skip(t, "-short: the shared corpus is not read")
	}
	if _, err := os.Stat(p); err != nil {
		Skip(t, "shared corpus not present (%s)", p)
	}
	return p
}

// Seed returns the path of a file in ../shared/seed beside the
// repository, or skips the test when it is absent.
func Seed(t testing.TB, name string) string {
	t.Helper()
	p := filepath.Join(ModuleRoot(t), "..", "shared", "seed", name)
	if _, err := os.Stat(p); err != nil {
		Skip(t, "shared seed not present (%s)", p)
	}
	return p
}

// Tool returns the path of a peer program, or skips the test when it is
// not installed.
func Tool(t testing.TB, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		Skip(t, "%s not installed: no comparison with it (.ci/run installs it)", name)
	}
	return p
}

// Run runs a peer program with extra environment variables and returns
// its standard output; a failure is reported with its standard error.
func Run(t testing.TB, env []string, name string, args ...string) ([]byte, error) {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Env = append(os.Environ(), env...)
	var stderr []byte
	out, err := cmd.Output()
	if ee, ok := err.(*exec.ExitError); ok {
		stderr = ee.Stderr
		t.Logf("%s %v: %v: %s", name, args, err, stderr)
	}
	return out, err
}

// CorpusFiles lists the corpus files whose extension (case-insensitive,
// with the dot) is one of exts, or skips the test when the corpus is
// absent.
func CorpusFiles(t testing.TB, exts ...string) []string {
	t.Helper()
	root := Corpus(t)
	var out []string
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		ext := strings.ToLower(filepath.Ext(path))
		for _, e := range exts {
			if ext == e {
				out = append(out, path)
				break
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(out) == 0 {
		t.Fatalf("no %v files in the corpus at %s", exts, root)
	}
	return out
}

// PackageExts are the extensions of Windows Installer packages.
var PackageExts = []string{".msi", ".msm", ".msp", ".mst"}

// TreeMD5 maps each regular file under dir, by its slash-separated path
// (a backslash in a name, as cabextract writes from a flagged-UTF-8 name,
// read as a separator too), to the MD5 of its content.
func TreeMD5(t testing.TB, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		sum := md5.Sum(b)
		out[strings.ReplaceAll(filepath.ToSlash(rel), "\\", "/")] = hex.EncodeToString(sum[:])
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// Skip skips the test with a message and, when MSIKIT_SKIPLOG names a
// file (make test sets it), appends the message there so that the
// comparisons that did not run are summarised at the end.
func Skip(t testing.TB, format string, args ...any) {
	t.Helper()
	msg := fmt.Sprintf(format, args...)
	if log := os.Getenv("MSIKIT_SKIPLOG"); log != "" {
		if f, err := os.OpenFile(log, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644); err == nil {
			fmt.Fprintf(f, "%s\t%s\n", t.Name(), msg)
			f.Close()
		}
	}
	t.Skip(msg)
}
