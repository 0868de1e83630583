package main

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/msikit/msikit/internal/progress"
	"github.com/msikit/msikit/internal/ptytest"
)

// progressTree writes n incompressible files in dir/tree and a build spec
// of them, dir/spec.yaml.
func progressTree(t *testing.T, dir string, n, size int) {
	t.Helper()
	rng := rand.New(rand.NewPCG(1, 2))
	spec := "product:\n  name: Demo\n  version: 1.0.0\n  manufacturer: msikit tests\n  upgrade_code: \"{0D5C6B83-4F69-4A5E-8C3B-2E8F40E2A6B2}\"\nfiles:\n"
	for i := range n {
		b := make([]byte, size)
		for j := range b {
			b[j] = byte(rng.Uint32())
		}
		name := fmt.Sprintf("f%03d.bin", i)
		if err := os.MkdirAll(filepath.Join(dir, "tree", fmt.Sprint(i%4)), 0o755); err != nil {
			t.Fatal(err)
		}
		rel := filepath.Join("tree", fmt.Sprint(i%4), name)
		if err := os.WriteFile(filepath.Join(dir, rel), b, 0o644); err != nil {
			t.Fatal(err)
		}
		spec += fmt.Sprintf("  - {source: %s, path: Demo/%d/%s, modified: 2010-01-25T06:27:00Z}\n", rel, i%4, name)
	}
	if err := os.WriteFile(filepath.Join(dir, "spec.yaml"), []byte(spec), 0o644); err != nil {
		t.Fatal(err)
	}
}

// screenOf is what a terminal cols wide shows after receiving b, its
// lines sorted (files are listed in the order their extraction ends).
func screenOf(cols int, b []byte) []string {
	s := ptytest.NewScreen(cols)
	s.Write(bytes.ReplaceAll(b, []byte("\n"), []byte("\r\n")))
	l := s.Lines()
	slices.Sort(l)
	return l
}

// TestProgressOnScreen runs every long command in a pseudo-terminal, as
// a person would, with the bar redrawn every millisecond, and checks
// what the screen shows at the end: exactly what the same command prints
// when its output is not a terminal (every listing line whole, nothing
// else), so no trace of the bar and no line cut by it. It also checks
// that the bar was drawn, fitted to the width, and that without a
// terminal no escape sequence is written.
func TestProgressOnScreen(t *testing.T) {
	defer func(i, d time.Duration) { progress.Interval, progress.Delay = i, d }(progress.Interval, progress.Delay)
	progress.Interval, progress.Delay = time.Millisecond, 0
	dir := t.TempDir()
	t.Chdir(dir)
	progressTree(t, dir, 300, 16<<10)
	steps := [][]string{
		{"cab", "create", "-o", "t.cab", "tree"},
		{"cab", "extract", "t.cab", "-o", "cabout", "--overwrite"},
		{"cab", "test", "t.cab"},
		{"build", "spec.yaml", "-o", "p.msi"},
		{"extract", "p.msi", "-o", "x", "--overwrite"},
		{"admin", "p.msi", "-o", "a", "--overwrite"},
		{"manifest", "generate", "x", "-o", "m.yaml"},
		{"verify", "x", "--manifest", "m.yaml"},
	}
	for _, cols := range []int{100, 34} {
		for _, args := range steps {
			name := fmt.Sprintf("%s/%d", strings.Join(args[:2], " "), cols)
			var plain bytes.Buffer
			if code := run(args, &plain, &plain); code != 0 {
				t.Fatalf("%s: exit %d: %s", name, code, plain.String())
			}
			if strings.Contains(plain.String(), "\x1b") || strings.Contains(plain.String(), "\r") {
				t.Errorf("%s: escape sequences without a terminal: %q", name, plain.String())
			}
			c := ptytest.New(t, cols, 24)
			if code := run(args, c.Term, c.Term); code != 0 {
				t.Fatalf("%s in a terminal: exit %d", name, code)
			}
			raw := c.Close()
			got := screenOf(cols, raw)
			want := screenOf(cols, plain.Bytes())
			if !slices.Equal(got, want) {
				t.Errorf("%s: the screen shows\n%s\nwant\n%s", name, strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
			drawn := 0
			for _, frame := range strings.Split(string(raw), "\r") {
				if !strings.HasSuffix(frame, "\x1b[K") || frame == "\x1b[K" {
					continue
				}
				drawn++
				line := strings.TrimSuffix(frame, "\x1b[K")
				if w := len([]rune(line)); w >= cols {
					t.Errorf("%s: a bar %d columns wide in %d: %q", name, w, cols, line)
				}
			}
			if drawn == 0 && args[1] == "extract" {
				t.Errorf("%s: no bar drawn: %q", name, raw)
			}
			t.Logf("%s: %d frames", name, drawn)
		}
	}
}
