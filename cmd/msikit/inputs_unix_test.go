//go:build unix

package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/msikit/msikit/internal/testutil"
	"github.com/stretchr/testify/assert"
)

// msikitWithin runs the CLI in-process and fails the test if it has not
// returned within d: a regression that blocks in open(2) on a FIFO
// cannot be interrupted, so it must fail rather than hang.
func msikitWithin(t *testing.T, d time.Duration, args ...string) (int, string, string) {
	t.Helper()
	type result struct {
		code     int
		out, err string
	}
	done := make(chan result, 1)
	go func() {
		var out, errb bytes.Buffer
		code := run(args, &out, &errb)
		done <- result{code, out.String(), errb.String()}
	}()
	select {
	case r := <-done:
		return r.code, r.out, r.err
	case <-time.After(d):
		t.Fatalf("msikit %s: still running after %v (blocked on the FIFO?)", strings.Join(args, " "), d)
		return 0, "", ""
	}
}

// TestFIFOInputEveryCommand: a FIFO given where a file is read is refused
// at once, exit 1, with a message that says what it is and what to give
// instead (issue 12, item 7); nothing waits for a writer, nothing is
// written.
func TestFIFOInputEveryCommand(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "pipe.msi")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	outDir := filepath.Join(dir, "out")
	if err := os.Mkdir(outDir, 0o755); err != nil {
		t.Fatal(err)
	}
	out := func(name string) string { return filepath.Join(outDir, name) }
	random := fifo + " is not a regular file (a FIFO): msikit reads packages and cabinets at random; give a file, or '-' to read standard input"
	stream := fifo + " is a FIFO that nothing writes to: give a file, or '-' to read standard input"
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"info", fifo}, random},
		{[]string{"tables", fifo}, random},
		{[]string{"export", fifo, "File"}, random},
		{[]string{"export", fifo, "--all", "-o", out("e")}, random},
		{[]string{"streams", fifo}, random},
		{[]string{"files", fifo}, random},
		{[]string{"media", fifo}, random},
		{[]string{"extract", fifo, "-o", out("x")}, random},
		{[]string{"list", fifo}, random},
		{[]string{"admin", fifo, "-o", out("a")}, random},
		{[]string{"admin", hello, "-o", out("a2"), "--patch", fifo}, random},
		{[]string{"build", fifo, "-o", out("b.msi")}, fifo + " is not a regular file (a FIFO): give a file, or '-' to read standard input"},
		{[]string{"diff", fifo, hello}, random},
		{[]string{"diff", hello, fifo}, random},
		{[]string{"pe", fifo}, random},
		{[]string{"signature", fifo}, random},
		{[]string{"signature", hello, "--roots", fifo}, stream},
		{[]string{"patch", "info", fifo}, random},
		{[]string{"patch", "files", fifo}, random},
		{[]string{"patch", "extract", fifo, "-o", out("p")}, random},
		{[]string{"patch", "check", fifo, hello}, random},
		{[]string{"patch", "create", fifo, hello, "-o", out("p.msp")}, random},
		{[]string{"patch", "create", hello, fifo, "-o", out("p.msp")}, random},
		{[]string{"transform", "info", fifo}, random},
		{[]string{"transform", "apply", fifo, hello, "-o", out("t.msi")}, random},
		{[]string{"transform", "apply", hello, fifo, "-o", out("t.msi")}, random},
		{[]string{"transform", "create", fifo, hello, "-o", out("t.mst")}, random},
		{[]string{"transform", "create", hello, fifo, "-o", out("t.mst")}, random},
		{[]string{"manifest", "generate", fifo}, random},
		{[]string{"manifest", "import-kb", fifo}, stream},
		{[]string{"manifest", "show", fifo}, stream},
		{[]string{"manifest", "check", fifo}, stream},
		{[]string{"verify", fifo, "--manifest", "kb977203"}, random},
		{[]string{"verify", hello, "--manifest", fifo}, stream},
		{[]string{"cab", "list", fifo}, random},
		{[]string{"cab", "list", "--search", fifo}, random},
		{[]string{"cab", "extract", fifo, "-o", out("c")}, random},
		{[]string{"cab", "test", fifo}, random},
		{[]string{"delta", "info", fifo}, stream},
		{[]string{"delta", "apply", fifo, fifo, "-o", out("d")}, stream},
		{[]string{"cab", "create", "-o", out("c.cab"), fifo}, fifo + " is not a regular file (a FIFO): give a regular file"},
	}
	if msp := filepath.Join(testutil.ModuleRoot(t), "..", "shared", "corpus", "wix3", "GDR1__gdr1.msp"); fileExists(msp) {
		cases = append(cases,
			struct {
				args []string
				want string
			}{[]string{"patch", "files", msp, "--target", fifo}, random},
			struct {
				args []string
				want string
			}{[]string{"transform", "info", msp, "--storage", "rtm.2", "--target", fifo}, random})
	}
	seen := map[string]bool{}
	for _, c := range cases {
		code, stdout, errOut := msikitWithin(t, 10*time.Second, c.args...)
		assert.Equal(t, 1, code, "%v: %s", c.args, errOut)
		assert.Contains(t, errOut, c.want, "%v", c.args)
		assert.Equal(t, 1, strings.Count(errOut, "\n"), "%v: one line: %s", c.args, errOut)
		assert.Empty(t, stdout, "%v", c.args)
		if c.args[0] == "cab" || c.args[0] == "patch" || c.args[0] == "transform" || c.args[0] == "manifest" || c.args[0] == "delta" {
			seen[c.args[0]+" "+c.args[1]] = true
		} else {
			seen[c.args[0]] = true
		}
	}
	entries, _ := os.ReadDir(outDir)
	assert.Empty(t, entries, "nothing written")

	// Every command that reads a file is in the table.
	for _, n := range commandTree() {
		switch n.path {
		case "help", "version", "completion", "man", "manifest schema":
			continue
		}
		if n.kids == nil {
			assert.True(t, seen[n.path], "no FIFO case for %q", n.path)
		}
	}
}

// TestFIFOBesidePackage: an external cabinet that is a FIFO is refused
// at once by extract, not waited on; media, which only looks it up,
// returns at once too.
func TestFIFOBesidePackage(t *testing.T) {
	dir := t.TempDir()
	pkg := helloChanged(t, dir, "UPDATE Media SET Cabinet='ext.cab' WHERE DiskId=1")
	if err := syscall.Mkfifo(filepath.Join(dir, "ext.cab"), 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	want := filepath.Join(dir, "ext.cab") + " is not a regular file (a FIFO)"
	code, _, errOut := msikitWithin(t, 10*time.Second, "extract", "-q", pkg, "-o", filepath.Join(dir, "out"))
	assert.Equal(t, 1, code, errOut)
	assert.Contains(t, errOut, want)
	assert.Equal(t, 4, strings.Count(errOut, "\n"), "one line for each of the 3 files, and the summary: %s", errOut)
	_, out, _ := msikitWithin(t, 10*time.Second, "media", pkg)
	assert.Contains(t, out, "external cabinet  ext.cab")
}
