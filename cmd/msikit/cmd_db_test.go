package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/msikit/msikit/msi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const hello = "../../fixtures/hello.msi"

// msikit runs the CLI in-process and returns its exit code and output.
func msikit(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(args, &out, &errb)
	return code, out.String(), errb.String()
}

func TestTables(t *testing.T) {
	code, out, _ := msikit(t, "tables", hello)
	require.Equal(t, 0, code)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	assert.Equal(t, []string{"_SummaryInformation", "_ForceCodepage"}, lines[:2])
	assert.Contains(t, lines, "File")
	assert.Contains(t, lines, "MsiFileHash")
	assert.Len(t, lines, 30)

	code, out, _ = msikit(t, "tables", "--json", hello)
	require.Equal(t, 0, code)
	var tables []tableJSON
	require.NoError(t, json.Unmarshal([]byte(out), &tables))
	var file *tableJSON
	for i := range tables {
		if tables[i].Name == "File" {
			file = &tables[i]
		}
	}
	require.NotNil(t, file)
	assert.Equal(t, 3, file.Rows)
	assert.Equal(t, columnJSON{Name: "File", Type: "s72", Key: true}, file.Columns[0])
}

func TestExport(t *testing.T) {
	code, out, _ := msikit(t, "export", hello, "Media")
	require.Equal(t, 0, code)
	assert.Equal(t, "DiskId\tLastSequence\tDiskPrompt\tCabinet\tVolumeLabel\tSource\r\n"+
		"i2\ti4\tL64\tS255\tS32\tS72\r\nMedia\tDiskId\r\n1\t3\t\t#hello.cab\t\t\r\n", out)

	dir := t.TempDir()
	code, _, errOut := msikit(t, "export", hello, "--all", "-o", dir)
	require.Equal(t, 0, code, errOut)
	idt, err := os.ReadFile(filepath.Join(dir, "File.idt"))
	require.NoError(t, err)
	assert.Contains(t, string(idt), "\r\nreadme.txt\tMain\treadme.txt\t20\t")
	logo, err := os.ReadFile(filepath.Join(dir, "Binary", "Logo.ibd"))
	require.NoError(t, err)
	assert.Equal(t, "LOGO", string(logo[:4]))
	assert.Len(t, logo, 516)
	cp, err := os.ReadFile(filepath.Join(dir, "_ForceCodepage.idt"))
	require.NoError(t, err)
	assert.Equal(t, "\r\n\r\n0\t_ForceCodepage\r\n", string(cp))

	code, _, errOut = msikit(t, "export", hello, "NoSuchTable")
	assert.Equal(t, 1, code)
	assert.Equal(t, "msikit export: hello.msi: table NoSuchTable: not found\n", errOut)
	code, _, errOut = msikit(t, "export", hello, "--all")
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, "--all needs -o DIR")
}

func TestStreams(t *testing.T) {
	code, out, _ := msikit(t, "streams", hello)
	require.Equal(t, 0, code)
	assert.Equal(t, `\x05SummaryInformation`+"\nBinary.Logo\nhello.cab\n", out, "the printable form of names")

	code, out, _ = msikit(t, "streams", "--all", hello)
	require.Equal(t, 0, code)
	assert.Contains(t, out, "!File\n")
	assert.Contains(t, out, "!_StringPool\n")
	for _, c := range out {
		assert.False(t, c < 0x20 && c != '\n' || c == 0x7f, "a raw control character %q in %q", c, out)
	}
	// Every name as listed is taken back, and so are the decoded name
	// and the name less its control character.
	p, err := msi.Open(hello)
	require.NoError(t, err)
	defer p.Close()
	for _, name := range append(strings.Fields(out), "\x05SummaryInformation", "SummaryInformation") {
		if strings.HasSuffix(name, "/") {
			continue
		}
		code, got, errOut := msikit(t, "streams", hello, "--extract", name, "-o", "-")
		require.Equal(t, 0, code, "%s: %s", name, errOut)
		raw := name // ReadStream takes the printable form too
		if raw == "SummaryInformation" {
			raw = "\x05SummaryInformation"
		}
		want, err := p.ReadStream(raw)
		require.NoError(t, err, name)
		assert.Equal(t, string(want), got, name)
	}
	code, _, errOut := msikit(t, "streams", hello, "--extract", `\x5`, "-o", "-")
	assert.Equal(t, 2, code, "a bad escape is a usage error: %s", errOut)

	file := filepath.Join(t.TempDir(), "logo.bin")
	code, _, errOut = msikit(t, "streams", hello, "--extract", "Binary.Logo", "-o", file)
	require.Equal(t, 0, code, errOut)
	b, err := os.ReadFile(file)
	require.NoError(t, err)
	want, err := os.ReadFile("../../fixtures/src/logo.bin")
	require.NoError(t, err)
	assert.Equal(t, want, b)

	code, out, _ = msikit(t, "streams", "--json", hello)
	require.Equal(t, 0, code)
	var list []streamJSON
	require.NoError(t, json.Unmarshal([]byte(out), &list))
	require.Len(t, list, 3)
	assert.Equal(t, streamJSON{Name: "Binary.Logo", Path: "Binary.Logo", Size: 516}, list[1])
}

func TestInfo(t *testing.T) {
	code, out, _ := msikit(t, "info", "--json", hello)
	require.Equal(t, 0, code)
	var rep infoReport
	require.NoError(t, json.Unmarshal([]byte(out), &rep))
	assert.Equal(t, "database", rep.Kind)
	assert.Equal(t, 3, rep.Files)
	assert.Equal(t, 3, rep.Streams)
	assert.False(t, rep.Signature)
	require.Len(t, rep.Media, 1)
	assert.Equal(t, "#hello.cab", rep.Media[0].Cabinet)
	assert.True(t, rep.Media[0].Embedded)
	require.NotNil(t, rep.Summary)
	assert.Equal(t, []string{"Intel"}, rep.Summary.Platforms)
	assert.Equal(t, []int{1033}, rep.Summary.Languages)
	assert.True(t, rep.Summary.WordCountFlags.Compressed)

	code, out, _ = msikit(t, "info", hello)
	require.Equal(t, 0, code)
	assert.Contains(t, out, "Word count:       2 (long names, compressed)\n")
	assert.Contains(t, out, "Media 1:          last sequence 3, #hello.cab (embedded)\n")
}

func TestExitCodes(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "bad.msi")
	require.NoError(t, os.WriteFile(bad, bytes.Repeat([]byte{0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1}, 100), 0o644))
	cases := []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"tables", bad}, 1, "bad.msi: invalid or damaged package"},
		{[]string{"tables", "/nonexistent/x.msi"}, 1, "/nonexistent/x.msi: no such file or directory"},
		{[]string{"tables"}, 2, "missing argument"},
		{[]string{"export", hello, "File", "b"}, 2, "too many arguments"},
		{[]string{"frobnicate"}, 2, `unknown command "frobnicate"`},
		{[]string{"tables", "--bogus", hello}, 2, "unknown flag: --bogus"},
	}
	for _, c := range cases {
		code, _, errOut := msikit(t, c.args...)
		assert.Equal(t, c.code, code, "%v", c.args)
		assert.Contains(t, errOut, c.msg, "%v", c.args)
		assert.Equal(t, 1, strings.Count(strings.TrimSpace(errOut), "\n")+1, "one line for %v: %q", c.args, errOut)
	}
	for _, cmd := range []string{"info", "tables", "export", "streams"} {
		code, out, _ := msikit(t, cmd, "--help")
		assert.Equal(t, 0, code, cmd)
		assert.Contains(t, out, "Usage: msikit "+cmd, cmd)
		assert.Contains(t, out, "Exit codes:", cmd)
	}
	code, out, _ := msikit(t, "--help")
	assert.Equal(t, 0, code)
	assert.Contains(t, out, "  info ")
	code, _, errOut := msikit(t)
	assert.Equal(t, 2, code, "no command is a usage error")
	assert.Contains(t, errOut, "Usage: msikit COMMAND")
}
