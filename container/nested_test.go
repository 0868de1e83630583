package container

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/msikit/msikit/msi"
	"github.com/msikit/msikit/msi/build"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// buildPackage makes a package of the files (name to bytes) in dir; with
// external, its cabinet is written beside it under that name instead of
// embedded.
func buildPackage(t *testing.T, dir, out, external string, files map[string][]byte) {
	t.Helper()
	spec := "product: {name: nested, version: 1.0.0, manufacturer: msikit, upgrade_code: '{6D6F1C2B-6D6B-4E2A-9C1D-6E6573746564}', root: TARGETDIR}\nfiles:\n"
	for name, b := range files {
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), b, 0o644))
		spec += "  - {source: " + name + ", path: app/" + name + ", modified: 2010-01-25T06:27:00Z}\n"
	}
	s, err := build.Parse(strings.NewReader(spec))
	require.NoError(t, err)
	res, err := build.Build(s, dir)
	require.NoError(t, err)
	if external == "" {
		require.NoError(t, build.Save(res, s, filepath.Join(dir, out)))
		return
	}
	var cabBytes bytes.Buffer
	require.NoError(t, build.WriteCabinet(&cabBytes, res.Members, ""))
	require.NoError(t, os.WriteFile(filepath.Join(dir, external), cabBytes.Bytes(), 0o644))
	media, err := res.DB.Table("Media")
	require.NoError(t, err)
	media.Rows[0].Values[media.Index("Cabinet")] = msi.StringValue(external)
	require.NoError(t, res.DB.SaveFile(filepath.Join(dir, out)))
}

// TestPackageInPackage: a package whose cabinet is external, carried by
// another package beside that cabinet (as an administrative image keeps
// them), finds it among its container's members: the walk reads the outer
// package's files while the inner one reads its cabinet from them.
func TestPackageInPackage(t *testing.T) {
	innerDir, outerDir := t.TempDir(), t.TempDir()
	buildPackage(t, innerDir, "inner.msi", "ext.cab", map[string][]byte{"utility.exe": []byte("MZ the utility")})
	inner, err := os.ReadFile(filepath.Join(innerDir, "inner.msi"))
	require.NoError(t, err)
	ext, err := os.ReadFile(filepath.Join(innerDir, "ext.cab"))
	require.NoError(t, err)
	buildPackage(t, outerDir, "outer.msi", "", map[string][]byte{"inner.msi": inner, "ext.cab": ext})

	done := make(chan map[string]node, 1)
	go func() { done <- byPath(walkFile(t, filepath.Join(outerDir, "outer.msi"), nil, 0)) }()
	select {
	case tree := <-done:
		n := tree["outer.msi/app/inner.msi/app/utility.exe"]
		assert.NoError(t, n.Err)
		assert.Equal(t, "MZ the utility", n.Data)
		assert.Equal(t, MSI, tree["outer.msi/app/inner.msi"].Kind)
		assert.Equal(t, Cabinet, tree["outer.msi/app/ext.cab"].Kind)
	case <-time.After(60 * time.Second):
		t.Fatal("the walk does not end: reading the inner package's cabinet from the outer package blocks")
	}
}
