package container

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/msikit/msikit/cab"
	"github.com/msikit/msikit/internal/testutil"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestCorpusV3Bundle: a real WiX 3 bundle. Its payloads come out under
// their FilePath names; the package inside finds its external cabinet
// among the bundle's payloads (beside it, as Burn lays them out), so its
// file is the cabinet's.
func TestCorpusV3Bundle(t *testing.T) {
	tree := walkFile(t, testutil.Corpus(t, "wix4", "v3bundle.exe"), nil, 0)
	var paths []string
	for _, n := range tree {
		paths = append(paths, n.Path+" "+n.Kind.String())
		assert.NoError(t, n.Err, n.Path)
	}
	assert.Equal(t, []string{
		"v3bundle.exe burn",
		"v3bundle.exe/wixstdba.dll file", "v3bundle.exe/thm.xml file", "v3bundle.exe/thm.wxl file",
		"v3bundle.exe/logo.png file", "v3bundle.exe/license.rtf file", "v3bundle.exe/BackgroundImage.png file",
		"v3bundle.exe/BootstrapperApplicationData.xml file",
		"v3bundle.exe/SetupProject1.msi msi", "v3bundle.exe/SetupProject1.msi/SetupProject1/Product.wxs file",
		"v3bundle.exe/cab1.cab cab", "v3bundle.exe/cab1.cab/Product.wxs file",
	}, paths)
	m := byPath(tree)
	assert.Equal(t, m["v3bundle.exe/cab1.cab/Product.wxs"].Data, m["v3bundle.exe/SetupProject1.msi/SetupProject1/Product.wxs"].Data)
	assert.Equal(t, int64(188848), m["v3bundle.exe/wixstdba.dll"].Size)
}

// TestCorpusV3BundleTruncated: the real bundle cut inside its attached
// container: the UX payloads are read, the attached ones are errors
// naming the container.
func TestCorpusV3BundleTruncated(t *testing.T) {
	b, err := os.ReadFile(testutil.Corpus(t, "wix4", "v3bundle.exe"))
	require.NoError(t, err)
	path := filepath.Join(t.TempDir(), "v3bundle.exe")
	require.NoError(t, os.WriteFile(path, b[:600000], 0o644))
	m := byPath(walkFile(t, path, nil, 0))
	assert.NoError(t, m["v3bundle.exe/wixstdba.dll"].Err)
	for _, name := range []string{"v3bundle.exe/SetupProject1.msi", "v3bundle.exe/cab1.cab"} {
		assert.True(t, errors.Is(m[name].Err, ErrTruncated), "%s: %v", name, m[name].Err)
		assert.Contains(t, m[name].Err.Error(), "WixAttachedContainer")
	}
}

// TestCorpusInstallShieldMSI: clam_ISmsi_int.exe keeps clam.msi in its
// obfuscated ISSetupStream overlay (7-Zip and cabextract find nothing):
// it comes out and is opened in turn.
func TestCorpusInstallShieldMSI(t *testing.T) {
	m := byPath(walkFile(t, testutil.Corpus(t, "clamav", "clam_ISmsi_int.exe"), nil, 0))
	assert.Equal(t, InstallShield, m["clam_ISmsi_int.exe"].Kind)
	msiNode := m["clam_ISmsi_int.exe/clam.msi"]
	assert.Equal(t, MSI, msiNode.Kind)
	assert.Equal(t, int64(658432), msiNode.Size)
	exe := m["clam_ISmsi_int.exe/clam.msi/program files/company/My Product Name/is/clam.exe"]
	assert.NoError(t, exe.Err)
	assert.Equal(t, int64(544), exe.Size)
	for _, n := range m {
		assert.NoError(t, n.Err, n.Path)
	}
}

// TestCorpusInstallShieldCab: clam_IScab_int.exe carries an MS cabinet
// of InstallShield engine files: its 13 members, as cabextract reads
// them from the launcher.
func TestCorpusInstallShieldCab(t *testing.T) {
	exe := testutil.Corpus(t, "clamav", "clam_IScab_int.exe")
	m := byPath(walkFile(t, exe, nil, 0))
	assert.Equal(t, Cabinet, m["clam_IScab_int.exe/Disk1/engine32.cab"].Kind)
	rs, cl, err := cab.SearchFile(exe)
	require.NoError(t, err)
	defer cl.Close()
	require.Len(t, rs, 1)
	require.Len(t, rs[0].File, 13)
	for _, f := range rs[0].File {
		n, ok := m["clam_IScab_int.exe/Disk1/engine32.cab/"+f.Path()]
		if assert.True(t, ok, f.Path()) {
			assert.Equal(t, f.Size, n.Size, f.Path())
			assert.NoError(t, n.Err)
		}
	}
}
