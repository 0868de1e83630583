package infile

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestOpenRegular(t *testing.T) {
	p := filepath.Join(t.TempDir(), "a.msi")
	require.NoError(t, os.WriteFile(p, []byte("0123456789"), 0o644))
	f, err := Open(p)
	require.NoError(t, err)
	defer f.Close()
	b := make([]byte, 4)
	_, err = f.ReadAt(b, 3)
	require.NoError(t, err)
	assert.Equal(t, "3456", string(b))
	rc, err := OpenStream(p)
	require.NoError(t, err)
	all, err := io.ReadAll(rc)
	require.NoError(t, err)
	assert.Equal(t, "0123456789", string(all))
	require.NoError(t, rc.Close())
	assert.NoError(t, Check(p))
}

func TestOpenDirectory(t *testing.T) {
	dir := t.TempDir()
	for _, open := range []func(string) error{
		func(n string) error { _, err := Open(n); return err },
		func(n string) error { _, err := OpenStream(n); return err },
		Check,
	} {
		err := open(dir)
		require.Error(t, err)
		assert.ErrorIs(t, err, ErrIsDir)
		assert.ErrorIs(t, err, ErrNotRegular)
		assert.Equal(t, dir+" is a directory, not a file", err.Error())
	}
}

func TestOpenMissing(t *testing.T) {
	_, err := Open(filepath.Join(t.TempDir(), "nosuch"))
	assert.ErrorIs(t, err, os.ErrNotExist)
	var pe *os.PathError
	assert.True(t, errors.As(err, &pe))
}

// TestStdinDisabled: a library that did not call SetStdin opens a file
// named "-" like any other.
func TestStdinDisabled(t *testing.T) {
	t.Chdir(t.TempDir())
	_, err := Open("-")
	assert.ErrorIs(t, err, os.ErrNotExist)
	require.NoError(t, os.WriteFile("-", []byte("dash"), 0o644))
	f, err := Open("-")
	require.NoError(t, err)
	b, _ := io.ReadAll(f)
	f.Close()
	assert.Equal(t, "dash", string(b))
}

// TestStdinSpooled: "-" reads the bytes once into a temporary file that
// is gone from the directory at once; every open gets them from offset 0,
// at random.
func TestStdinSpooled(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	data := bytes.Repeat([]byte("msikit"), 100000)
	r := &onceReader{r: bytes.NewReader(data)}
	restore := SetStdin(r)
	defer restore()

	fi, err := Stat("-")
	require.NoError(t, err)
	assert.Equal(t, int64(len(data)), fi.Size())
	entries, err := os.ReadDir(tmp)
	require.NoError(t, err)
	assert.Empty(t, entries, "the spool is unlinked")

	for range 2 {
		f, err := Open("-")
		require.NoError(t, err)
		b := make([]byte, 6)
		_, err = f.ReadAt(b, 6*99999)
		require.NoError(t, err)
		assert.Equal(t, "msikit", string(b))
		all, err := io.ReadAll(f)
		require.NoError(t, err)
		assert.Equal(t, data, all)
		require.NoError(t, f.Close())
	}
	rc, err := OpenStream("-")
	require.NoError(t, err)
	all, _ := io.ReadAll(rc)
	rc.Close()
	assert.Len(t, all, len(data))
	assert.Equal(t, 1, r.reads, "standard input is read once")
	assert.NoError(t, Check("-"))
}

// TestStdinRegularFile: `msikit info - < x.msi` reads x.msi itself.
func TestStdinRegularFile(t *testing.T) {
	p := filepath.Join(t.TempDir(), "x")
	require.NoError(t, os.WriteFile(p, []byte("abcdef"), 0o644))
	in, err := os.Open(p)
	require.NoError(t, err)
	defer in.Close()
	restore := SetStdin(in)
	f, err := Open("-")
	require.NoError(t, err)
	b := make([]byte, 3)
	_, err = f.ReadAt(b, 3)
	require.NoError(t, err)
	assert.Equal(t, "def", string(b))
	f.Close()
	restore()
	// restore closes only a spool of its own, not standard input.
	_, err = in.ReadAt(b, 0)
	assert.NoError(t, err)
}

type onceReader struct {
	r     io.Reader
	reads int
}

func (o *onceReader) Read(p []byte) (int, error) {
	n, err := o.r.Read(p)
	if err == io.EOF {
		o.reads++
	}
	return n, err
}
