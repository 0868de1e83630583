package main

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/msikit/msikit/internal/burn/bundle"
	"github.com/msikit/msikit/internal/testutil"
	"github.com/msikit/msikit/internal/zipcrypt"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	replicaZip      = "../../fixtures/kb977203/977203-SP2_ENU_i386_zip.exe"
	replicaPassword = "KB977203-replica"
)

// TestDownloadToUtility: the README's first example, one command from
// the download to the utility. The bytes are those the replica .msi
// holds; nothing else is written.
func TestDownloadToUtility(t *testing.T) {
	want := t.TempDir()
	code, _, errOut := msikit(t, "extract", "-q", "../../fixtures/kb977203/SCCM2007-SP2-KB977203-ENU.msi", "--only", "CCMCertFix.exe", "-o", want)
	require.Equal(t, 0, code, errOut)
	util, err := os.ReadFile(filepath.Join(want, "Logs", "KB977203", "CCMCertFix.exe"))
	require.NoError(t, err)

	out := t.TempDir()
	code, stdout, errOut := msikit(t, "extract", "-r", replicaZip, "--password", replicaPassword, "--only", "CCMCertFix.exe", "-o", out)
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, stdout, "extracting SCCM2007-SP2-KB977203-ENU.msi.extracted/Logs/KB977203/CCMCertFix.exe")
	assert.Equal(t, map[string]string{"SCCM2007-SP2-KB977203-ENU.msi.extracted/Logs/KB977203/CCMCertFix.exe": string(util)}, readTree(t, out))

	// The password from the environment, or from the prompt.
	t.Setenv(passwordEnv, replicaPassword)
	out = t.TempDir()
	code, _, errOut = msikit(t, "extract", "-q", "-r", replicaZip, "--only", "ccmcertfix.exe", "-o", out)
	require.Equal(t, 0, code, errOut)
	assert.Len(t, readTree(t, out), 1)
	t.Setenv(passwordEnv, "")
	asked := ""
	defer func(p func(*context, string) ([]byte, error)) { promptPassword = p }(promptPassword)
	promptPassword = func(_ *context, archive string) ([]byte, error) {
		asked = archive
		return []byte(replicaPassword), nil
	}
	out = t.TempDir()
	code, _, errOut = msikit(t, "extract", "-q", "-r", replicaZip, "--only", "CCMCertFix.exe", "-o", out)
	require.Equal(t, 0, code, errOut)
	assert.Equal(t, "977203-SP2_ENU_i386_zip.exe", asked, "the prompt names the archive")
	assert.Len(t, readTree(t, out), 1)
}

// TestDownloadPassword: a wrong or missing password is one line naming
// the archive, exit 1, and nothing written.
func TestDownloadPassword(t *testing.T) {
	t.Setenv(passwordEnv, "")
	defer func(p func(*context, string) ([]byte, error)) { promptPassword = p }(promptPassword)
	promptPassword = func(*context, string) ([]byte, error) { return nil, nil } // not a terminal
	for _, args := range [][]string{
		{"extract", "-r", replicaZip, "--only", "CCMCertFix.exe"},
		{"extract", "-r", replicaZip, "--password", "wrong"},
		{"list", "-r", replicaZip},
		{"list", replicaZip, "--password", "wrong"},
	} {
		out := t.TempDir()
		if args[0] == "extract" {
			args = append(args, "-o", out)
		}
		code, stdout, errOut := msikit(t, args...)
		assert.Equal(t, 1, code, "%v: %s", args, errOut)
		assert.Empty(t, stdout, "%v", args)
		assert.Equal(t, 1, strings.Count(errOut, "\n"), "%v: one line: %s", args, errOut)
		assert.Contains(t, errOut, "977203-SP2_ENU_i386_zip.exe", "%v", args)
		assert.Contains(t, errOut, "password", "%v", args)
		assert.Empty(t, readTree(t, out), "%v", args)
	}
}

// TestListRecursive: list -r shows the tree from the download down;
// --json gives path, kind and size.
func TestListRecursive(t *testing.T) {
	code, stdout, errOut := msikit(t, "list", "-r", replicaZip, "--password", replicaPassword)
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, stdout, "zip                  94734  977203-SP2_ENU_i386_zip.exe\n")
	assert.Contains(t, stdout, "file                 17768  977203-SP2_ENU_i386_zip.exe/SCCM2007-SP2-KB977203-ENU.msi/Logs/KB977203/CCMCertFix.exe\n")
	assert.Contains(t, stdout, "msp                 444928  977203-SP2_ENU_i386_zip.exe/SCCM2007-SP2-KB977203-ENU.msi/Client/i386/hotfix/KB977203/SCCM2007AC-SP2-KB977203-x86.msp\n")

	code, stdout, errOut = msikit(t, "list", "-r", "--json", replicaZip, "--password", replicaPassword)
	require.Equal(t, 0, code, errOut)
	var entries []map[string]any
	require.NoError(t, json.Unmarshal([]byte(stdout), &entries))
	byPath := map[string]map[string]any{}
	for _, e := range entries {
		assert.ElementsMatch(t, []string{"path", "kind", "size"}, keys(e))
		byPath[e["path"].(string)] = e
	}
	assert.Equal(t, map[string]any{"path": "977203-SP2_ENU_i386_zip.exe/SCCM2007-SP2-KB977203-ENU.msi", "kind": "msi", "size": float64(212992)},
		byPath["977203-SP2_ENU_i386_zip.exe/SCCM2007-SP2-KB977203-ENU.msi"])
	assert.Len(t, entries, 17)

	// Without -r: the file and what it holds, one level.
	code, stdout, errOut = msikit(t, "list", replicaZip, "--password", replicaPassword)
	require.Equal(t, 0, code, errOut)
	assert.Equal(t, 2, strings.Count(stdout, "\n"), stdout)
}

// keys lists a map's keys, for messages.
func keys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// testBundle writes a Burn bundle with an attached container (a ZIP
// holding the utility, a text under a folder) and a detached one,
// setup.exe and extra.cab in dir.
func testBundle(t *testing.T, dir string) *bundle.Built {
	var z bytes.Buffer
	zw := zip.NewWriter(&z)
	require.NoError(t, zipcrypt.Create(zw, "tool.exe", time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC), []byte("MZ tool"), []byte("pw"), zipcrypt.AES256))
	require.NoError(t, zw.Close())
	built, err := bundle.Build(bundle.BuildSpec{
		UX: []bundle.BuildPayload{{ID: "ba", FilePath: "ba.dll", Data: []byte("MZ bootstrapper")}},
		Containers: []bundle.BuildContainer{
			{ID: "WixAttachedContainer", FilePath: "setup.exe", Payloads: []bundle.BuildPayload{
				{ID: "tool", FilePath: `redist\tool.zip`, Data: z.Bytes()},
				{ID: "readme", FilePath: `docs\readme.txt`, Data: []byte("read me")},
			}},
			{ID: "Extra", FilePath: "extra.cab", Detached: true, Payloads: []bundle.BuildPayload{
				{ID: "extra", FilePath: "extra.txt", Data: []byte("detached")},
			}},
		},
	})
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "setup.exe"), built.Bundle, 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "extra.cab"), built.Detached["extra.cab"], 0o644))
	return built
}

// TestExtractBundle: a Burn bundle's payloads are written under their
// FilePath names, from the attached and the detached container, and the
// encrypted ZIP among them opened with the password.
func TestExtractBundle(t *testing.T) {
	dir := t.TempDir()
	built := testBundle(t, dir)
	out := t.TempDir()
	code, _, errOut := msikit(t, "extract", "-q", "-r", filepath.Join(dir, "setup.exe"), "--password", "pw", "-o", out)
	require.Equal(t, 0, code, errOut)
	got := readTree(t, out)
	assert.Equal(t, "MZ tool", got["redist/tool.zip.extracted/tool.exe"])
	assert.Equal(t, "read me", got["docs/readme.txt"])
	assert.Equal(t, "detached", got["extra.txt"])
	assert.Equal(t, "MZ bootstrapper", got["ba.dll"])
	assert.Equal(t, 5, len(got), "%v", keys(got))

	// The detached container missing: named, exit 1; the rest is
	// written.
	require.NoError(t, os.Remove(filepath.Join(dir, "extra.cab")))
	out = t.TempDir()
	code, _, errOut = msikit(t, "extract", "-q", "-r", filepath.Join(dir, "setup.exe"), "--password", "pw", "-o", out)
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, `detached container "Extra"`)
	assert.Contains(t, errOut, "extra.cab")
	assert.Contains(t, readTree(t, out), "docs/readme.txt")

	// Cut short inside the attached container: named, exit 1.
	cut := filepath.Join(dir, "cut.exe")
	require.NoError(t, os.WriteFile(cut, built.Bundle[:len(built.Bundle)-50], 0o644))
	out = t.TempDir()
	code, _, errOut = msikit(t, "extract", "-q", "-r", cut, "--password", "pw", "-o", out)
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, "WixAttachedContainer")
	assert.Contains(t, errOut, "truncated")
	assert.Equal(t, "MZ bootstrapper", readTree(t, out)["ba.dll"])
}

// TestExtractV3Bundle: the real WiX 3 bundle; the package inside reads
// its external cabinet from among the bundle's payloads.
func TestExtractV3Bundle(t *testing.T) {
	exe := testutil.Corpus(t, "wix4", "v3bundle.exe")
	out := t.TempDir()
	code, _, errOut := msikit(t, "extract", "-q", "-r", exe, "-o", out)
	require.Equal(t, 0, code, errOut)
	got := readTree(t, out)
	assert.NotEmpty(t, got["cab1.cab.extracted/Product.wxs"])
	assert.Equal(t, got["cab1.cab.extracted/Product.wxs"], got["SetupProject1.msi.extracted/SetupProject1/Product.wxs"])
	for _, name := range []string{"wixstdba.dll", "thm.xml", "thm.wxl", "logo.png", "license.rtf", "BackgroundImage.png", "BootstrapperApplicationData.xml", "SetupProject1.msi", "cab1.cab"} {
		assert.Contains(t, got, name)
	}
	b, err := os.ReadFile(exe)
	require.NoError(t, err)
	cut := filepath.Join(t.TempDir(), "v3bundle.exe")
	require.NoError(t, os.WriteFile(cut, b[:600000], 0o644))
	code, _, errOut = msikit(t, "extract", "-q", "-r", cut, "-o", t.TempDir())
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, `container "WixAttachedContainer"`)
}

// TestExtractInstallShield: clam.msi comes out of its launcher and is
// opened in turn; the other launcher's engine cabinet too.
func TestExtractInstallShield(t *testing.T) {
	out := t.TempDir()
	code, _, errOut := msikit(t, "extract", "-q", "-r", testutil.Corpus(t, "clamav", "clam_ISmsi_int.exe"), "--only", "clam.exe", "-o", out)
	require.Equal(t, 0, code, errOut)
	got := readTree(t, out)
	assert.Equal(t, 1, len(got), "%v", keys(got))
	assert.Len(t, got["clam.msi.extracted/program files/company/My Product Name/is/clam.exe"], 544)

	out = t.TempDir()
	code, _, errOut = msikit(t, "extract", "-q", "-r", testutil.Corpus(t, "clamav", "clam_IScab_int.exe"), "--only", "*.dll", "-o", out)
	require.Equal(t, 0, code, errOut)
	got = readTree(t, out)
	assert.Equal(t, 5, len(got), "%v", keys(got))
	assert.Len(t, got["Disk1/engine32.cab.extracted/IKernel.dll"], 753664)
}

// TestExtractNestedNamesInside: names that climb, at any level, stay
// inside -o.
func TestExtractNestedNamesInside(t *testing.T) {
	mk := func(name string, data []byte) []byte {
		var b bytes.Buffer
		zw := zip.NewWriter(&b)
		w, err := zw.Create(name)
		require.NoError(t, err)
		w.Write(data)
		require.NoError(t, zw.Close())
		return b.Bytes()
	}
	inner := mk("../../../escaped.txt", []byte("inner"))
	outer := mk("../up/inner.zip", inner)
	src := filepath.Join(t.TempDir(), "outer.zip")
	require.NoError(t, os.WriteFile(src, outer, 0o644))
	parent := t.TempDir()
	out := filepath.Join(parent, "out")
	code, _, errOut := msikit(t, "extract", "-q", "-r", src, "-o", out)
	require.Equal(t, 0, code, errOut)
	assert.Equal(t, []string{"out"}, func() []string {
		es, _ := os.ReadDir(parent)
		var n []string
		for _, e := range es {
			n = append(n, e.Name())
		}
		return n
	}(), "nothing beside -o")
	got := readTree(t, out)
	assert.Equal(t, 2, len(got), "%v", keys(got))
	for name := range got {
		assert.False(t, strings.Contains(name, ".."), name)
	}
}

// TestDownloadToStdout: -o - with -r gives the utility's bytes from the
// download, nothing else on standard output.
func TestDownloadToStdout(t *testing.T) {
	want := t.TempDir()
	code, _, errOut := msikit(t, "extract", "-q", "../../fixtures/kb977203/SCCM2007-SP2-KB977203-ENU.msi", "--only", "CCMCertFix.exe", "-o", want)
	require.Equal(t, 0, code, errOut)
	util, err := os.ReadFile(filepath.Join(want, "Logs", "KB977203", "CCMCertFix.exe"))
	require.NoError(t, err)
	code, out, errOut := msikit(t, "extract", "-r", replicaZip, "--password", replicaPassword, "--only", "CCMCertFix.exe", "-o", "-")
	require.Equal(t, 0, code, errOut)
	assert.True(t, out == string(util), "%d bytes, want %d", len(out), len(util))
	// Without -r, the download's own member: the package.
	pkg, err := os.ReadFile("../../fixtures/kb977203/SCCM2007-SP2-KB977203-ENU.msi")
	require.NoError(t, err)
	code, out, errOut = msikit(t, "extract", replicaZip, "--password", replicaPassword, "-o", "-")
	require.Equal(t, 0, code, errOut)
	assert.True(t, out == string(pkg), "%d bytes, want %d", len(out), len(pkg))
}
