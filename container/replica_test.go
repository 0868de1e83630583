package container

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/msikit/msikit/internal/testutil"
	"github.com/msikit/msikit/msi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	replicaZip      = "../fixtures/kb977203/977203-SP2_ENU_i386_zip.exe"
	replicaMSI      = "../fixtures/kb977203/SCCM2007-SP2-KB977203-ENU.msi"
	replicaPassword = "KB977203-replica"
)

// TestReplicaDownload walks the download replica from the ZIP wrapper to
// the utility: the .msi inside is the fixture byte for byte, and
// CCMCertFix.exe is what the .msi holds.
func TestReplicaDownload(t *testing.T) {
	tree := byPath(walkFile(t, replicaZip, &Options{Password: password(replicaPassword)}, 0))
	root := tree["977203-SP2_ENU_i386_zip.exe"]
	assert.Equal(t, ZIP, root.Kind)
	pkg := tree["977203-SP2_ENU_i386_zip.exe/SCCM2007-SP2-KB977203-ENU.msi"]
	require.Equal(t, MSI, pkg.Kind, "%v", pkg.Err)
	want, err := os.ReadFile(replicaMSI)
	require.NoError(t, err)
	assert.Equal(t, int64(len(want)), pkg.Size)

	p, err := msi.Open(replicaMSI)
	require.NoError(t, err)
	defer p.Close()
	pfs, err := p.FS(msi.FileOptions{})
	require.NoError(t, err)
	util, err := fs.ReadFile(pfs, "Logs/KB977203/CCMCertFix.exe")
	require.NoError(t, err)
	got := tree["977203-SP2_ENU_i386_zip.exe/SCCM2007-SP2-KB977203-ENU.msi/Logs/KB977203/CCMCertFix.exe"]
	assert.Equal(t, File, got.Kind)
	assert.Equal(t, digest(util), got.Data)
	assert.Len(t, util, 17768)

	// Nested packages, the cabinet and the patch inside are opened too.
	for p, k := range map[string]Kind{
		"SCCM2007-SP2-KB977203-ENU.msi/Client/i386/ccmsetup-sup.cab":                                                              Cabinet,
		"SCCM2007-SP2-KB977203-ENU.msi/Client/i386/hotfix/KB977203/SCCM2007AC-SP2-KB977203-x86.msp":                               MSP,
		"SCCM2007-SP2-KB977203-ENU.msi/Client/i386/hotfix/KB977203/SCCM2007AC-SP2-KB977203-x86.msp/CCMSetupKB977203/KB977203.txt": File,
	} {
		n, ok := tree["977203-SP2_ENU_i386_zip.exe/"+p]
		if assert.True(t, ok, p) {
			assert.Equal(t, k, n.Kind, p)
			assert.NoError(t, n.Err, p)
		}
	}
	for _, n := range tree {
		assert.NoError(t, n.Err, n.Path)
	}
}

// TestReplicaPassword: no password, or a wrong one, is one error naming
// the archive and wrapping ErrPassword.
func TestReplicaPassword(t *testing.T) {
	for _, o := range []*Options{nil, {Password: password("")}, {Password: password("wrong")}} {
		_, err := OpenFile(replicaZip, o)
		require.Error(t, err)
		assert.True(t, errors.Is(err, ErrPassword), "%v", err)
		assert.Contains(t, err.Error(), "977203-SP2_ENU_i386_zip.exe")
	}
	asked := 0
	c, err := OpenFile(replicaZip, &Options{Password: func(archive string) ([]byte, error) {
		asked++
		assert.Equal(t, "977203-SP2_ENU_i386_zip.exe", archive)
		return []byte(replicaPassword), nil
	}})
	require.NoError(t, err)
	defer c.Close()
	assert.Equal(t, 1, asked, "asked once")
	// Detect needs no password.
	f, err := os.Open(replicaZip)
	require.NoError(t, err)
	defer f.Close()
	st, _ := f.Stat()
	k, err := Detect(f, st.Size())
	assert.NoError(t, err)
	assert.Equal(t, ZIP, k)
}

// TestReplicaSevenZip: 7-Zip opens the replica with the password and
// gets the bytes the walker gets.
func TestReplicaSevenZip(t *testing.T) {
	testutil.Tool(t, "7z")
	abs, err := filepath.Abs(replicaZip)
	require.NoError(t, err)
	cmd := exec.Command("7z", "x", "-so", "-p"+replicaPassword, abs, "SCCM2007-SP2-KB977203-ENU.msi")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	require.NoError(t, err, stderr.String())

	c, err := OpenFile(replicaZip, &Options{Password: password(replicaPassword)})
	require.NoError(t, err)
	defer c.Close()
	require.Len(t, c.Members, 1)
	rc, err := c.Members[0].Open()
	require.NoError(t, err)
	defer rc.Close()
	ours, err := io.ReadAll(rc)
	require.NoError(t, err)
	assert.True(t, bytes.Equal(out, ours), "7z gives %d bytes, we give %d", len(out), len(ours))
}
