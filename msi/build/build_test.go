package build_test

import (
	"bytes"
	"crypto/md5"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/msikit/msikit/internal/pever"
	"github.com/msikit/msikit/internal/testutil"
	"github.com/msikit/msikit/msi"
	"github.com/msikit/msikit/msi/build"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const spec = `product:
  name: msikit Hello
  version: 1.2.3
  manufacturer: msikit tests
  upgrade_code: "{0D5C6B83-4F69-4A5E-8C3B-2E8F40E2A6B2}"
  platform: x64
files:
  - source: readme.txt
    path: msikit Hello/readme.txt
    modified: 2010-01-25T06:27:00Z
  - source: tool.exe
    path: msikit Hello/bin/tool.exe
    short: TOOL.EXE
  - source: notes for you.txt
    path: msikit Hello/Documentation/notes for you.txt
directories:
  msikit Hello/Documentation: DOCS
`

// project writes the spec and its files into a directory.
func project(t *testing.T) (dir string, files map[string][]byte) {
	dir = t.TempDir()
	exe, err := pever.Build(pever.Options{Machine: pever.MachineAMD64, FileVersion: pever.Version{Major: 4, Build: 6487, Revision: 2111}, Size: 4096})
	require.NoError(t, err)
	files = map[string][]byte{
		"readme.txt":        []byte("Hello.\r\n"),
		"tool.exe":          exe,
		"notes for you.txt": bytes.Repeat([]byte("notes "), 5000),
	}
	for n, b := range files {
		require.NoError(t, os.WriteFile(filepath.Join(dir, n), b, 0o644))
	}
	require.NoError(t, os.WriteFile(filepath.Join(dir, "spec.yaml"), []byte(spec), 0o644))
	return dir, files
}

func TestBuild(t *testing.T) {
	dir, files := project(t)
	out := filepath.Join(dir, "out.msi")
	require.NoError(t, build.WriteFile(filepath.Join(dir, "spec.yaml"), out))
	again := filepath.Join(dir, "again.msi")
	require.NoError(t, build.WriteFile(filepath.Join(dir, "spec.yaml"), again))
	a, _ := os.ReadFile(out)
	b, _ := os.ReadFile(again)
	require.Equal(t, a, b, "the same spec gives the same bytes")

	p, err := msi.Open(out)
	require.NoError(t, err)
	defer p.Close()
	s, err := p.SummaryInfo()
	require.NoError(t, err)
	assert.Equal(t, "x64;1033", s.Template)
	assert.True(t, s.WordCountFlags().Compressed)

	list, err := msi.FileList(p, msi.FileOptions{})
	require.NoError(t, err)
	byPath := map[string]*msi.File{}
	for _, f := range list {
		byPath[f.Path] = f
	}
	tool := byPath["PFiles/msikit Hello/bin/tool.exe"]
	require.NotNil(t, tool)
	assert.Equal(t, "4.0.6487.2111", tool.Version)
	assert.Equal(t, "1033", tool.Language)
	assert.Equal(t, "TOOL.EXE", tool.ShortName)
	assert.Nil(t, tool.Hash, "versioned files have no MsiFileHash")
	notes := byPath["PFiles/msikit Hello/Documentation/notes for you.txt"]
	require.NotNil(t, notes)
	sum := md5.Sum(files["notes for you.txt"])
	require.NotNil(t, notes.Hash)
	assert.Equal(t, hex.EncodeToString(sum[:]), hex.EncodeToString(notes.Hash[:]))
	assert.Equal(t, "NOTESF~1.TXT", notes.ShortName)

	shortList, err := msi.FileList(p, msi.FileOptions{Layout: msi.LayoutAdmin, ShortNames: true})
	require.NoError(t, err)
	inDocs := 0
	for _, f := range shortList {
		if f.Directory == "DOCUMENTATION" {
			assert.Equal(t, "PFiles/MSIKIT~1/DOCS/"+f.ShortName, f.Path)
			inDocs++
		}
	}
	assert.NotZero(t, inDocs, "files in DOCUMENTATION")

	got := map[string][]byte{}
	_, err = p.ReadFiles(list, msi.ReadOptions{}, func(c msi.FileContent) error {
		var buf bytes.Buffer
		_, err := buf.ReadFrom(c.Reader)
		got[filepath.Base(c.File.Path)] = buf.Bytes()
		if c.File.Key == "readme.txt" {
			assert.Equal(t, 2010, c.Modified.Year())
		}
		return err
	})
	require.NoError(t, err)
	assert.Equal(t, files, got)

	comps, err := p.Table("Component")
	require.NoError(t, err)
	for _, r := range comps.Rows {
		attrs := r.Int("Attributes")
		assert.Equal(t, int32(256), attrs, "64-bit components")
	}
}

// TestBuildAgainstPeers: msiinfo reads the package with our tables and
// exports, and msiextract extracts the same bytes.
func TestBuildAgainstPeers(t *testing.T) {
	testutil.Tool(t, "msiinfo")
	testutil.Tool(t, "msiextract")
	dir, files := project(t)
	out := filepath.Join(dir, "out.msi")
	require.NoError(t, build.WriteFile(filepath.Join(dir, "spec.yaml"), out))
	p, err := msi.Open(out)
	require.NoError(t, err)
	defer p.Close()
	theirs, err := exec.Command("msiinfo", "tables", out).Output()
	require.NoError(t, err)
	ours, err := p.Tables()
	require.NoError(t, err)
	ours = append(ours, msi.SummaryInformationTable, msi.ForceCodepageTable)
	sort.Strings(ours)
	lines := strings.Fields(string(theirs))
	sort.Strings(lines)
	assert.Equal(t, ours, lines)
	for _, tn := range ours {
		cmd := exec.Command("msiinfo", "export", out, tn)
		cmd.Dir = t.TempDir()
		want, err := cmd.Output()
		require.NoError(t, err, tn)
		if tn == msi.ForceCodepageTable {
			want = bytes.TrimSuffix(want, []byte{0})
		}
		var got bytes.Buffer
		require.NoError(t, p.WriteIDT(&got, tn))
		assert.Equal(t, string(want), got.String(), tn)
	}
	x := t.TempDir()
	require.NoError(t, exec.Command("msiextract", "-C", x, out).Run())
	got := map[string][]byte{}
	filepath.WalkDir(x, func(p string, d os.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			got[d.Name()], _ = os.ReadFile(p)
		}
		return nil
	})
	assert.Equal(t, files, got)
}

func TestSpecErrors(t *testing.T) {
	for _, c := range []struct{ spec, want string }{
		{"product:\n  name: x\n  colour: red\n", "line 3: field colour not found"},
		{"product:\n  name: x\n  manufacturer: m\n  version: 1.2.3\n  upgrade_code: nope\n", "upgrade_code \"nope\" is not a GUID"},
		{"product:\n  name: x\n  manufacturer: m\n  version: 1.2.3\n  upgrade_code: \"{0D5C6B83-4F69-4A5E-8C3B-2E8F40E2A6B2}\"\nfiles:\n  - source: a\n    path: ../a\n", "bad component \"..\""},
		{"product:\n  name: x\n  manufacturer: m\n  version: 1.2.3\n  upgrade_code: \"{0D5C6B83-4F69-4A5E-8C3B-2E8F40E2A6B2}\"\n  platform: arm9\nfiles:\n  - source: a\n    path: a\n", "platform \"arm9\""},
	} {
		_, err := build.Parse(strings.NewReader(c.spec))
		require.Error(t, err, c.spec)
		assert.ErrorIs(t, err, build.ErrSpec)
		assert.Contains(t, err.Error(), c.want)
	}
}
