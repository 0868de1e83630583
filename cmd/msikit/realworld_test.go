package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/msikit/msikit/internal/testutil"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// helloChanged copies hello.msi into dir and runs SQL queries on the copy
// with msitools' msibuild.
func helloChanged(t *testing.T, dir string, queries ...string) string {
	t.Helper()
	testutil.Tool(t, "msibuild")
	b, err := os.ReadFile(hello)
	require.NoError(t, err)
	pkg := filepath.Join(dir, "hello.msi")
	require.NoError(t, os.WriteFile(pkg, b, 0o644))
	for _, q := range queries {
		out, err := exec.Command("msibuild", pkg, "-q", q).CombinedOutput()
		require.NoError(t, err, "%s", out)
	}
	return pkg
}

// dropTableTransform makes, at test time, a transform that drops a table:
// hello.msi against a copy without MsiFileHash.
func dropTableTransform(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	newer := helloChanged(t, dir, "DROP TABLE MsiFileHash")
	mst := filepath.Join(dir, "drop.mst")
	code, _, errOut := msikit(t, "transform", "create", hello, newer, "-o", mst)
	require.Equal(t, 0, code, errOut)
	return mst
}

// TestTransformReadAsTransform: tables, info and export read a transform
// that drops a table as a transform, never as a damaged database.
func TestTransformReadAsTransform(t *testing.T) {
	mst := dropTableTransform(t)
	code, out, errOut := msikit(t, "tables", mst)
	require.Equal(t, 0, code, errOut)
	assert.Equal(t, "_SummaryInformation\n_ForceCodepage\nMsiFileHash\tdropped\n", out)

	code, out, errOut = msikit(t, "tables", "--json", mst)
	require.Equal(t, 0, code, errOut)
	var tables []tableJSON
	require.NoError(t, json.Unmarshal([]byte(out), &tables))
	require.Len(t, tables, 3, "the two pseudo-tables the text shows, then the one table")
	assert.True(t, tables[0].Pseudo && tables[1].Pseudo && !tables[2].Pseudo)
	assert.Equal(t, tableJSON{Name: "MsiFileHash", Change: "dropped", Columns: []columnJSON{}}, tables[2])

	code, out, errOut = msikit(t, "info", mst)
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "Kind:             transform")
	assert.Contains(t, out, "Tables:           1\n")

	code, out, errOut = msikit(t, "export", mst, "MsiFileHash")
	require.Equal(t, 0, code, errOut)
	assert.Equal(t, "table MsiFileHash: dropped\n", out)

	code, _, errOut = msikit(t, "export", "--all", "-o", t.TempDir(), mst)
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, "drop.mst: a transform holds changes, not tables to export")

	// The corpus transform, made by Windows tools, drops AppId.
	if ex := corpusPath(t, "psmsi/Example.mst"); ex != "" {
		code, out, errOut = msikit(t, "tables", ex)
		require.Equal(t, 0, code, errOut)
		assert.Equal(t, "_SummaryInformation\n_ForceCodepage\nAppId\tdropped\nBinary\t1 inserted, 1 updated, 1 deleted\nDirectory\t2 inserted, 1 updated, 1 deleted\n", out)
	}
}

// TestDamagedPackageEveryCommand: a truncated package (the first 4096
// bytes of a real MSI) is refused by every command that reads it, naming
// the file and why, with exit 1; none reports an empty package.
func TestDamagedPackageEveryCommand(t *testing.T) {
	pkg := corpusPath(t, "mimetype/msi.msi")
	out := t.TempDir()
	for _, args := range [][]string{
		{"info", pkg}, {"tables", pkg}, {"files", pkg}, {"media", pkg},
		{"extract", pkg, "-o", filepath.Join(out, "x")}, {"admin", pkg, "-o", filepath.Join(out, "a")},
		{"export", pkg, "File"}, {"verify", pkg, "--manifest", "kb977203"},
	} {
		code, stdout, errOut := msikit(t, args...)
		assert.Equal(t, 1, code, "%v: %s", args, stdout)
		assert.Contains(t, errOut, "msi.msi", args)
		assert.Contains(t, errOut, "truncated", args)
	}
	entries, _ := os.ReadDir(out)
	for _, e := range entries {
		files, _ := os.ReadDir(filepath.Join(out, e.Name()))
		assert.Empty(t, files, "nothing written for %s", e.Name())
	}
}

// TestMergeModuleCLI: files, media and extract read a merge module's
// MergeModule.CABinet.
func TestMergeModuleCLI(t *testing.T) {
	msm := corpusPath(t, "wixsharp/MyMergeModule.msm")
	code, out, errOut := msikit(t, "media", msm)
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "embedded cabinet  MergeModule.CABinet  1     2      present")
	dir := t.TempDir()
	code, _, errOut = msikit(t, "extract", "-q", "--layout", "install", msm, "-o", dir)
	require.Equal(t, 0, code, errOut)
	b, err := os.ReadFile(filepath.Join(dir, "Program Files", "My Company", "File1.txt"))
	require.NoError(t, err)
	assert.Len(t, b, 5)
	code, out, _ = msikit(t, "files", msm)
	require.Equal(t, 0, code)
	assert.NotContains(t, out, "(uncompressed)")
	assert.Contains(t, out, "#MergeModule.CABinet")
}

// TestOrphanDirectoryWarning: the IVI package's tree under a parent set
// at install time is extracted, with one warning line naming the choice.
func TestOrphanDirectoryWarning(t *testing.T) {
	pkg := corpusPath(t, "lessmsi/IviNetSharedComponents32_Fx20_1.3.0.msi")
	dir := t.TempDir()
	code, _, errOut := msikit(t, "extract", "-q", pkg, "-o", dir)
	require.Equal(t, 0, code, errOut)
	assert.Equal(t, 1, strings.Count(errOut, "warning:"), errOut)
	assert.Contains(t, errOut, "its parent IVINETSTANDARDROOTDIR is not in the Directory table")
	fi, err := os.Stat(filepath.Join(dir, "IVINETSTANDARDROOTDIR", "Framework32", "v2.0.50727", "IviFoundationSharedComponents 1.3.0", "Ivi.Counter.dll"))
	require.NoError(t, err)
	assert.Equal(t, int64(28672), fi.Size())
}

// TestStrictSourceSizes: an uncompressed source file of another size than
// the File table's is copied with a warning, refused with --strict.
func TestStrictSourceSizes(t *testing.T) {
	src := t.TempDir()
	pkg := helloChanged(t, src, "UPDATE File SET Attributes=8192, FileSize=99 WHERE File='guide.txt'")
	require.NoError(t, os.MkdirAll(filepath.Join(src, "msikit Hello", "doc"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(src, "msikit Hello", "doc", "guide.txt"), []byte("twelve bytes"), 0o644))

	dir := t.TempDir()
	code, _, errOut := msikit(t, "extract", "-q", pkg, "-o", dir)
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, errOut, "warning: hello.msi: file guide.txt: the source file msikit Hello/doc/guide.txt has 12 bytes, the File table says 99")
	got, err := os.ReadFile(filepath.Join(dir, "msikit Hello", "doc", "guide.txt"))
	require.NoError(t, err)
	assert.Equal(t, "twelve bytes", string(got))

	dir = t.TempDir()
	code, _, errOut = msikit(t, "extract", "-q", "--strict", pkg, "-o", dir)
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, "has 12 bytes, the table says 99")
	_, err = os.Stat(filepath.Join(dir, "msikit Hello", "doc", "guide.txt"))
	assert.True(t, os.IsNotExist(err), "no file under its final name")
	_, err = os.Stat(filepath.Join(dir, "msikit Hello", "readme.txt"))
	assert.NoError(t, err, "the other files are extracted")

	code, _, errOut = msikit(t, "admin", "-q", "--strict", pkg, "-o", t.TempDir())
	assert.Equal(t, 1, code, errOut)
}
