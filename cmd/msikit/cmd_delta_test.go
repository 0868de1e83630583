package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/msikit/msikit/internal/pa19test"
	"github.com/msikit/msikit/internal/testutil"
	"github.com/msikit/msikit/msi/patch/pa19"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// writeDelta writes an old file and a delta that makes "new bytes" from it
// into dir.
func writeDelta(t *testing.T, dir string) (old, delta string) {
	t.Helper()
	old, delta = filepath.Join(dir, "old.bin"), filepath.Join(dir, "new.pa19")
	require.NoError(t, os.WriteFile(old, []byte("old bytes"), 0o644))
	require.NoError(t, os.WriteFile(delta, pa19test.Build(pa19test.Spec{
		Flags: pa19.OptionLZXA | pa19.OptionNoRebase, Time: 1538467918, New: []byte("new bytes"),
		Olds: []pa19test.Old{{Data: []byte("old bytes"), Retain: []pa19.Retained{{OldOffset: 4, NewOffset: 4, Length: 5}}}},
	}), 0o644))
	return old, delta
}

func TestDeltaCommands(t *testing.T) {
	dir := t.TempDir()
	old, delta := writeDelta(t, dir)

	code, out, errOut := msikit(t, "delta", "info", delta)
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "options:      0x00840001 (USE_LZX_A, NO_REBASE, NO_TIMESTAMP)")
	assert.Contains(t, out, "time:         2018-10-02T08:11:58Z")
	assert.Contains(t, out, "old file 1:   9 bytes")
	assert.Contains(t, out, "retain      4+5 -> new 4")

	code, out, _ = msikit(t, "delta", "info", "--json", delta)
	require.Equal(t, 0, code)
	var j map[string]any
	require.NoError(t, json.Unmarshal([]byte(out), &j))
	assert.Equal(t, float64(9), j["new_size"])
	assert.Equal(t, false, j["header_only"])
	olds := j["old_files"].([]any)
	require.Len(t, olds, 1)
	retain := olds[0].(map[string]any)["retain"].([]any)
	assert.Equal(t, map[string]any{"old_offset": float64(4), "new_offset": float64(4), "length": float64(5)}, retain[0])

	// The retained range comes from the old file: "old b" + "ytes".
	newFile := filepath.Join(dir, "new.bin")
	code, _, errOut = msikit(t, "delta", "apply", old, delta, "-o", newFile)
	require.Equal(t, 0, code, errOut)
	got, err := os.ReadFile(newFile)
	require.NoError(t, err)
	assert.Equal(t, "new bytes", string(got))
	fi, err := os.Stat(newFile)
	require.NoError(t, err)
	assert.Equal(t, int64(1538467918), fi.ModTime().Unix(), "the header's time")

	code, out, _ = msikit(t, "delta", "apply", old, delta, "-o", "-")
	assert.Equal(t, 0, code)
	assert.Equal(t, "new bytes", out)

	code, out, _ = msikit(t, "delta", "apply", "--test", old, delta)
	assert.Equal(t, 0, code)
	assert.Contains(t, out, "applies to")

	// Another old file: exit 1, what was expected named, nothing written.
	other := filepath.Join(dir, "other.bin")
	require.NoError(t, os.WriteFile(other, []byte("olX bytes"), 0o644))
	code, _, errOut = msikit(t, "delta", "apply", other, delta, "-o", filepath.Join(dir, "x"))
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, "other.bin")
	assert.Contains(t, errOut, "the delta wants 9 bytes with CRC32")
	assert.NoFileExists(t, filepath.Join(dir, "x"))
	require.NoError(t, os.WriteFile(other, []byte("short"), 0o644))
	code, _, errOut = msikit(t, "delta", "apply", other, delta, "-o", filepath.Join(dir, "x"))
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, "it is 5 bytes; the delta wants 9 bytes")

	// Unsupported: one line naming the file.
	pe := filepath.Join(dir, "pe.pa19")
	require.NoError(t, os.WriteFile(pe, pa19test.Build(pa19test.Spec{Flags: pa19.OptionNoRebase, New: []byte("n"), Olds: []pa19test.Old{{Data: []byte("o"), Transforms: 2}}}), 0o644))
	code, _, errOut = msikit(t, "delta", "info", pe)
	assert.Equal(t, 1, code)
	assert.Regexp(t, `^msikit delta info: .*pe\.pa19: pa19: unsupported delta: old file 1 has 2 PE transform records .*\n$`, errOut)

	code, _, _ = msikit(t, "delta", "apply", old, delta)
	assert.Equal(t, 2, code)
}

// TestDeltaCorpus applies the corpus's vectors through the command.
func TestDeltaCorpus(t *testing.T) {
	dir := testutil.Corpus(t, "pa19")
	out := filepath.Join(t.TempDir(), "new")
	code, _, errOut := msikit(t, "delta", "apply", filepath.Join(dir, "reactos_in3_compression.old"), filepath.Join(dir, "reactos_in3_compression.pa19"), "-o", out)
	require.Equal(t, 0, code, errOut)
	got, _ := os.ReadFile(out)
	want, _ := os.ReadFile(filepath.Join(dir, "reactos_in3_compression.new"))
	assert.Equal(t, want, got)
	code, _, errOut = msikit(t, "delta", "apply", filepath.Join(dir, "wine_blocktype2.old"), filepath.Join(dir, "wine_blocktype2_truncated.pa19"), "-o", out+"2")
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, "truncated")
	assert.NoFileExists(t, out+"2")
}
