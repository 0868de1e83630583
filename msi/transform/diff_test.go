package transform_test

import (
	"bytes"
	"testing"

	"github.com/msikit/msikit/msi"
	"github.com/msikit/msikit/msi/transform"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// summaryPackage saves a database whose summary holds author in code page
// cp and reads it back, so that the summary is parsed from its bytes.
func summaryPackage(t *testing.T, cp int, author string) *msi.Package {
	t.Helper()
	db := msi.NewDatabase(cp)
	require.NoError(t, db.SetProperty("ProductCode", "{8F1C3C3A-7C59-4E39-9D6A-0B1F5E2C4D11}"))
	db.Summary = &msi.SummaryInfo{Codepage: cp, Title: "Installation Database", Author: author, Template: "Intel;1033"}
	var buf bytes.Buffer
	require.NoError(t, db.Save(&buf))
	return openBytes(t, buf.Bytes())
}

// TestDiffSummaryDecodesStrings: Diff gives summary strings as text,
// decoded from each summary's code page as SummaryInfo's fields (and
// msikit info) hold them, not as the code page's bytes the IDT export
// keeps.
func TestDiffSummaryDecodesStrings(t *testing.T) {
	for _, c := range []struct {
		cp       int
		old, new string
		oldBytes string
	}{
		{1252, "InstallShield®", "Acme Café", "InstallShield\xae"},
		{1251, "Фирма", "Компания", "\xd4\xe8\xf0\xec\xe0"},
	} {
		a, b := summaryPackage(t, c.cp, c.old), summaryPackage(t, c.cp, c.new)
		sa, err := a.SummaryInfo()
		require.NoError(t, err)
		assert.Equal(t, c.old, sa.Author, "info's text")
		var idt bytes.Buffer
		require.NoError(t, a.WriteIDT(&idt, msi.SummaryInformationTable))
		assert.Contains(t, idt.String(), "\r\n4\t"+c.oldBytes+"\r\n", "the IDT export keeps the stored bytes")
		da, err := a.Database()
		require.NoError(t, err)
		db, err := b.Database()
		require.NoError(t, err)
		d, err := transform.Diff(da, db)
		require.NoError(t, err)
		assert.Equal(t, []transform.SummaryChange{{PID: msi.PIDAuthor, Old: c.old, New: c.new}}, d.Summary, "code page %d", c.cp)
	}
}
