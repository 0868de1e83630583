package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/msikit/msikit/internal/testutil"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestExtractToStdout: -o - writes the chosen files' bytes to standard
// output and nothing else, creates no directory named "-", and for a
// cabinet gives the bytes cabextract -p gives.
func TestExtractToStdout(t *testing.T) {
	root := testutil.ModuleRoot(t)
	hello := filepath.Join(root, "fixtures", "hello.msi")
	t.Chdir(t.TempDir())
	code, out, errOut := msikit(t, "extract", hello, "--only", "readme.txt", "-o", "-")
	require.Equal(t, 0, code, errOut)
	want, err := os.ReadFile(filepath.Join(root, "fixtures", "src", "readme.txt"))
	require.NoError(t, err)
	assert.Equal(t, string(want), out)
	assert.NoDirExists(t, "-")

	// Several files, several inputs: one after another.
	code, all, errOut := msikit(t, "extract", hello, hello, "-o", "-")
	require.Equal(t, 0, code, errOut)
	code, one, _ := msikit(t, "extract", hello, "-o", "-")
	require.Equal(t, 0, code)
	assert.Equal(t, one+one, all)
	assert.Equal(t, 3000+24+20, len(one), "data.bin, guide.txt and readme.txt (the logo is a Binary stream, not a file)")

	// With -r, the files come from wherever they are inside: here the
	// package has nothing nested, so the same bytes.
	code, out, errOut = msikit(t, "extract", "-r", hello, "-o", "-")
	require.Equal(t, 0, code, errOut)
	assert.Equal(t, len(one), len(out))

	dir := t.TempDir()
	createCab(t, filepath.Join(dir, "c"), [][2]string{{"one.txt", "one\n"}, {"two.txt", "two\n"}})
	cab := filepath.Join(dir, "c.cab")
	code, out, errOut = msikit(t, "cab", "extract", cab, "-o", "-")
	require.Equal(t, 0, code, errOut)
	assert.Equal(t, "one\ntwo\n", out)
	assert.NoDirExists(t, "-")
	if p, err := exec.LookPath("cabextract"); err == nil {
		peer, err := exec.Command(p, "-p", cab).Output()
		require.NoError(t, err)
		assert.Equal(t, string(peer), out, "cabextract -p")
	} else {
		testutil.Skip(t, "cabextract not installed: -o - not compared with cabextract -p")
	}
}
