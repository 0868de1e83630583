package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/msikit/msikit/internal/pa19test"
	"github.com/msikit/msikit/internal/patchtest"
	"github.com/msikit/msikit/msi"
	"github.com/msikit/msikit/msi/patch"
	"github.com/msikit/msikit/msi/patch/pa19"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	guideV1 = "The guide.\n"
	guideV2 = "The guide, version two, made from a binary delta.\n"
)

// deltaPatch builds v1.msi and a patch to v2 whose changed file, the
// guide, travels as a PA19 delta against v1's, as PCW makes them.
func deltaPatch(t *testing.T, work string) (v1, msp string) {
	t.Helper()
	v1 = buildVersion(t, filepath.Join(work, "v1"), "v1.msi", map[string]string{"Demo/readme.txt": "Hello.\r\n", "Demo/doc/guide.txt": guideV1})
	v2 := buildVersion(t, filepath.Join(work, "v2"), "v2.msi", map[string]string{"Demo/readme.txt": "Hello.\r\n", "Demo/doc/guide.txt": guideV2})
	oldPkg, err := msi.Open(v1)
	require.NoError(t, err)
	defer oldPkg.Close()
	newPkg, err := msi.Open(v2)
	require.NoError(t, err)
	defer newPkg.Close()
	b, err := patch.Create(oldPkg, newPkg, patch.CreateOptions{})
	require.NoError(t, err)
	defer b.Close()
	delta := pa19test.Build(pa19test.Spec{Flags: pa19.OptionLZXA | pa19.OptionNoRebase, Time: 1264400820, New: []byte(guideV2), Olds: []pa19test.Old{{Data: []byte(guideV1)}}})
	patchtest.Delta(t, b, guideV2, delta)
	msp = filepath.Join(work, "delta.msp")
	var buf bytes.Buffer
	require.NoError(t, b.Save(&buf))
	require.NoError(t, os.WriteFile(msp, buf.Bytes(), 0o644))
	return v1, msp
}

func findFile(t *testing.T, root, name string) string {
	t.Helper()
	var found string
	filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err == nil && d.Name() == name {
			found = p
		}
		return nil
	})
	require.NotEmpty(t, found, "no %s under %s", name, root)
	return found
}

// TestPatchDeltas: a patch's delta is applied to its base found in a
// package, an administrative image or a folder of installed files; a
// different base is named with what the delta expected, exit 1.
func TestPatchDeltas(t *testing.T) {
	work := t.TempDir()
	v1, msp := deltaPatch(t, work)

	code, out, errOut := msikit(t, "patch", "files", msp, "--target", v1)
	require.Equal(t, 0, code, errOut)
	assert.Regexp(t, `delta PA19 of PFiles/Demo/doc/guide.txt \(base 11 bytes, CRC32 [0-9a-f]{8}\)`, out)
	code, out, _ = msikit(t, "patch", "files", "--json", msp)
	require.Equal(t, 0, code)
	var files []patchFileJSON
	require.NoError(t, json.Unmarshal([]byte(out), &files))
	var deltas int
	for _, f := range files {
		if f.Delta != "" {
			deltas++
			assert.Equal(t, "PA19", f.Delta)
			require.Len(t, f.DeltaBases, 1)
			assert.Equal(t, int64(len(guideV1)), f.DeltaBases[0].Size)
		}
	}
	assert.Equal(t, 1, deltas)

	// A package as the base.
	dst := filepath.Join(work, "out1")
	code, _, errOut = msikit(t, "patch", "extract", "-q", msp, "--target", v1, "-o", dst)
	require.Equal(t, 0, code, errOut)
	got, err := os.ReadFile(filepath.Join(dst, "PFiles/Demo/doc/guide.txt"))
	require.NoError(t, err)
	assert.Equal(t, guideV2, string(got))

	// No base: the delta is reported, not written.
	code, _, errOut = msikit(t, "patch", "extract", "-q", msp, "-o", filepath.Join(work, "out0"))
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, "binary delta")

	// An administrative image as the base, then one whose file differs.
	img := filepath.Join(work, "img")
	code, _, errOut = msikit(t, "admin", "-q", v1, "-o", img)
	require.Equal(t, 0, code, errOut)
	dst = filepath.Join(work, "out2")
	code, _, errOut = msikit(t, "patch", "extract", "-q", msp, "--target", img, "-o", dst)
	require.Equal(t, 0, code, errOut)
	got, _ = os.ReadFile(filepath.Join(dst, "PFiles/Demo/doc/guide.txt"))
	assert.Equal(t, guideV2, string(got))
	require.NoError(t, os.WriteFile(filepath.Join(img, "PFiles/Demo/doc/guide.txt"), []byte("The guidE.\n"), 0o644))
	dst = filepath.Join(work, "out3")
	code, _, errOut = msikit(t, "patch", "extract", "-q", msp, "--target", img, "-o", dst)
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, "delta against PFiles/Demo/doc/guide.txt")
	assert.Contains(t, errOut, "the delta wants 11 bytes with CRC32")
	assert.NoFileExists(t, filepath.Join(dst, "PFiles/Demo/doc/guide.txt"))
	require.NoError(t, os.Remove(filepath.Join(img, "PFiles/Demo/doc/guide.txt")))
	code, _, errOut = msikit(t, "patch", "extract", "-q", msp, "--target", img, "-o", dst)
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, "the delta wants 11 bytes with CRC32")

	// A folder of installed files as the base.
	inst := filepath.Join(work, "installed", "Program Files", "Demo", "doc")
	require.NoError(t, os.MkdirAll(inst, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(inst, "guide.txt"), []byte(guideV1), 0o644))
	dst = filepath.Join(work, "out4")
	code, _, errOut = msikit(t, "patch", "extract", "-q", msp, "--target", filepath.Join(work, "installed"), "-o", dst)
	require.Equal(t, 0, code, errOut)
	got, _ = os.ReadFile(findFile(t, dst, "guide.txt"))
	assert.Equal(t, guideV2, string(got))

	// admin --patch applies the delta to the image's file.
	img2 := filepath.Join(work, "img2")
	code, out, errOut = msikit(t, "admin", v1, "-o", img2, "--patch", msp)
	require.Equal(t, 0, code, errOut)
	assert.True(t, strings.Contains(out, "patching PFiles/Demo/doc/guide.txt"), out)
	got, _ = os.ReadFile(filepath.Join(img2, "PFiles/Demo/doc/guide.txt"))
	assert.Equal(t, guideV2, string(got))
}
