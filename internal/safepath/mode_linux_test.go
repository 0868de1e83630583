package safepath

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/sys/unix"
)

// forEachMode runs a test with unnamed files (O_TMPFILE) and with the
// temporary names used where they are not available.
func forEachMode(t *testing.T, test func(t *testing.T)) {
	t.Run("unnamed", test)
	t.Run("named", func(t *testing.T) {
		noUnnamed.Store(true)
		defer noUnnamed.Store(false)
		test(t)
	})
}

// TestLinkRename: the portable "rename unless taken" (for file systems
// without renameat2's RENAME_NOREPLACE) refuses a taken name and leaves
// both files as they were.
func TestLinkRename(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "tmp"), []byte("new"), 0o644)
	os.WriteFile(filepath.Join(dir, "taken"), []byte("old"), 0o644)
	fd, err := openRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer closeHandle(fd)
	if err := linkRename(fd, "tmp", "taken"); !errors.Is(err, unix.EEXIST) {
		t.Errorf("over a taken name: %v", err)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "taken")); string(b) != "old" {
		t.Errorf("taken name now holds %q", b)
	}
	if err := linkRename(fd, "tmp", "free"); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "free")); string(b) != "new" {
		t.Errorf("free name holds %q", b)
	}
	if _, err := os.Stat(filepath.Join(dir, "tmp")); !os.IsNotExist(err) {
		t.Errorf("temporary name left: %v", err)
	}
}

// BenchmarkSmallFilesNamed is BenchmarkSmallFiles with temporary names
// instead of unnamed files, as where O_TMPFILE is not available.
func BenchmarkSmallFilesNamed(b *testing.B) {
	noUnnamed.Store(true)
	defer noUnnamed.Store(false)
	BenchmarkSmallFiles(b)
}

// TestOutputPrivateDevice: as root, a character device made under the
// test's directory (the null device's numbers) stays a device.
func TestOutputPrivateDevice(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("mknod needs root")
	}
	p := filepath.Join(t.TempDir(), "null")
	if err := unix.Mknod(p, unix.S_IFCHR|0o666, int(unix.Mkdev(1, 3))); err != nil {
		t.Skip("mknod:", err)
	}
	if err := WriteOutput(p, nil, func(w io.Writer) error { _, err := w.Write([]byte("x")); return err }); err != nil {
		t.Fatal(err)
	}
	var s unix.Stat_t
	if err := unix.Lstat(p, &s); err != nil || s.Mode&unix.S_IFMT != unix.S_IFCHR || s.Rdev != unix.Mkdev(1, 3) {
		t.Errorf("mode %o rdev %x (%v): no longer the device", s.Mode, s.Rdev, err)
	}
}
