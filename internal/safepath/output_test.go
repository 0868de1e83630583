package safepath

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

func writeString(s string) func(io.Writer) error {
	return func(w io.Writer) error { _, err := io.WriteString(w, s); return err }
}

// TestOutputRegular: a new or existing regular file is replaced whole
// (keeping its permission bits); a failure leaves it as it was, with no
// temporary file beside it.
func TestOutputRegular(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "report.json")
	if err := WriteOutput(p, nil, writeString("first")); err != nil {
		t.Fatal(err)
	}
	os.Chmod(p, 0o600)
	if err := WriteOutput(p, nil, writeString("second")); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(p)
	if err != nil || fi.Mode().Perm() != 0o600 && runtime.GOOS != "windows" {
		t.Errorf("mode %v %v, want 0600 kept", fi.Mode(), err)
	}
	boom := errors.New("boom")
	err = WriteOutput(p, nil, func(w io.Writer) error { io.WriteString(w, "par"); return boom })
	if !errors.Is(err, boom) {
		t.Errorf("got %v", err)
	}
	if b, _ := os.ReadFile(p); string(b) != "second" {
		t.Errorf("after a failure: %q", b)
	}
	if got := listAll(t, dir); len(got) != 1 {
		t.Errorf("left %v", got)
	}
	if err := WriteOutput(filepath.Join(dir, "missing", "x"), nil, writeString("x")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("in a missing directory: %v", err)
	}
	if err := WriteOutput(dir, nil, writeString("x")); !errors.Is(err, ErrIsDir) {
		t.Errorf("a directory: %v", err)
	}
}

// TestOutputStdout: "-" is standard output.
func TestOutputStdout(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteOutput("-", &buf, writeString("to stdout")); err != nil || buf.String() != "to stdout" {
		t.Errorf("%q %v", buf.String(), err)
	}
}

// TestOutputDevice: an existing character device is written to, and is
// still the device afterwards (it was replaced by a regular file).
func TestOutputDevice(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no /dev/null")
	}
	before, err := os.Stat(os.DevNull)
	if err != nil || before.Mode()&fs.ModeCharDevice == 0 {
		t.Skip("no character device at", os.DevNull)
	}
	if err := WriteOutput(os.DevNull, nil, writeString("discarded")); err != nil {
		t.Fatal(err)
	}
	after, err := os.Lstat(os.DevNull)
	if err != nil || after.Mode()&fs.ModeCharDevice == 0 || !os.SameFile(before, after) {
		t.Fatalf("%s is now %v (%v)", os.DevNull, after.Mode(), err)
	}
	// Through a symbolic link to the device too.
	link := filepath.Join(t.TempDir(), "null")
	os.Symlink(os.DevNull, link)
	if err := WriteOutput(link, nil, writeString("discarded")); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&fs.ModeSymlink == 0 {
		t.Errorf("the link was replaced: %v %v", fi, err)
	}
	if after, _ := os.Lstat(os.DevNull); after.Mode()&fs.ModeCharDevice == 0 {
		t.Errorf("%s replaced", os.DevNull)
	}
}

// TestOutputSymlink: a link to a regular file is followed, the target
// replaced and the link kept; a dangling link is refused.
func TestOutputSymlink(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "real", "target.txt")
	os.MkdirAll(filepath.Dir(target), 0o755)
	os.WriteFile(target, []byte("old"), 0o644)
	link := filepath.Join(dir, "link.txt")
	if err := os.Symlink(target, link); err != nil {
		t.Skip(err)
	}
	if err := WriteOutput(link, nil, writeString("new")); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(target); string(b) != "new" {
		t.Errorf("target holds %q", b)
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&fs.ModeSymlink == 0 {
		t.Errorf("link replaced: %v %v", fi, err)
	}
	dangling := filepath.Join(dir, "dangling")
	os.Symlink(filepath.Join(dir, "nowhere"), dangling)
	if err := WriteOutput(dangling, nil, writeString("x")); err == nil || !strings.Contains(err.Error(), "missing file") {
		t.Errorf("dangling link: %v", err)
	}
	if _, err := os.Lstat(filepath.Join(dir, "nowhere")); !os.IsNotExist(err) {
		t.Errorf("created through a dangling link")
	}
}
