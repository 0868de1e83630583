package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/msikit/msikit/internal/pever"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPE(t *testing.T) {
	dir := t.TempDir()
	b, err := pever.Build(pever.Options{Machine: pever.MachineIA64, DLL: true, FileVersion: pever.Version{Major: 4, Build: 6487, Revision: 2111}, Size: 649576})
	require.NoError(t, err)
	dll := filepath.Join(dir, "ccmgencert.dll")
	require.NoError(t, os.WriteFile(dll, b, 0o644))
	txt := filepath.Join(dir, "readme.txt")
	require.NoError(t, os.WriteFile(txt, []byte("not a PE"), 0o644))

	code, out, _ := msikit(t, "pe", "--json", dll)
	require.Equal(t, 0, code)
	var got []map[string]any
	require.NoError(t, json.Unmarshal([]byte(out), &got))
	require.Len(t, got, 1)
	assert.Equal(t, "ia64", got[0]["platform"], "spelled as manifests spell it")
	assert.Equal(t, "0x200", got[0]["machine"])
	assert.Equal(t, "4.0.6487.2111", got[0]["file_version"])
	assert.Equal(t, true, got[0]["dll"])
	assert.Equal(t, float64(649576), got[0]["size"])

	code, out, errOut := msikit(t, "pe", dll, txt)
	assert.Equal(t, 1, code)
	assert.Contains(t, out, "ia64      0x200    4.0.6487.2111  649576")
	assert.Contains(t, errOut, "readme.txt")
}
