package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/msikit/msikit/msi"
	"github.com/msikit/msikit/msi/patch"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// buildVersion writes files and a spec into dir and builds dir/name.
func buildVersion(t *testing.T, dir, name string, files map[string]string) string {
	t.Helper()
	require.NoError(t, os.MkdirAll(dir, 0o755))
	spec := "product:\n  name: Demo\n  version: 1.0.0\n  manufacturer: msikit tests\n  upgrade_code: \"{0D5C6B83-4F69-4A5E-8C3B-2E8F40E2A6B2}\"\nfiles:\n"
	for _, p := range []string{"Demo/readme.txt", "Demo/doc/guide.txt", "Demo/extra.txt"} {
		content, ok := files[p]
		if !ok {
			continue
		}
		src := filepath.Base(p)
		require.NoError(t, os.WriteFile(filepath.Join(dir, src), []byte(content), 0o644))
		spec += "  - {source: " + src + ", path: " + p + ", modified: 2010-01-25T06:27:00Z}\n"
	}
	require.NoError(t, os.WriteFile(filepath.Join(dir, "spec.yaml"), []byte(spec), 0o644))
	out := filepath.Join(dir, name)
	code, _, errOut := msikit(t, "build", filepath.Join(dir, "spec.yaml"), "-o", out)
	require.Equal(t, 0, code, errOut)
	return out
}

// TestPatchCreate: a patch made from two versions applies to the first,
// carries exactly the changed and added files, and an administrative image
// of the first patched with it holds the second's files.
func TestPatchCreate(t *testing.T) {
	work := t.TempDir()
	v1files := map[string]string{"Demo/readme.txt": "Hello.\r\n", "Demo/doc/guide.txt": "The guide.\n"}
	v2files := map[string]string{"Demo/readme.txt": "Hello.\r\n", "Demo/doc/guide.txt": "The guide, version two.\n", "Demo/extra.txt": "new file\n"}
	v1 := buildVersion(t, filepath.Join(work, "v1"), "v1.msi", v1files)
	v2 := buildVersion(t, filepath.Join(work, "v2"), "v2.msi", v2files)
	msp := filepath.Join(work, "p.msp")
	code, out, errOut := msikit(t, "patch", "create", v1, v2, "-o", msp)
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "2 file(s) updated or added")

	p, err := patch.Open(msp)
	require.NoError(t, err)
	defer p.Close()
	target, err := msi.Open(v1)
	require.NoError(t, err)
	defer target.Close()
	info, err := msi.ReadProductInfo(target)
	require.NoError(t, err)
	assert.True(t, p.Check(info).Applies, "the patch applies to the package it was made from")
	code, _, _ = msikit(t, "patch", "check", msp, v2)
	assert.Equal(t, 0, code, "v2 has the same product code and version here")

	img := t.TempDir()
	code, _, errOut = msikit(t, "admin", "-q", v1, "-o", img, "--patch", msp)
	require.Equal(t, 0, code, errOut)
	got := readTree(t, img)
	delete(got, "v1.msi")
	want := map[string]string{}
	for p, c := range v2files {
		want["PFiles/"+p] = c
	}
	assert.Equal(t, want, got)

	if _, err := exec.LookPath("msiinfo"); err == nil {
		b, err := exec.Command("msiinfo", "tables", msp).Output()
		require.NoError(t, err)
		assert.Contains(t, string(b), "MsiPatchSequence")
	}
}

// TestPatchExtractSameSize: a file the patch replaces by one of the same
// size (the transform does not carry FileSize) has its member's size, so
// patch files says it and patch extract writes it without a target.
func TestPatchExtractSameSize(t *testing.T) {
	dir := t.TempDir()
	v1 := buildVersion(t, filepath.Join(dir, "v1"), "v1.msi", map[string]string{"Demo/readme.txt": "one"})
	v2 := buildVersion(t, filepath.Join(dir, "v2"), "v2.msi", map[string]string{"Demo/readme.txt": "two"})
	msp := filepath.Join(dir, "p.msp")
	code, _, errOut := msikit(t, "patch", "create", v1, v2, "-o", msp)
	require.Equal(t, 0, code, errOut)
	out := filepath.Join(dir, "x")
	code, _, errOut = msikit(t, "patch", "extract", "-q", msp, "-o", out)
	require.Equal(t, 0, code, errOut)
	b, err := os.ReadFile(filepath.Join(out, "Target01", "readme.txt"))
	require.NoError(t, err)
	assert.Equal(t, "two", string(b))
}
