//go:build unix

package infile

import (
	"errors"
	"io"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"testing/fstest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// within fails the test if f does not return in a few seconds: a
// regression blocks in open(2), which nothing can interrupt.
func within(t *testing.T, f func()) {
	t.Helper()
	done := make(chan struct{})
	go func() { defer close(done); f() }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("blocked: the open waited for a writer")
	}
}

func mkfifo(t *testing.T) string {
	p := filepath.Join(t.TempDir(), "pipe.msi")
	if err := syscall.Mkfifo(p, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	return p
}

func TestOpenFIFO(t *testing.T) {
	p := mkfifo(t)
	var err error
	within(t, func() { _, err = Open(p) })
	require.Error(t, err)
	assert.ErrorIs(t, err, ErrNotRegular)
	assert.Equal(t, p+" is not a regular file (a FIFO): msikit reads packages and cabinets at random; give a regular file", err.Error())

	restore := SetStdin(os.Stdin)
	defer restore()
	within(t, func() { _, err = Open(p) })
	assert.Equal(t, p+" is not a regular file (a FIFO): msikit reads packages and cabinets at random; give a file, or '-' to read standard input", err.Error())
	within(t, func() { err = Check(p) })
	assert.Equal(t, p+" is not a regular file (a FIFO): give a file, or '-' to read standard input", err.Error())
}

// TestStreamFIFO: a FIFO is read as a stream when something writes to
// it, and refused at the first read when nothing does.
func TestStreamFIFO(t *testing.T) {
	p := mkfifo(t)
	var rc io.ReadCloser
	var err error
	within(t, func() { rc, err = OpenStream(p) })
	require.NoError(t, err)
	within(t, func() { _, err = io.ReadAll(rc) })
	rc.Close()
	var e *Error
	require.True(t, errors.As(err, &e), "%v", err)
	assert.True(t, e.NoWriter)
	assert.Equal(t, p+" is a FIFO that nothing writes to: give a regular file", err.Error())

	within(t, func() { rc, err = OpenStream(p) })
	require.NoError(t, err)
	var w *os.File
	within(t, func() { w, err = os.OpenFile(p, os.O_WRONLY, 0) }) // a reader is there: no wait
	require.NoError(t, err)
	go func() {
		w.Write([]byte("name: X\n"))
		time.Sleep(50 * time.Millisecond) // the reader waits for the rest
		w.Write([]byte("variants: {}\n"))
		w.Close()
	}()
	var b []byte
	within(t, func() { b, err = io.ReadAll(rc) })
	rc.Close()
	require.NoError(t, err)
	assert.Equal(t, "name: X\nvariants: {}\n", string(b))
}

func TestOpenDeviceAndSocket(t *testing.T) {
	var err error
	within(t, func() { _, err = Open("/dev/null") })
	assert.EqualError(t, err, "/dev/null is not a regular file (a character device): msikit reads packages and cabinets at random; give a regular file")
	within(t, func() { _, err = OpenStream("/dev/null") })
	assert.ErrorIs(t, err, ErrNotRegular)

	sock := filepath.Join(t.TempDir(), "s")
	l, lerr := net.Listen("unix", sock)
	if lerr != nil {
		t.Skipf("unix socket: %v", lerr)
	}
	defer l.Close()
	within(t, func() { _, err = Open(sock) })
	assert.EqualError(t, err, sock+" is not a regular file (a socket): msikit reads packages and cabinets at random; give a regular file")
}

// TestDirFS: the tree beside a package opens as os.DirFS does, except
// that a FIFO in it is refused at once.
func TestDirFS(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "sub"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "a.cab"), []byte("cabinet"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "sub", "b.txt"), []byte("text"), 0o644))
	require.NoError(t, fstest.TestFS(DirFS(dir), "a.cab", "sub/b.txt"))

	require.NoError(t, syscall.Mkfifo(filepath.Join(dir, "ext.cab"), 0o600))
	fsys := DirFS(dir)
	var err error
	within(t, func() { _, err = fsys.Open("ext.cab") })
	assert.ErrorIs(t, err, ErrNotRegular)
	assert.EqualError(t, err, filepath.Join(dir, "ext.cab")+" is not a regular file (a FIFO): msikit reads packages and cabinets at random; give a regular file")
	within(t, func() { _, err = fs.ReadFile(fsys, "ext.cab") })
	assert.ErrorIs(t, err, ErrNotRegular)
	entries, err := fs.ReadDir(fsys, ".")
	require.NoError(t, err)
	assert.Len(t, entries, 3, "listing does not open")
	_, err = fsys.Open("../x")
	assert.ErrorIs(t, err, fs.ErrInvalid)
}
