//go:build unix

package msi_test

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/msikit/msikit/msi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestNeedsFIFOIsNotPresent: an external cabinet or source file that is a
// FIFO (or any non-regular file) is not reported present, since reading it
// would block; a regular file of the same name is.
func TestNeedsFIFOIsNotPresent(t *testing.T) {
	dir, pkg := modified(t,
		"UPDATE Media SET Cabinet='Ext.CAB'",
		"UPDATE File SET Attributes=8192 WHERE File='guide.txt'")
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "MSIKIT HELLO", "Doc"), 0o755))
	if err := syscall.Mkfifo(filepath.Join(dir, "ext.cab"), 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	require.NoError(t, syscall.Mkfifo(filepath.Join(dir, "MSIKIT HELLO", "Doc", "GUIDE.TXT"), 0o600))

	p, err := msi.Open(pkg)
	require.NoError(t, err)
	defer p.Close()
	files, err := msi.FileList(p, msi.FileOptions{})
	require.NoError(t, err)
	media, err := msi.MediaList(p)
	require.NoError(t, err)
	assert.False(t, p.HasCabinet(media[0]), "a FIFO is not a cabinet that is there")
	needs := p.Needs(files)
	require.Len(t, needs, 2)
	assert.Equal(t, msi.Need{Kind: "external cabinet", Name: "Ext.CAB", DiskID: 1, Files: 2, Present: false}, needs[0])
	assert.Equal(t, msi.Need{Kind: "source file", Name: "msikit Hello/doc/guide.txt", Files: 1, Present: false}, needs[1])

	// Regular files under the same names are present.
	require.NoError(t, os.Remove(filepath.Join(dir, "ext.cab")))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "ext.cab"), []byte("MSCF"), 0o644))
	assert.True(t, p.HasCabinet(media[0]))
	assert.True(t, p.Needs(files)[0].Present)
}
