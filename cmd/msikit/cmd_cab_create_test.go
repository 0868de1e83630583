package main

import (
	"bytes"
	"encoding/json"
	"github.com/msikit/msikit/internal/testutil"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// createTree writes a small tree with nested, empty and non-ASCII files,
// all with the same modification time, and returns its files' contents by
// slash path relative to root.
func createTree(t *testing.T, root string) map[string][]byte {
	rng := rand.New(rand.NewSource(9))
	files := map[string][]byte{
		"in/a.txt":              bytes.Repeat([]byte("alpha beta gamma\n"), 5000),
		"in/sub/deep/b.bin":     nil,
		"in/sub/c.bin":          make([]byte, 200000),
		"in/sub/ünïcödé ñame.t": []byte("x"),
		"loose.txt":             []byte("a loose file\n"),
	}
	rng.Read(files["in/sub/c.bin"])
	mod := time.Date(2023, 3, 4, 5, 6, 8, 0, time.Local)
	for name, b := range files {
		p := filepath.Join(root, filepath.FromSlash(name))
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		os.Chtimes(p, mod, mod)
	}
	os.MkdirAll(filepath.Join(root, "in", "emptydir"), 0o755)
	return files
}

func TestCabCreate(t *testing.T) {
	src := t.TempDir()
	want := createTree(t, src)
	t.Chdir(src)
	out := t.TempDir()
	for _, tc := range []struct {
		name  string
		args  []string
		parts int
	}{
		{"mszip", nil, 1},
		{"none", []string{"--compression", "none"}, 1},
		{"spanned", []string{"--max-size", "40K"}, 3},
		{"folders", []string{"--folder-size", "10K", "--level", "1"}, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cabPath := filepath.Join(out, tc.name+".cab")
			args := append([]string{"cab", "create", "--json", "-o", cabPath}, tc.args...)
			args = append(args, "in", "./loose.txt")
			stdout, stderr, code := runCLI(args...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			var rep jsonCreated
			if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
				t.Fatal(err, stdout)
			}
			if rep.Files != len(want) || len(rep.Parts) < tc.parts || (tc.parts == 1 && len(rep.Parts) != 1) {
				t.Fatalf("report %+v", rep)
			}
			for _, p := range rep.Parts {
				if tc.name == "spanned" && p.Size > 40<<10 {
					t.Errorf("%s: %d bytes, over --max-size", p.Name, p.Size)
				}
			}
			// The stored names and times, through our own listing.
			stdout, _, code = runCLI("cab", "list", "--json", cabPath)
			if code != 0 {
				t.Fatal(stdout)
			}
			var list []jsonCabinet
			json.Unmarshal([]byte(stdout), &list)
			var names []string
			for _, f := range list[0].Files {
				names = append(names, f.Name)
				if _, err := time.Parse(time.RFC3339, f.Modified); err != nil || !strings.HasPrefix(f.Modified, "2023-03-04T05:06:08") {
					t.Errorf("%s: modified %s", f.Name, f.Modified)
				}
			}
			wantNames := `in\a.txt in\sub\c.bin in\sub\deep\b.bin in\sub\ünïcödé ñame.t loose.txt`
			if got := strings.Join(names, " "); got != wantNames {
				t.Errorf("names %q, want %q", got, wantNames)
			}
			// Extracted by us and by cabextract, from the first part.
			ours := t.TempDir()
			if _, stderr, code := runCLI("cab", "extract", "-q", "-o", ours, cabPath); code != 0 {
				t.Fatalf("extract: %s", stderr)
			}
			checkTree(t, "msikit", ours, want)
			if _, err := exec.LookPath("cabextract"); err != nil {
				testutil.Skip(t, "cabextract not installed")
			}
			theirs := t.TempDir()
			if b, err := exec.Command("cabextract", "-q", "-d", theirs, cabPath).CombinedOutput(); err != nil {
				t.Fatalf("cabextract: %v\n%s", err, b)
			}
			checkTree(t, "cabextract", theirs, want)
		})
	}
}

func checkTree(t *testing.T, tool, dir string, want map[string][]byte) {
	t.Helper()
	got := tree(t, dir)
	if len(got) != len(want) {
		t.Errorf("%s: %d files, want %d: %v", tool, len(got), len(want), got)
	}
	for name, b := range want {
		p := filepath.Join(dir, filepath.FromSlash(name))
		have, err := os.ReadFile(p)
		if err != nil || !bytes.Equal(have, b) {
			t.Errorf("%s: %s: %v, %d bytes, want %d", tool, name, err, len(have), len(b))
			continue
		}
		if fi, _ := os.Stat(p); !fi.ModTime().Equal(time.Date(2023, 3, 4, 5, 6, 8, 0, time.Local)) {
			t.Errorf("%s: %s: modified %v", tool, name, fi.ModTime())
		}
	}
}

func TestCabCreateUsage(t *testing.T) {
	dir := t.TempDir()
	f := filepath.Join(dir, "f")
	os.WriteFile(f, []byte("x"), 0o644)
	for _, tc := range []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"cab", "create", f}, 2, "-o OUT.cab is required"},
		{[]string{"cab", "create", "-o", filepath.Join(dir, "x.cab")}, 2, "missing argument"},
		{[]string{"cab", "create", "-o", filepath.Join(dir, "x.cab"), "--compression", "lzx", f}, 2, "--compression"},
		{[]string{"cab", "create", "-o", filepath.Join(dir, "x.cab"), "--max-size", "12Q", f}, 2, "--max-size"},
		{[]string{"cab", "create", "-o", filepath.Join(dir, "x.cab"), filepath.Join(dir, "missing")}, 1, "no such file"},
		{[]string{"cab", "create", "-o", filepath.Join(dir, "nodir", "x.cab"), f}, 2, "output directory"},
		{[]string{"cab", "create", "-o", filepath.Join(dir, "x.cab"), "--max-size", "50", f}, 1, "too large"},
	} {
		_, stderr, code := runCLI(tc.args...)
		if code != tc.code || !strings.Contains(stderr, tc.msg) {
			t.Errorf("%v: exit %d, %q; want %d and %q", tc.args, code, stderr, tc.code, tc.msg)
		}
	}
	if left, _ := filepath.Glob(filepath.Join(dir, "*.cab")); len(left) != 0 {
		t.Errorf("failed runs left %v", left)
	}
	if left, _ := filepath.Glob(filepath.Join(dir, ".*.tmp")); len(left) != 0 {
		t.Errorf("failed runs left %v", left)
	}
	stdout, _, code := runCLI("cab", "create", "--help")
	if code != 0 || !strings.Contains(stdout, "--max-size") || !strings.Contains(stdout, "OUT2.cab") {
		t.Errorf("--help: exit %d\n%s", code, stdout)
	}
}
