package fsdir

import (
	"io"
	"io/fs"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestFile(t *testing.T) {
	mod := time.Date(2009, 11, 3, 10, 0, 0, 0, time.UTC)
	sub := NewInfo("sub", mod, 0o755)
	listed := 0
	list := func() []fs.DirEntry {
		listed++
		return []fs.DirEntry{fs.FileInfoToDirEntry(NewInfo("a", time.Time{}, 0o555)), fs.FileInfoToDirEntry(sub), fs.FileInfoToDirEntry(NewInfo("z", time.Time{}, 0o555))}
	}
	f := Open("x/y", NewInfo("y", mod, 0o555), list)
	st, err := f.Stat()
	require.NoError(t, err)
	assert.Equal(t, "y", st.Name())
	assert.Equal(t, fs.ModeDir|0o555, st.Mode())
	assert.True(t, st.IsDir())
	assert.Equal(t, mod, st.ModTime())
	assert.Equal(t, 0, listed, "listed only when read")

	_, err = f.Read(make([]byte, 1))
	assert.ErrorContains(t, err, "read x/y: is a directory")

	es, err := f.ReadDir(2)
	require.NoError(t, err)
	require.Len(t, es, 2)
	assert.Equal(t, []string{"a", "sub"}, []string{es[0].Name(), es[1].Name()})
	es, err = f.ReadDir(2)
	require.NoError(t, err)
	require.Len(t, es, 1)
	assert.Equal(t, "z", es[0].Name())
	_, err = f.ReadDir(1)
	assert.ErrorIs(t, err, io.EOF)
	es, err = f.ReadDir(-1)
	require.NoError(t, err)
	assert.Empty(t, es, "all read: nothing left, and no error for n <= 0")
	assert.Equal(t, 1, listed)

	all, err := Open("d", sub, list).ReadDir(0)
	require.NoError(t, err)
	assert.Len(t, all, 3)
}
