package msi_test

import (
	"io/fs"
	"testing"
	"testing/fstest"

	"github.com/msikit/msikit/msi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPackageFS(t *testing.T) {
	p, err := msi.Open("../fixtures/hello.msi")
	require.NoError(t, err)
	defer p.Close()
	fsys, err := p.FS(msi.FileOptions{})
	require.NoError(t, err)
	require.NoError(t, fstest.TestFS(fsys, "msikit Hello/readme.txt", "msikit Hello/data.bin", "msikit Hello/doc/guide.txt"))

	b, err := fs.ReadFile(fsys, "msikit Hello/doc/guide.txt")
	require.NoError(t, err)
	assert.Equal(t, fixtureSource(t, "guide.txt"), b)

	var walked []string
	require.NoError(t, fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			walked = append(walked, p)
		}
		return err
	}))
	assert.Equal(t, []string{"msikit Hello/data.bin", "msikit Hello/doc/guide.txt", "msikit Hello/readme.txt"}, walked)

	_, err = fsys.Open("msikit Hello/nope.txt")
	assert.ErrorIs(t, err, fs.ErrNotExist)
}
