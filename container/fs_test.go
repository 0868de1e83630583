package container

import (
	"path/filepath"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/require"
)

// TestFS: a container is an fs.FS as testing/fstest expects one to be,
// nested directories and all.
func TestFS(t *testing.T) {
	z := makeZip(t, nil, "", 0,
		zipEntry{name: "a/b/c.txt", data: []byte("c")},
		zipEntry{name: "a/d.txt", data: []byte("d")},
		zipEntry{name: "top.txt", data: []byte("top")},
	)
	c, err := OpenFile(writeFile(t, t.TempDir(), "t.zip", z), nil)
	require.NoError(t, err)
	defer c.Close()
	require.NoError(t, fstest.TestFS(c, "a/b/c.txt", "a/d.txt", "top.txt"))

	r, err := OpenFile(filepath.Join("..", "fixtures", "kb977203", "977203-SP2_ENU_i386_zip.exe"), &Options{Password: password(replicaPassword)})
	require.NoError(t, err)
	defer r.Close()
	require.NoError(t, fstest.TestFS(r, "SCCM2007-SP2-KB977203-ENU.msi"))
}
