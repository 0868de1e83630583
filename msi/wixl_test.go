package msi_test

import (
	"bytes"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/msikit/msikit/internal/testutil"
	"github.com/msikit/msikit/msi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestWixlBuiltPackage builds fixtures/src/hello.wxs with wixl at test time
// and checks every table against msiinfo and the facts the source states.
func TestWixlBuiltPackage(t *testing.T) {
	testutil.Tool(t, "wixl")
	src, err := filepath.Abs("../fixtures/src")
	require.NoError(t, err)
	out := filepath.Join(t.TempDir(), "hello.msi")
	cmd := exec.Command("wixl", "-o", out, "hello.wxs")
	cmd.Dir = src
	msg, err := cmd.CombinedOutput()
	require.NoError(t, err, "wixl: %s", msg)

	p, err := msi.Open(out)
	require.NoError(t, err)
	defer p.Close()
	props, err := p.Table("Property")
	require.NoError(t, err)
	for key, want := range map[string]string{
		"ProductName": "msikit Hello", "ProductVersion": "1.2.3", "Manufacturer": "msikit tests",
		"ProductCode": "{8E8B0C0A-6F0B-4C2E-9C55-3E1E4B8A7C01}", "GREETING": "tab\tand line\nbreak",
	} {
		r, ok := props.Lookup(key)
		require.True(t, ok, key)
		assert.Equal(t, want, r.String("Value"), key)
	}
	comps, err := p.Table("Component")
	require.NoError(t, err)
	docs, ok := comps.Lookup("Docs")
	require.True(t, ok)
	assert.Equal(t, "{9A3F4C21-6B8E-4D0F-A2C7-51E9B3D4F6A8}", docs.String("ComponentId"))
	assert.Equal(t, "DocDir", docs.String("Directory_"))

	s, err := p.SummaryInfo()
	require.NoError(t, err)
	assert.Equal(t, "Intel;1033", s.Template)
	assert.Equal(t, "msikit test fixture", s.Comments)
	assert.True(t, s.WordCountFlags().Compressed)

	if _, err := exec.LookPath("msiinfo"); err != nil {
		testutil.Skip(t, "msiinfo not installed: skipping the export comparison")
	}
	tables, err := p.Tables()
	require.NoError(t, err)
	for _, table := range append(tables, msi.SummaryInformationTable, msi.ForceCodepageTable) {
		want, err := msiinfo(t, "export", out, table)
		require.NoError(t, err, table)
		var got bytes.Buffer
		require.NoError(t, p.WriteIDT(&got, table))
		if table == msi.ForceCodepageTable {
			want = bytes.TrimSuffix(want, []byte{0})
		}
		assert.Equal(t, string(want), unescapeIDT.Replace(got.String()), table)
	}
}
