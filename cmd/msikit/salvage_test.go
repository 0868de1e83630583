package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/msikit/msikit/internal/testutil"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestSalvageTruncatedPackage: the first 100 KB of the SP2 replica (a
// download cut short) cannot be opened as a package; extract --salvage
// and cab extract --salvage recover CCMCertFix.exe whole from the
// cabinet in its bytes, as 7-Zip does, name every file not recovered,
// and exit 1.
func TestSalvageTruncatedPackage(t *testing.T) {
	dir := t.TempDir()
	whole, err := os.ReadFile("../../fixtures/kb977203/SCCM2007-SP2-KB977203-ENU.msi")
	require.NoError(t, err)
	cut := filepath.Join(dir, "cut.msi")
	require.NoError(t, os.WriteFile(cut, whole[:100<<10], 0o644))
	ref := filepath.Join(dir, "ref")
	code, _, errOut := msikit(t, "extract", "-q", "../../fixtures/kb977203/SCCM2007-SP2-KB977203-ENU.msi", "--layout", "flat", "-o", ref)
	require.Equal(t, 0, code, errOut)
	want := md5File(t, filepath.Join(ref, "CCMCertFix.exe"))

	code, _, _ = msikit(t, "extract", "-q", cut, "-o", filepath.Join(dir, "plain"))
	assert.Equal(t, 1, code, "without --salvage a cut package is bad input")
	assert.NoDirExists(t, filepath.Join(dir, "plain"))

	for _, cmd := range [][]string{{"extract"}, {"cab", "extract"}} {
		out := filepath.Join(dir, strings.Join(cmd, "-"))
		code, _, errOut := msikit(t, append(cmd, "--salvage", "-q", cut, "-o", out)...)
		assert.Equal(t, 1, code, "%v: files were not recovered: %s", cmd, errOut)
		assert.Equal(t, want, md5File(t, filepath.Join(out, "CCMCertFix.exe")), "%v", cmd)
		for _, lost := range []string{"mp.msi", "ccmsetup.exe", "ccmsetup.msi", "SCCM2007AC_SP2_KB977203_x86.msp"} {
			assert.Contains(t, errOut, ": "+lost+": ", "%v names %s as not recovered", cmd, lost)
			assert.NoFileExists(t, filepath.Join(out, lost), "no partial file")
		}
		assert.Contains(t, errOut, "8 of 13 files not extracted", "%v", cmd)
	}

	sevenZip, err := exec.LookPath("7z")
	if err != nil {
		testutil.Skip(t, "7z not installed: salvage not compared with 7-Zip")
	}
	peer, _ := exec.Command(sevenZip, "e", "-so", cut, "CCMCertFix.exe").Output()
	require.NotEmpty(t, peer, "7z recovers CCMCertFix.exe")
	assert.Equal(t, md5str(peer), want, "the same bytes as 7-Zip")
}
