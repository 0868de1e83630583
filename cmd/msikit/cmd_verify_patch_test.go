package main

import (
	"encoding/json"
	"encoding/xml"
	"os"
	"path/filepath"
	"testing"

	"github.com/msikit/msikit/internal/testutil"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestVerifyPatch: an administrative image checked against a patch whose
// changed file is a PA19 delta: after admin --patch every file is what the
// patch makes (exit 0); before, the file is named as still the delta's
// base, patch not applied (exit 1); with one byte changed, it is named with
// the CRC32 the delta expected and the one found (exit 1).
func TestVerifyPatch(t *testing.T) {
	work := t.TempDir()
	v1, msp := deltaPatch(t, work)
	guide := "PFiles/Demo/doc/guide.txt"

	patched := filepath.Join(work, "patched")
	code, _, errOut := msikit(t, "admin", "-q", v1, "-o", patched, "--patch", msp)
	require.Equal(t, 0, code, errOut)
	code, out, errOut := msikit(t, "verify", "--patch", msp, patched)
	require.Equal(t, 0, code, out+errOut)
	assert.Regexp(t, `(?m)^OK +guide\.txt at `+guide+`  `+guide+`$`, out)
	assert.Contains(t, out, "OK: 1 entries: 1 OK, 0 failed, 0 missing\n")

	code, out, _ = msikit(t, "verify", "--patch", msp, "--json", patched)
	require.Equal(t, 0, code)
	var doc struct {
		OK      bool `json:"ok"`
		Sources []struct {
			Kind    string `json:"kind"`
			Entries []struct {
				Entry  struct{ Size int64 } `json:"entry"`
				Status string               `json:"status"`
				File   struct {
					Path  string `json:"path"`
					Size  int64  `json:"size"`
					CRC32 string `json:"crc32"`
				} `json:"file"`
				Mismatches []struct{ Field, Expected, Found string } `json:"mismatches"`
			} `json:"entries"`
		} `json:"sources"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &doc))
	require.Len(t, doc.Sources, 1)
	assert.True(t, doc.OK)
	assert.Equal(t, "image", doc.Sources[0].Kind)
	require.Len(t, doc.Sources[0].Entries, 1)
	e := doc.Sources[0].Entries[0]
	assert.Equal(t, "ok", e.Status)
	assert.Equal(t, guide, e.File.Path)
	assert.Equal(t, int64(len(guideV2)), e.Entry.Size)
	assert.Len(t, e.File.CRC32, 8)

	// Not patched: the image of v1 as it is.
	plain := filepath.Join(work, "plain")
	code, _, errOut = msikit(t, "admin", "-q", v1, "-o", plain)
	require.Equal(t, 0, code, errOut)
	code, out, _ = msikit(t, "verify", "--patch", msp, plain)
	assert.Equal(t, 1, code, out)
	assert.Regexp(t, `(?m)^OLD +guide\.txt at `+guide+`  `+guide+`: base: still the file the patch changes \(the delta's base: 11 bytes with CRC32 [0-9a-f]{8}\): the patch is not applied`, out)
	assert.Contains(t, out, "File row")
	assert.Contains(t, out, "1 not patched")
	require.NoError(t, json.Unmarshal(outOf(msikit(t, "verify", "--patch", msp, "--json", plain)), &doc))
	assert.False(t, doc.OK)
	assert.Equal(t, "not-applied", doc.Sources[0].Entries[0].Status)
	assert.Equal(t, "base", doc.Sources[0].Entries[0].Mismatches[0].Field)

	// One byte changed in the patched file.
	p := filepath.Join(patched, filepath.FromSlash(guide))
	b, err := os.ReadFile(p)
	require.NoError(t, err)
	b[4] ^= 0x20
	require.NoError(t, os.WriteFile(p, b, 0o644))
	code, out, _ = msikit(t, "verify", "--patch", msp, patched)
	assert.Equal(t, 1, code, out)
	assert.Regexp(t, `(?m)^FAIL +guide\.txt at `+guide+`  `+guide+`: hash: the patch's MsiFileHash of guide\.txt is MD5 [0-9a-f]{32}, the bytes' MD5 is [0-9a-f]{32}; crc32: expected the delta's new file, CRC32 [0-9a-f]{8}, found [0-9a-f]{8}$`, out)
	code, out, _ = msikit(t, "verify", "--patch", msp, "--format", "junit", patched)
	assert.Equal(t, 1, code)
	var suites struct {
		Failures int `xml:"failures,attr"`
		Suites   []struct {
			Cases []struct {
				Name    string `xml:"name,attr"`
				Failure *struct {
					Type    string `xml:"type,attr"`
					Message string `xml:"message,attr"`
				} `xml:"failure"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	require.NoError(t, xml.Unmarshal([]byte(out), &suites))
	assert.Equal(t, 1, suites.Failures)
	require.NotNil(t, suites.Suites[0].Cases[0].Failure)
	assert.Equal(t, "hash,crc32", suites.Suites[0].Cases[0].Failure.Type)
	assert.Contains(t, suites.Suites[0].Cases[0].Failure.Message, guide+": hash:")

	// Removed: missing. Usage: --patch with a manifest flag is exit 2.
	require.NoError(t, os.Remove(p))
	code, out, _ = msikit(t, "verify", "--patch", msp, patched)
	assert.Equal(t, 1, code)
	assert.Contains(t, out, "MISSING  guide.txt at "+guide+": missing: no file "+guide+" in the image")
	code, _, errOut = msikit(t, "verify", "--patch", msp, "--manifest", "kb977203", patched)
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, "--manifest is for manifests, not --patch")
	// Not an image: the package v1 itself.
	code, _, errOut = msikit(t, "verify", "--patch", msp, v1)
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, "not an administrative image")
}

// TestVerifyPatchCorpus: WiX's dual-branch servicing patches, made by
// Windows tools: GDR1 (two transforms, for RTM and for the LDR baseline,
// whole files and a file it adds) verifies on the image it patched, and
// names both files as not patched on the RTM image; on an image patched
// along the other branch (the baseline, then LDR2), LDR2 verifies and
// GDR1's files are not applied.
func TestVerifyPatchCorpus(t *testing.T) {
	rtm := testutil.Corpus(t, "wix3", "RtmProduct__product.msi")
	gdr1 := testutil.Corpus(t, "wix3", "GDR1__gdr1.msp")
	work := t.TempDir()
	img := func(name string, patches ...string) string {
		dir := filepath.Join(work, name)
		args := []string{"admin", "-q", rtm, "-o", dir}
		for _, p := range patches {
			args = append(args, "--patch", p)
		}
		code, _, errOut := msikit(t, args...)
		require.Equal(t, 0, code, errOut)
		return dir
	}
	code, out, errOut := msikit(t, "verify", "--patch", gdr1, img("gdr1", gdr1))
	assert.Equal(t, 0, code, out+errOut)
	assert.Contains(t, out, "OK: 2 entries: 2 OK, 0 failed, 0 missing\n")
	code, out, _ = msikit(t, "verify", "--patch", gdr1, img("rtm"))
	assert.Equal(t, 1, code)
	assert.Contains(t, out, "OLD      patch.wxs: missing: the image's package has no file F_Patch, which GDR1__gdr1.msp adds: the patch is not applied")
	assert.Regexp(t, `(?m)^OLD +product\.wxs at .*: base: still the file the patch changes \(the image's File row before the patch: 1460 bytes, version \(none\)\): the patch is not applied; size: expected 2051 bytes, found 1460; `, out)
	assert.Contains(t, out, "FAIL: 2 entries: 0 OK, 0 failed, 0 missing, 2 not patched\n")

	baseline, ldr2 := testutil.Corpus(t, "wix3", "Baseliner__rtmldr.msp"), testutil.Corpus(t, "wix3", "LDR2__ldr2.msp")
	ldr := img("ldr", baseline, ldr2)
	code, out, errOut = msikit(t, "verify", "--patch", ldr2, ldr)
	assert.Equal(t, 0, code, out+errOut)
	assert.Contains(t, out, "OK: 1 entries: 1 OK, 0 failed, 0 missing\n")
	code, out, _ = msikit(t, "verify", "--patch", gdr1, ldr)
	assert.Equal(t, 1, code)
	assert.Contains(t, out, "2 not patched")

	// Both patches of the branch, in the order applied: the image patched
	// with both, and the RTM image, where LDR2 validates against what the
	// baseline makes.
	code, out, errOut = msikit(t, "verify", "--patch", baseline, "--patch", ldr2, ldr)
	assert.Equal(t, 0, code, out+errOut)
	assert.Contains(t, out, "NOTE     LDR2__ldr2.msp: checked against transform rtmldr.1, which the image's package validates against\n")
	code, out, _ = msikit(t, "verify", "--patch", baseline, "--patch", ldr2, filepath.Join(work, "rtm"))
	assert.Equal(t, 1, code)
	assert.Contains(t, out, "OLD      patch.wxs: missing: the image's package has no file F_Patch, which LDR2__ldr2.msp adds: the patch is not applied")
	assert.Contains(t, out, "LDR2__ldr2.msp: checked against transform rtmldr.1, which validates against product {FB94421B-7FA3-4495-A9D7-212099C19147} 1.0.1.0, what the patches before it make")
}

// outOf is the standard output of a msikit run.
func outOf(_ int, out, _ string) []byte { return []byte(out) }
