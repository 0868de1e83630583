package main

import (
	"encoding/json"
	"github.com/msikit/msikit/internal/testutil"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestTransformInfo(t *testing.T) {
	mst := corpusPath(t, "wix3/AutoGenProductId__expected.mst")
	code, out, errOut := msikit(t, "transform", "info", mst)
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "base: {5B38B259-C979-4E88-84F8-061DCDF85ED6} 1.0.0.0 Intel;1033\n")
	assert.Contains(t, out, "new: {1F9B1809-273F-4036-AB02-26D19171D5AE} 1.0.0.0 Intel;1033\n")
	assert.Contains(t, out, "table Property: 0 inserted, 3 updated, 0 deleted\n"+
		"  ~ Instance: Value=Instance1.mst\n"+
		"  ~ ProductCode: Value={1F9B1809-273F-4036-AB02-26D19171D5AE}\n"+
		"  ~ ProductName: Value=\"Instance 1\"\n")

	msp := corpusPath(t, "wix3/GDR1__gdr1.msp")
	code, out, errOut = msikit(t, "transform", "info", msp, "--storage", "rtm.2", "--json")
	require.Equal(t, 0, code, errOut)
	var info transformInfoJSON
	require.NoError(t, json.Unmarshal([]byte(out), &info))
	assert.Equal(t, []string{"product", "update", "newequal", "upgradecode"}, info.Validation)
	assert.Equal(t, []string{"addexistingrow", "delmissingrow", "addexistingtable", "delmissingtable", "updatemissingrow"}, info.IgnoredErrors)
	require.NotNil(t, info.Summary)
	assert.Equal(t, int32(0x0922001f), info.Summary.CharCount)
	var tables []string
	for _, tb := range info.Tables {
		tables = append(tables, tb.Table)
		if tb.Table == "File" {
			require.Len(t, tb.Updated, 1)
			assert.Equal(t, "2051", *tb.Updated[0].Cells["FileSize"].New)
			require.Len(t, tb.Inserted, 1)
			assert.Equal(t, "patch.wxs", *tb.Inserted[0].Values["FileName"])
			assert.Nil(t, tb.Inserted[0].Values["Version"])
		}
	}
	assert.Equal(t, []string{"Component", "FeatureComponents", "File", "InstallExecuteSequence", "MsiFileHash", "Registry"}, tables)

	// A patch has no transform at its root.
	code, _, errOut = msikit(t, "transform", "info", msp)
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, "name one with --storage")
}

func TestTransformCreateApplyDiff(t *testing.T) {
	old := corpusPath(t, "wix3/PerMachineMsisMsps__prodAv100.msi")
	new := corpusPath(t, "wix3/PerMachineMsisMsps__prodAv101.msi")
	dir := t.TempDir()
	mst := filepath.Join(dir, "t.mst")
	code, _, errOut := msikit(t, "transform", "create", old, new, "-o", mst, "--validate", "product,update,newequal,upgradecode", "--ignore", "all")
	require.Equal(t, 0, code, errOut)
	// What a transform cannot carry is said on standard error.
	assert.Contains(t, errOut, "stream product.cab changed (761 -> 763 bytes): a transform cannot carry it")

	code, out, _ := msikit(t, "transform", "info", mst, "--json")
	require.Equal(t, 0, code)
	var info transformInfoJSON
	require.NoError(t, json.Unmarshal([]byte(out), &info))
	assert.Equal(t, []string{"product", "update", "newequal", "upgradecode"}, info.Validation)
	assert.Equal(t, []string{"addexistingrow", "delmissingrow", "addexistingtable", "delmissingtable", "updatemissingrow", "changecodepage"}, info.IgnoredErrors)
	assert.Equal(t, "1.0.0.0", info.Summary.BaseVersion)
	assert.Equal(t, "1.0.1.0", info.Summary.NewVersion)
	assert.Equal(t, "{77AE8779-8689-4DC9-BB1B-64B500078104}", info.Summary.UpgradeCode)

	patched := filepath.Join(dir, "patched.msi")
	code, _, errOut = msikit(t, "transform", "apply", old, mst, "-o", patched)
	require.Equal(t, 0, code, errOut)

	// No table differs between NEW and the patched OLD: only the cabinet
	// and the package code, which transforms do not carry.
	code, out, errOut = msikit(t, "diff", patched, new, "--json")
	require.Equal(t, 0, code, errOut)
	var d diffJSON
	require.NoError(t, json.Unmarshal([]byte(out), &d))
	assert.Empty(t, d.Tables)
	require.Len(t, d.Streams, 1)
	assert.Equal(t, "product.cab", d.Streams[0].Name)
	require.Len(t, d.Summary, 1)
	assert.Equal(t, "RevisionNumber", d.Summary[0].Name)

	// Before, diff lists the rows; --exit-code makes a difference exit 1.
	code, out, _ = msikit(t, "diff", old, new, "--exit-code")
	assert.Equal(t, 1, code)
	assert.Contains(t, out, "table Property: 0 inserted, 1 updated, 0 deleted\n  ~ ProductVersion: Value: 1.0.0.0 -> 1.0.1.0\n")
	code, out, _ = msikit(t, "diff", old, old, "--exit-code")
	assert.Equal(t, 0, code)
	assert.Equal(t, "no differences\n", out)

	// msiinfo reads the patched package as we wrote it.
	if _, err := exec.LookPath("msiinfo"); err != nil {
		testutil.Skip(t, "msiinfo not installed: skipping the check of the patched package with it")
	}
	cmd := exec.Command("msiinfo", "export", patched, "Property")
	cmd.Dir = dir
	got, err := cmd.Output()
	require.NoError(t, err)
	assert.Contains(t, string(got), "ProductVersion\t1.0.1.0\r\n")
}

func TestTransformApplyConflicts(t *testing.T) {
	base := corpusPath(t, "wix3/RtmProduct__product.msi")
	msp := corpusPath(t, "wix3/GDR1__gdr1.msp")
	dir := t.TempDir()
	once := filepath.Join(dir, "once.msi")
	code, _, errOut := msikit(t, "transform", "apply", base, msp, "--storage", "rtm.2", "-o", once)
	require.Equal(t, 0, code, errOut)
	// Applied again with no condition ignored, the Registry table it adds
	// exists: exit 1, and no output file.
	twice := filepath.Join(dir, "twice.msi")
	code, _, errOut = msikit(t, "transform", "apply", once, msp, "--storage", "rtm.2", "-o", twice, "--ignore", "none")
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, "transform rtm.2, table Registry: transform does not fit the database: adding a table the database has")
	_, err := os.Stat(twice)
	assert.True(t, os.IsNotExist(err))
	// The transform's own conditions let it apply again.
	code, _, errOut = msikit(t, "transform", "apply", once, msp, "--storage", "rtm.2", "-o", twice)
	require.Equal(t, 0, code, errOut)
	code, out, _ := msikit(t, "diff", once, twice)
	assert.Equal(t, 0, code)
	assert.False(t, strings.Contains(out, "table "), out)
}

func TestTransformUsage(t *testing.T) {
	mst := corpusPath(t, "wix3/AutoGenProductId__expected.mst")
	for _, args := range [][]string{
		{"transform", "apply", "a.msi", mst},
		{"transform", "create", "a.msi", "b.msi"},
		{"transform", "create", "a.msi", "b.msi", "-o", "x.mst", "--validate", "bogus"},
		{"transform", "apply", "a.msi", mst, "-o", "x.msi", "--ignore", "sometimes"},
		{"diff", "a.msi"},
	} {
		code, _, errOut := msikit(t, args...)
		assert.Equal(t, 2, code, "%v: %s", args, errOut)
	}
	code, _, errOut := msikit(t, "diff", "/no/such.msi", mst)
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, "/no/such.msi")
	code, out, _ := msikit(t, "transform", "--help")
	assert.Equal(t, 0, code)
	assert.Contains(t, out, "create")
}
