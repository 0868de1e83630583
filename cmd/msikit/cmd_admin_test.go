package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/msikit/msikit/internal/testutil"
	"github.com/msikit/msikit/msi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestAdminImage: the image's package is marked as an uncompressed
// administrative image, holds no cabinet, changes only the documented
// tables, and extracting it gives the same files as the original.
func TestAdminImage(t *testing.T) {
	pkgs := []string{hello}
	if _, err := os.Stat(filepath.Join(testutil.ModuleRoot(t), "..", "shared", "corpus", "lessmsi")); err == nil {
		pkgs = append(pkgs, testutil.Corpus(t, "lessmsi", "NUnit-2.5.2.9222.msi"), testutil.Corpus(t, "lessmsi", "msi_with_external_cab.msi"))
	}
	for _, pkg := range pkgs {
		name := filepath.Base(pkg)
		img := t.TempDir()
		code, _, errOut := msikit(t, "admin", "-q", pkg, "-o", img)
		require.Equal(t, 0, code, "%s: %s", name, errOut)
		orig, err := msi.Open(pkg)
		require.NoError(t, err)
		defer orig.Close()
		copyPath := filepath.Join(img, name)
		adm, err := msi.Open(copyPath)
		require.NoError(t, err)
		defer adm.Close()

		s, err := adm.SummaryInfo()
		require.NoError(t, err)
		assert.Equal(t, int32(4), s.WordCount, name)
		for _, st := range adm.Streams() {
			assert.False(t, strings.HasSuffix(strings.ToLower(st.Name), ".cab"), "%s keeps cabinet stream %s", name, st.Name)
		}
		files, err := msi.FileList(adm, msi.FileOptions{})
		require.NoError(t, err)
		for _, f := range files {
			assert.False(t, f.Compressed, "%s: %s", name, f.Key)
		}
		tables, err := orig.Tables()
		require.NoError(t, err)
		for _, tn := range tables {
			if tn == "File" || tn == "Media" {
				continue // changed, as documented (msi.Package.AdminDatabase)
			}
			var a, b bytes.Buffer
			require.NoError(t, orig.WriteIDT(&a, tn))
			require.NoError(t, adm.WriteIDT(&b, tn))
			assert.Equal(t, a.String(), b.String(), "%s: table %s", name, tn)
			if _, err := exec.LookPath("msiinfo"); err == nil {
				x, err1 := msiinfoIn(t, "export", pkg, tn)
				y, err2 := msiinfoIn(t, "export", copyPath, tn)
				if err1 == nil {
					require.NoError(t, err2)
					assert.Equal(t, string(x), string(y), "%s: msiinfo export %s", name, tn)
				}
			}
		}

		// The image extracts to the same files, read from its tree.
		again := t.TempDir()
		code, _, errOut = msikit(t, "extract", "-q", copyPath, "-o", again)
		require.Equal(t, 0, code, "%s: %s", name, errOut)
		want := readTree(t, img)
		delete(want, name)
		assert.Equal(t, want, readTree(t, again), name)
	}
}

// msiinfoIn runs msiinfo in a temporary directory: its export writes the
// streams of binary columns into the working directory.
func msiinfoIn(t *testing.T, args ...string) ([]byte, error) {
	for i, a := range args {
		if abs, err := filepath.Abs(a); err == nil && fileExists(abs) {
			args[i] = abs
		}
	}
	cmd := exec.Command("msiinfo", args...)
	cmd.Dir = t.TempDir()
	return cmd.Output()
}

func fileExists(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && !fi.IsDir()
}
