package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/msikit/msikit/internal/testutil"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// cp932Cab is a cabinet with one file, "kanji\n", whose name 表だよ\漢字.txt
// is stored in code page 932 without the UTF-8 flag; the lead byte of 表
// is followed by 0x5C, a backslash when read one byte at a time.
func cp932Cab(t *testing.T) string {
	return filepath.Join(testutil.ModuleRoot(t), "cab", "testdata", "cp932.cab")
}

// TestCabEncoding: --encoding reads the names of cab list, extract and
// test in the code page it names, in any of its spellings; without it
// they read as Windows-1252.
func TestCabEncoding(t *testing.T) {
	file := cp932Cab(t)
	code, out, errOut := msikit(t, "cab", "list", "--encoding", "sjis", file)
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "  表だよ/漢字.txt\n")
	code, out, errOut = msikit(t, "cab", "list", file)
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "  •/‚¾‚æ/Š¿Žš.txt\n")

	code, out, errOut = msikit(t, "cab", "list", "--json", "--encoding=cp932", file)
	require.Equal(t, 0, code, errOut)
	var list []jsonCabinet
	require.NoError(t, json.Unmarshal([]byte(out), &list))
	require.Len(t, list, 1)
	require.Len(t, list[0].Files, 1)
	assert.Equal(t, `表だよ\漢字.txt`, list[0].Files[0].Name)
	assert.Equal(t, "表だよ/漢字.txt", list[0].Files[0].Path)

	dir := t.TempDir()
	code, _, errOut = msikit(t, "cab", "extract", "-q", "--encoding", "Shift_JIS", "-o", dir, file)
	require.Equal(t, 0, code, errOut)
	assert.Equal(t, map[string]string{"表だよ/漢字.txt": "kanji\n"}, readTree(t, dir))

	code, out, errOut = msikit(t, "cab", "test", "--md5", "--encoding", "CP932", file)
	require.Equal(t, 0, code, errOut)
	// the MD5 of "kanji\n"
	assert.Equal(t, "  表だよ/漢字.txt  OK  31e562e5fddcec54ca29767e0d8716bd\n", out)
}

// TestEncodingUnknown: every command with --encoding refuses a name it
// does not know, naming it, with exit code 2, before reading anything.
func TestEncodingUnknown(t *testing.T) {
	file, dir := cp932Cab(t), t.TempDir()
	for _, args := range [][]string{
		{"cab", "list", file},
		{"cab", "extract", "-o", dir, file},
		{"cab", "test", file},
		{"extract", "-o", dir, hello},
		{"admin", "-o", dir, hello},
	} {
		code, out, errOut := msikit(t, append(args, "--encoding", "KOI9-X")...)
		assert.Equal(t, 2, code, "%v", args)
		assert.Contains(t, errOut, `--encoding: unknown character set "KOI9-X"`, "%v", args)
		assert.Empty(t, out, "%v", args)
	}
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Empty(t, entries, "nothing extracted")
}

// TestExtractEncoding: a package's --encoding reaches the cabinets
// --recursive finds among its files, and leaves its own cabinet's names,
// which are ASCII, as they are.
func TestExtractEncoding(t *testing.T) {
	inner, err := os.ReadFile(cp932Cab(t))
	require.NoError(t, err)
	pkg := helloWith(t, "names.cab", inner)
	for _, tc := range []struct{ encoding, name string }{
		{"CP932", "表だよ/漢字.txt"},
		{"", "•/‚¾‚æ/Š¿Žš.txt"},
	} {
		dir := t.TempDir()
		args := []string{"extract", "-q", "-r", pkg, "-o", dir}
		if tc.encoding != "" {
			args = append(args, "--encoding", tc.encoding)
		}
		code, _, errOut := msikit(t, args...)
		require.Equal(t, 0, code, errOut)
		got := readTree(t, dir)
		assert.Equal(t, "kanji\n", got["msikit Hello/names.cab.extracted/"+tc.name], "%s: %v", tc.encoding, got)
		assert.Equal(t, "Hello from msikit.\r\n", got["msikit Hello/readme.txt"])
		assert.Len(t, got, 4)
	}
}
