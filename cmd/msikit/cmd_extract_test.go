package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/msikit/msikit/internal/testutil"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func readTree(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	require.NoError(t, filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		out[filepath.ToSlash(rel)] = string(b)
		return err
	}))
	return out
}

func TestExtract(t *testing.T) {
	dir := t.TempDir()
	code, out, errOut := msikit(t, "extract", hello, "-o", dir)
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "  extracting msikit Hello/doc/guide.txt\n")
	got := readTree(t, dir)
	assert.Equal(t, map[string]string{
		"msikit Hello/readme.txt":    "Hello from msikit.\r\n",
		"msikit Hello/data.bin":      string(fixture(t, "data.bin")),
		"msikit Hello/doc/guide.txt": "The guide.\nSecond line.\n",
	}, got)
	// the cabinet's time stamps are applied
	fi, err := os.Stat(filepath.Join(dir, "msikit Hello", "readme.txt"))
	require.NoError(t, err)
	assert.Equal(t, 2026, fi.ModTime().Year())

	// existing files are kept unless --overwrite
	require.NoError(t, os.WriteFile(filepath.Join(dir, "msikit Hello", "readme.txt"), []byte("mine"), 0o644))
	code, _, errOut = msikit(t, "extract", "-q", hello, "-o", dir, "--only", "README.TXT")
	assert.Equal(t, 2, code, "a file in the way is the environment's (exit 2)")
	assert.Contains(t, errOut, "msikit Hello/readme.txt exists (use --overwrite to replace it)")
	b, _ := os.ReadFile(filepath.Join(dir, "msikit Hello", "readme.txt"))
	assert.Equal(t, "mine", string(b))
	code, out, _ = msikit(t, "extract", "-q", hello, "-o", dir, "--only", "README.TXT", "--overwrite")
	assert.Equal(t, 0, code)
	assert.Empty(t, out, "-q prints nothing")
	b, _ = os.ReadFile(filepath.Join(dir, "msikit Hello", "readme.txt"))
	assert.Equal(t, "Hello from msikit.\r\n", string(b))
}

func fixture(t *testing.T, name string) []byte {
	b, err := os.ReadFile(filepath.Join("../../fixtures/src", name))
	require.NoError(t, err)
	return b
}

func TestExtractOnlyAndLayouts(t *testing.T) {
	for _, c := range []struct {
		args []string
		want []string
	}{
		{[]string{"--only", "guide.txt"}, []string{"msikit Hello/doc/guide.txt"}},
		{[]string{"--only", "*/DOC/*"}, []string{"msikit Hello/doc/guide.txt"}},
		{[]string{"--only", "*.bin", "--only", "readme.*"}, []string{"msikit Hello/data.bin", "msikit Hello/readme.txt"}},
		{[]string{"--layout", "flat"}, []string{"data.bin", "guide.txt", "readme.txt"}},
		{[]string{"--layout", "install"}, []string{"Program Files/msikit Hello/data.bin", "Program Files/msikit Hello/doc/guide.txt", "Program Files/msikit Hello/readme.txt"}},
	} {
		dir := t.TempDir()
		code, _, errOut := msikit(t, append([]string{"extract", "-q", hello, "-o", dir}, c.args...)...)
		require.Equal(t, 0, code, "%v: %s", c.args, errOut)
		var got []string
		for p := range readTree(t, dir) {
			got = append(got, p)
		}
		assert.ElementsMatch(t, c.want, got, "%v", c.args)
	}
	code, _, errOut := msikit(t, "extract", hello, "-o", t.TempDir(), "--only", "nothing-like-this")
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, "no file matches nothing-like-this")
	code, _, _ = msikit(t, "extract", hello, "--layout", "sideways")
	assert.Equal(t, 2, code)
}

// TestExtractNoPartialFiles: a failed file leaves nothing under its name
// and no temporary file behind.
func TestExtractNoPartialFiles(t *testing.T) {
	pkg := testutil.Corpus(t, "lessmsi", "VBRuntime.msi")
	dir := t.TempDir()
	code, _, errOut := msikit(t, "extract", "-q", pkg, "-o", dir)
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, "MSVBVM60.DLL")
	assert.Contains(t, errOut, "2 of 10 files not extracted")
	got := readTree(t, dir)
	assert.Len(t, got, 8)
	for p := range got {
		assert.NotContains(t, strings.ToUpper(p), "MSVBVM60", "no partial file")
		assert.False(t, strings.HasSuffix(p, ".tmp"), "no temporary file: %s", p)
	}
}

func TestFilesAndMedia(t *testing.T) {
	code, out, _ := msikit(t, "files", "--json", hello)
	require.Equal(t, 0, code)
	var files []fileJSON
	require.NoError(t, json.Unmarshal([]byte(out), &files))
	require.Len(t, files, 3)
	assert.Equal(t, fileJSON{
		Key: "guide.txt", Path: "msikit Hello/doc/guide.txt", Name: "guide.txt", ShortName: "guide.txt", Size: 24,
		Attributes: 512, Component: "Docs", Directory: "DocDir", Sequence: 3, Compressed: true, DiskID: 1,
		Cabinet: "#hello.cab", MD5: "79e3174e5911f2a92846761d53364760",
	}, files[2])

	code, out, _ = msikit(t, "media", hello)
	assert.Equal(t, 0, code)
	assert.Contains(t, out, "embedded cabinet  hello.cab  1     3      present")

	pkg := testutil.Corpus(t, "wix3", "SimpleFile__expected.msi")
	code, out, errOut := msikit(t, "media", pkg)
	assert.Equal(t, 1, code)
	assert.Contains(t, out, "PFiles/WixTestFolder/Assembly1.dll")
	assert.Contains(t, out, "MISSING")
	assert.Contains(t, errOut, "1 of 1 missing")
}

// TestExtractRecursive: a utility two levels down (in a cabinet that is a
// file of the package) comes out with one command.
// helloWith makes a copy of the hello package whose data.bin is the file
// name holding data, with gcab and msibuild.
func helloWith(t *testing.T, name string, data []byte) string {
	t.Helper()
	testutil.Tool(t, "msibuild")
	testutil.Tool(t, "gcab")
	work := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(work, "data.bin"), data, 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(work, "readme.txt"), fixture(t, "readme.txt"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(work, "guide.txt"), fixture(t, "guide.txt"), 0o644))
	cmd := exec.Command("gcab", "-c", "-z", filepath.Join(work, "outer.cab"), "readme.txt", "data.bin", "guide.txt")
	cmd.Dir = work
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "gcab: %s", out)
	pkg := filepath.Join(work, "package.msi")
	b, err := os.ReadFile(hello)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(pkg, b, 0o644))
	for _, args := range [][]string{
		{pkg, "-a", "hello.cab", filepath.Join(work, "outer.cab")},
		{pkg, "-q", fmt.Sprintf("UPDATE File SET FileName='%s', FileSize=%d WHERE File='data.bin'", name, len(data))},
	} {
		msg, err := exec.Command("msibuild", args...).CombinedOutput()
		require.NoError(t, err, "msibuild: %s", msg)
	}
	return pkg
}

func TestExtractRecursive(t *testing.T) {
	testutil.Tool(t, "msibuild")
	testutil.Tool(t, "gcab")
	work := t.TempDir()
	gcab := func(dir, out string, names ...string) []byte {
		args := append([]string{"-c", "-z", out}, names...)
		cmd := exec.Command("gcab", args...)
		cmd.Dir = dir
		msg, err := cmd.CombinedOutput()
		require.NoError(t, err, "gcab: %s", msg)
		b, err := os.ReadFile(out)
		require.NoError(t, err)
		return b
	}
	// inner.cab holds the utility; it is the package's data.bin.
	require.NoError(t, os.WriteFile(filepath.Join(work, "CCMCertFix.exe"), []byte("MZ utility"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(work, "other.txt"), []byte("not wanted"), 0o644))
	inner := gcab(work, filepath.Join(work, "inner.cab"), "CCMCertFix.exe", "other.txt")
	pkg := helloWith(t, "inner.cab", inner)

	out := t.TempDir()
	code, _, errOut := msikit(t, "extract", "-q", "-r", pkg, "-o", out, "--only", "ccmcertfix.exe")
	require.Equal(t, 0, code, errOut)
	got := readTree(t, out)
	assert.Equal(t, "MZ utility", got["msikit Hello/inner.cab.extracted/CCMCertFix.exe"])
	assert.NotContains(t, got, "msikit Hello/inner.cab.extracted/other.txt", "--only applies inside too")
	assert.NotContains(t, got, "msikit Hello/readme.txt")

	out = t.TempDir()
	code, _, errOut = msikit(t, "extract", "-q", "--recursive", pkg, "-o", out)
	require.Equal(t, 0, code, errOut)
	got = readTree(t, out)
	assert.Len(t, got, 5, "three files and the two inside inner.cab")
	assert.Equal(t, "not wanted", got["msikit Hello/inner.cab.extracted/other.txt"])
}

// TestExtractRecursiveEXEWrapper: a self-extracting wrapper (an EXE with a
// cabinet inside) among a package's files is opened by --recursive.
func TestExtractRecursiveEXEWrapper(t *testing.T) {
	testutil.Tool(t, "gcab")
	testutil.Tool(t, "msibuild")
	work := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(work, "CCMCertFix.exe"), []byte("MZ the utility"), 0o644))
	cmd := exec.Command("gcab", "-c", "-z", filepath.Join(work, "inner.cab"), "CCMCertFix.exe")
	cmd.Dir = work
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s", out)
	inner, err := os.ReadFile(filepath.Join(work, "inner.cab"))
	require.NoError(t, err)
	// An EXE stub, then the cabinet at an odd offset, then a trailer.
	wrapper := append(append([]byte("MZ\x90\x00 stub of a self-extractor "), inner...), []byte(" trailer")...)
	pkg := helloWith(t, "hotfix.exe", wrapper)
	dir := t.TempDir()
	code, _, errOut := msikit(t, "extract", "-q", "-r", pkg, "-o", dir, "--only", "CCMCertFix.exe")
	require.Equal(t, 0, code, errOut)
	// --only applies at every level: the wrapper is opened, not written.
	assert.Equal(t, map[string]string{"msikit Hello/hotfix.exe.extracted/CCMCertFix.exe": "MZ the utility"}, readTree(t, dir))
}
