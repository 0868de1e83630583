package verify

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	replicaZip      = "../../fixtures/kb977203/977203-SP2_ENU_i386_zip.exe"
	replicaPassword = "KB977203-replica"
)

func replicaPass(string) ([]byte, error) { return []byte(replicaPassword), nil }

// TestVerifyDownload: the download replica, given as the source, is
// opened down to the package inside, whose files are checked as if the
// package were given: the same 13 OK, under the package's name.
func TestVerifyDownload(t *testing.T) {
	m := kbManifest(t)
	r, err := Verify(m, replicaZip, Options{Variant: Auto, Password: replicaPass})
	require.NoError(t, err)
	assert.Equal(t, "zip", r.Kind)
	assert.Equal(t, "SP2", r.Variant)
	assert.Empty(t, failures(r))
	assert.Equal(t, Summary{Entries: 13, OK: 13}, r.Summary())
	for _, res := range r.Results {
		assert.Equal(t, "SCCM2007-SP2-KB977203-ENU.msi", res.File.Container, res.File.Path)
	}

	// Without the password: the source cannot be read, and says why.
	_, err = Verify(m, replicaZip, Options{Variant: Auto})
	require.Error(t, err)
	assert.True(t, errors.Is(err, ErrSource), "%v", err)
	assert.Contains(t, err.Error(), "no password given")
}

// TestVerifyDownloadInFolder: a download found in a folder is opened as
// well, its files named under its path.
func TestVerifyDownloadInFolder(t *testing.T) {
	b, err := os.ReadFile(replicaZip)
	require.NoError(t, err)
	dir := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "downloads"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "downloads", "977203-SP2_ENU_i386_zip.exe"), b, 0o644))
	r, err := Verify(kbManifest(t), dir, Options{Variant: "SP2", Password: replicaPass})
	require.NoError(t, err)
	assert.Equal(t, KindFolder, r.Kind)
	assert.Equal(t, Summary{Entries: 13, OK: 13}, r.Summary())
	for _, res := range r.Results {
		assert.Equal(t, "downloads/977203-SP2_ENU_i386_zip.exe/SCCM2007-SP2-KB977203-ENU.msi", res.File.Container, res.File.Path)
	}
}
