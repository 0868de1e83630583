package main

import (
	"encoding/json"
	"path/filepath"
	"testing"

	"github.com/msikit/msikit/msi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// writeSummaryPackage writes a package whose summary Author is author,
// stored in code page 1252.
func writeSummaryPackage(t *testing.T, path, author string) {
	t.Helper()
	db := msi.NewDatabase(1252)
	require.NoError(t, db.SetProperty("ProductCode", "{8F1C3C3A-7C59-4E39-9D6A-0B1F5E2C4D11}"))
	db.Summary = &msi.SummaryInfo{Codepage: 1252, Title: "Installation Database", Author: author, Template: "Intel;1033"}
	require.NoError(t, db.SaveFile(path))
}

// TestDiffSummaryText: diff shows summary strings decoded from the code
// page, as info shows them, in text and in JSON.
func TestDiffSummaryText(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.msi"), filepath.Join(dir, "b.msi")
	writeSummaryPackage(t, a, "InstallShield®")
	writeSummaryPackage(t, b, "Acme®")

	code, out, errOut := msikit(t, "info", a)
	require.Equal(t, 0, code, errOut)
	assert.Regexp(t, `(?m)^Author:\s+InstallShield®$`, out)

	code, out, errOut = msikit(t, "diff", a, b)
	require.Equal(t, 0, code, errOut)
	assert.Equal(t, "summary Author: InstallShield® -> Acme®\n", out)

	code, out, errOut = msikit(t, "diff", a, b, "--json")
	require.Equal(t, 0, code, errOut)
	var d diffJSON
	require.NoError(t, json.Unmarshal([]byte(out), &d))
	assert.Equal(t, []summaryDiffJSON{{PID: msi.PIDAuthor, Name: "Author", Old: "InstallShield®", New: "Acme®"}}, d.Summary)
}
