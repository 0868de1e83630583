package main

import (
	"archive/zip"
	"bytes"
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/msikit/msikit/internal/testutil"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func md5File(t *testing.T, path string) string {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	h := md5.New()
	_, err = io.Copy(h, f)
	require.NoError(t, err)
	return hex.EncodeToString(h.Sum(nil))
}

func TestPatchInfoJSON(t *testing.T) {
	msp := testutil.Corpus(t, "wix3", "GDR1__gdr1.msp")
	code, out, errOut := msikit(t, "patch", "info", "--json", msp)
	require.Equal(t, 0, code, errOut)
	var r patchReport
	require.NoError(t, json.Unmarshal([]byte(out), &r))
	assert.Equal(t, "{780B530E-03AD-47AF-A128-DA08DB495253}", r.PatchCode)
	assert.Equal(t, "Security Rollup", r.Classification)
	assert.Equal(t, []string{"gdr1.cab", "ldr1.cab"}, r.Cabinets)
	assert.Equal(t, []string{"MsiPatchMetadata", "MsiPatchSequence"}, r.Tables)
	require.Len(t, r.Transforms, 2)
	assert.Equal(t, "rtm.2", r.Transforms[1].Name)
	assert.Equal(t, "1.0.0.0", r.Transforms[1].Version)
	assert.Equal(t, int32(0x0922001f), r.Transforms[1].CharCount)
	var file tableChangeJSON
	for _, c := range r.Transforms[1].Changes {
		if c.Table == "File" {
			file = c
		}
	}
	assert.Equal(t, tableChangeJSON{Table: "File", Inserted: 1, Updated: 1, NewColumns: []string{}}, file)
	require.Len(t, r.Files, 4)
	assert.Equal(t, patchFileJSON{Transform: "rtm.2", Cabinet: "gdr1.cab", Key: "F_Patch", Name: "patch.wxs", Path: "patch.wxs", Size: 1025, Stored: 1025, Named: true, DeltaBases: []deltaBaseJSON{}}, r.Files[2])
	assert.True(t, r.Supersedes)

	// The SQL Server patch: signed, a filler member no row names.
	code, out, errOut = msikit(t, "patch", "info", testutil.Corpus(t, "lessmsi", "SQL2008_AS.msp"))
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "Signature:   present (not checked: msikit signature or info --check-signature checks it)")
	assert.Contains(t, out, "validation: MSITRANSFORM_VALIDATE_UPGRADECODE|")
	assert.Contains(t, out, "RemoveFile: 0 inserted, 0 updated, 8 deleted")
	assert.Regexp(t, `Target01ToUpgrade01\s+PCW_CAB_Family01\s+filler\s+6\s+unnamed`, out)
}

func TestPatchCheckCLI(t *testing.T) {
	msp := testutil.Corpus(t, "wix3", "PerMachineMsisMsps__PatchAv101.msp")
	code, out, _ := msikit(t, "patch", "check", msp, testutil.Corpus(t, "wix3", "PerMachineMsisMsps__prodAv100.msi"))
	assert.Equal(t, 0, code)
	assert.Contains(t, out, "PerMachineMsisMsps__PatchAv101.msp applies to PerMachineMsisMsps__prodAv100.msi")
	code, out, _ = msikit(t, "patch", "check", "--json", msp, testutil.Corpus(t, "wix3", "PerMachineMsisMsps__prodBv100.msi"))
	assert.Equal(t, 1, code)
	var r checkReport
	require.NoError(t, json.Unmarshal([]byte(out), &r))
	assert.False(t, r.Applies)
	assert.Equal(t, []string{"product code is {398B8855-E3B8-4559-9C2B-3ED457C5A889}, the transform needs {6EA3AE83-A14F-4B8B-8A86-BB977A9E7833}"}, r.Transforms[0].Failed)
	code, _, errOut := msikit(t, "patch", "check", testutil.Corpus(t, "wix3", "PerMachineMsisMsps__prodAv100.msi"), msp)
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, "PerMachineMsisMsps__prodAv100.msi: not a patch")
}

// MD5s as cabextract gives them for the gdr1.cab and ldr1.cab streams.
func TestPatchExtractCLI(t *testing.T) {
	msp := testutil.Corpus(t, "wix3", "GDR1__gdr1.msp")
	dir := t.TempDir()
	code, _, errOut := msikit(t, "patch", "extract", "-q", msp, "-o", dir)
	require.Equal(t, 0, code, errOut)
	assert.Equal(t, "a515476bb0f449060dc29d917e848ee8", md5File(t, filepath.Join(dir, "rtm.2", "patch.wxs")))
	assert.Equal(t, "0d85dd364dc05f3366d7fd25fd0c0ae8", md5File(t, filepath.Join(dir, "rtm.2", "F_Source")))
	assert.Equal(t, "ecbda77d9f2542b648b3ffb33437e743", md5File(t, filepath.Join(dir, "rtmldr.1", "F_Source")))

	dir = t.TempDir()
	code, _, errOut = msikit(t, "patch", "extract", "-q", msp, "-o", dir, "--target", testutil.Corpus(t, "wix3", "RtmProduct__product.msi"), "--only", "product.wxs")
	require.Equal(t, 0, code, errOut)
	var got []string
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(dir, p)
			got = append(got, filepath.ToSlash(rel)+" "+md5File(t, p))
		}
		return nil
	})
	assert.Equal(t, []string{"Program Files/Dual Branch Servicing - Single MSP/product.wxs 0d85dd364dc05f3366d7fd25fd0c0ae8"}, got)

	code, _, errOut = msikit(t, "patch", "files", testutil.Corpus(t, "wix3", "LDR2__ldr2.msp"), "--target", testutil.Corpus(t, "wix3", "RtmProduct__product.msi"))
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, "LDR2__ldr2.msp: patch does not apply to RtmProduct__product.msi")
}

// admin --patch: the patched image's package reads in msiinfo with the
// new version, and the patch's files are over the image.
func TestAdminPatch(t *testing.T) {
	img := t.TempDir()
	code, out, errOut := msikit(t, "admin", testutil.Corpus(t, "wix3", "RtmProduct__product.msi"), "-o", img, "--patch", testutil.Corpus(t, "wix3", "GDR1__gdr1.msp"))
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "transforms rtm.2")
	dir := filepath.Join(img, "Program Files", "Dual Branch Servicing - Single MSP")
	assert.Equal(t, "0d85dd364dc05f3366d7fd25fd0c0ae8", md5File(t, filepath.Join(dir, "product.wxs")))
	assert.Equal(t, "a515476bb0f449060dc29d917e848ee8", md5File(t, filepath.Join(dir, "patch.wxs")))
	if _, err := exec.LookPath("msiinfo"); err != nil {
		testutil.Skip(t, "msiinfo not installed: skipping the check of the patched package with it")
	}
	exp, err := exec.Command("msiinfo", "export", filepath.Join(img, "RtmProduct__product.msi"), "File").Output()
	require.NoError(t, err)
	assert.Contains(t, string(exp), "F_Patch\tC_Patch\tpatch.wxs\t1025\t\t\t512\t1")
	assert.Contains(t, string(exp), "F_Source\tC_Source\tproduct.wxs\t2051\t")

	// A patch that does not apply fails the command.
	code, _, errOut = msikit(t, "admin", testutil.Corpus(t, "wix3", "PerMachineMsisMsps__prodBv100.msi"), "-o", t.TempDir(), "--patch", testutil.Corpus(t, "wix3", "PerMachineMsisMsps__PatchAv101.msp"))
	assert.Equal(t, 1, code)
	assert.True(t, strings.Contains(errOut, "patch does not apply"), errOut)
}

// extract --recursive opens a patch found inside what it extracts (here
// a ZIP holding it), and extract opens a patch given as the input.
func TestRecursivePatch(t *testing.T) {
	src, err := os.ReadFile(testutil.Corpus(t, "wix3", "GDR1__gdr1.msp"))
	require.NoError(t, err)
	work := t.TempDir()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, err := zw.Create("gdr1.msp")
	require.NoError(t, err)
	w.Write(src)
	require.NoError(t, zw.Close())
	zipPath := filepath.Join(work, "hotfix.zip")
	require.NoError(t, os.WriteFile(zipPath, buf.Bytes(), 0o644))
	dir := t.TempDir()
	code, _, errOut := msikit(t, "extract", "-q", "-r", zipPath, "-o", dir)
	require.Equal(t, 0, code, errOut)
	assert.Equal(t, "0d85dd364dc05f3366d7fd25fd0c0ae8", md5File(t, filepath.Join(dir, "gdr1.msp.extracted", "rtm.2", "F_Source")))

	msp := filepath.Join(work, "gdr1.msp")
	require.NoError(t, os.WriteFile(msp, src, 0o644))
	dir = t.TempDir()
	code, _, errOut = msikit(t, "extract", "-q", msp, "-o", dir)
	require.Equal(t, 0, code, errOut)
	assert.Equal(t, "0d85dd364dc05f3366d7fd25fd0c0ae8", md5File(t, filepath.Join(dir, "rtm.2", "F_Source")))
}
