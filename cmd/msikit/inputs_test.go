package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/msikit/msikit/internal/testutil"
	"github.com/msikit/msikit/msi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// setStdin makes the next run read data as its standard input: through a
// pipe (spooled by msikit to a temporary file), or as a regular file.
func setStdin(t *testing.T, data []byte, pipe bool) {
	t.Helper()
	old := os.Stdin
	t.Cleanup(func() { os.Stdin = old })
	if !pipe {
		p := filepath.Join(t.TempDir(), "stdin")
		require.NoError(t, os.WriteFile(p, data, 0o644))
		f, err := os.Open(p)
		require.NoError(t, err)
		t.Cleanup(func() { f.Close() })
		os.Stdin = f
		return
	}
	r, w, err := os.Pipe()
	require.NoError(t, err)
	t.Cleanup(func() { r.Close() })
	go func() {
		w.Write(data)
		w.Close()
	}()
	os.Stdin = r
}

// TestStdinDash: "-" reads the package or cabinet from standard input,
// piped or redirected, with the same result as the file (issue 15).
func TestStdinDash(t *testing.T) {
	pkg, err := os.ReadFile(hello)
	require.NoError(t, err)
	cabFile := filepath.Join(t.TempDir(), "hello.cab")
	code, _, errOut := msikit(t, "streams", hello, "--extract", "hello.cab", "-o", cabFile)
	require.Equal(t, 0, code, errOut)
	cabBytes, err := os.ReadFile(cabFile)
	require.NoError(t, err)

	for _, pipe := range []bool{true, false} {
		for _, c := range []struct {
			args []string
			data []byte
			file string
		}{
			{[]string{"tables", "-"}, pkg, hello},
			{[]string{"files", "-"}, pkg, hello},
			{[]string{"files", "--json", "-"}, pkg, hello},
			{[]string{"media", "-"}, pkg, hello},
			{[]string{"export", "-", "File"}, pkg, hello},
			{[]string{"cab", "list", "-"}, cabBytes, cabFile},
			{[]string{"cab", "test", "--md5", "-"}, cabBytes, cabFile},
		} {
			code, want, errOut := msikit(t, replaceArg(c.args, "-", c.file)...)
			require.Equal(t, 0, code, errOut)
			setStdin(t, c.data, pipe)
			code, got, errOut := msikit(t, c.args...)
			require.Equal(t, 0, code, "%v (pipe %v): %s", c.args, pipe, errOut)
			if c.args[0] == "cab" {
				want = strings.ReplaceAll(want, cabFile, "-")
			}
			assert.Equal(t, want, got, "%v (pipe %v)", c.args, pipe)
			assert.NotEmpty(t, got)
		}

		setStdin(t, pkg, pipe)
		code, out, errOut := msikit(t, "info", "-")
		require.Equal(t, 0, code, errOut)
		assert.Contains(t, out, "File:             - (11264 bytes)\n")
		assert.Contains(t, out, "Subject:          Hello fixture\n")

		want := t.TempDir()
		code, _, errOut = msikit(t, "extract", "-q", hello, "-o", want)
		require.Equal(t, 0, code, errOut)
		got := t.TempDir()
		setStdin(t, pkg, pipe)
		code, _, errOut = msikit(t, "extract", "-q", "-", "-o", got)
		require.Equal(t, 0, code, errOut)
		assert.Equal(t, tree(t, want), tree(t, got))
		assert.Len(t, tree(t, got), 3)

		want = t.TempDir()
		code, _, errOut = msikit(t, "cab", "extract", "-q", cabFile, "-o", want)
		require.Equal(t, 0, code, errOut)
		got = t.TempDir()
		setStdin(t, cabBytes, pipe)
		code, _, errOut = msikit(t, "cab", "extract", "-q", "-", "-o", got)
		require.Equal(t, 0, code, errOut)
		assert.Equal(t, tree(t, want), tree(t, got))
		assert.Len(t, tree(t, got), 3)
	}

	// Nothing on standard input: a damaged package, named "-".
	setStdin(t, nil, true)
	code, _, errOut = msikit(t, "info", "-")
	assert.Equal(t, 1, code)
	assert.Equal(t, "msikit info: -: invalid or damaged package: file too small (0 bytes) to be a compound file\n", errOut)

	// A manifest on standard input, the package from a file.
	m, err := os.ReadFile(filepath.Join("..", "..", "manifest", "testdata", "small.yaml"))
	if err == nil {
		setStdin(t, m, true)
		code, out, _ := msikit(t, "manifest", "check", "-")
		assert.Equal(t, 0, code)
		assert.Contains(t, out, "-: ok: manifest ")
	}
}

func replaceArg(args []string, old, new string) []string {
	out := append([]string(nil), args...)
	for i, a := range out {
		if a == old {
			out[i] = new
		}
	}
	return out
}

// damagedHello writes hello.msi with its string pool's lengths
// overwritten: the compound file is whole, the string pool is not.
func damagedHello(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(hello)
	require.NoError(t, err)
	p, err := msi.Open(hello)
	require.NoError(t, err)
	pool, err := p.ReadStream("!_StringPool")
	p.Close()
	require.NoError(t, err)
	require.Greater(t, len(pool), 64)
	i := bytes.Index(b, pool[:64])
	require.GreaterOrEqual(t, i, 0, "the pool's first sector is in the file as it is")
	for k := i + 4; k < i+64; k++ {
		b[k] = 0xFF // every string 65535 bytes long
	}
	bad := filepath.Join(t.TempDir(), "pool.msi")
	require.NoError(t, os.WriteFile(bad, b, 0o644))
	return bad
}

// TestVerifyDamagedPackage: verify says a damaged package is damaged,
// naming it and why, exit 1, never "no variant matches: ... 0 facts"
// (issue 12, item 10); as a source, and inside a folder.
func TestVerifyDamagedPackage(t *testing.T) {
	bad := damagedHello(t)
	code, out, errOut := msikit(t, "verify", bad, "--manifest", "kb977203")
	assert.Equal(t, 1, code)
	assert.Empty(t, out)
	assert.Equal(t, "msikit verify: "+bad+": damaged package: pool.msi: string pool: invalid or damaged package: string 1 (65535 bytes) runs past the end of the string data (1729 bytes)\n", errOut)
	for _, cmd := range []string{"files", "media", "info"} {
		code, out, errOut := msikit(t, cmd, bad)
		assert.Equal(t, 1, code, cmd)
		assert.Empty(t, out, cmd)
		assert.Contains(t, errOut, "pool.msi: string pool: invalid or damaged package", cmd)
	}

	// In a folder, the variant cannot be detected without its files:
	// the error says which package could not be read.
	dir := t.TempDir()
	b, err := os.ReadFile(bad)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "pool.msi"), b, 0o644))
	code, _, errOut = msikit(t, "verify", dir, "--manifest", "kb977203")
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, "cannot choose the variant for "+dir)
	assert.Contains(t, errOut, "1 of its packages and cabinets could not be read: pool.msi: damaged package: pool.msi: string pool: invalid or damaged package")

	if mime := filepath.Join(testutil.ModuleRoot(t), "..", "shared", "corpus", "mimetype", "msi.msi"); fileExists(mime) {
		code, out, errOut := msikit(t, "verify", mime, "--manifest", "kb977203", "--format", "json")
		assert.Equal(t, 1, code)
		assert.Empty(t, out)
		assert.Equal(t, "msikit verify: "+mime+": damaged package: msi.msi: stream !_StringPool: invalid or damaged package: the stream's sectors run past the end of the file after 0 of 376 bytes (the package is truncated)\n", errOut)
	} else {
		testutil.Skip(t, "shared corpus not found: mimetype/msi.msi")
	}
}

// TestExitCodesEveryCommand: one rule for every command (issue 15). A
// missing or unreadable input is bad input, 1; 2 is for usage and for an
// environment that stops the command (an output directory that cannot be
// made). Every command of the tree must have its cases here.
func TestExitCodesEveryCommand(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "absent.msi")
	out := func(name string) string { return filepath.Join(dir, name) }
	blocked := filepath.Join(hello, "sub") // under a file: cannot be made
	none := [][]string(nil)

	cases := map[string]struct {
		missing [][]string // each exits 1, naming absent.msi
		usage   [][]string // each exits 2
		env     [][]string // each exits 2
	}{
		"admin":              {[][]string{{missing, "-o", out("a")}, {hello, "-o", out("a2"), "--patch", missing}}, [][]string{{hello}}, [][]string{{hello, "-o", blocked}}},
		"build":              {[][]string{{missing, "-o", out("b.msi")}}, [][]string{{missing}, {"-", "-o", out("b.msi")}}, none},
		"cab create":         {[][]string{{"-o", out("c.cab"), missing}}, [][]string{{"-o", out("c.cab")}}, none},
		"cab extract":        {[][]string{{missing, "-o", out("ce")}}, [][]string{{}}, none},
		"cab list":           {[][]string{{missing}}, [][]string{{}}, none},
		"cab test":           {[][]string{{missing}}, [][]string{{}}, none},
		"completion":         {none, [][]string{{}, {"tcsh"}}, none},
		"delta apply":        {[][]string{{missing, missing, "-o", out("d")}, {hello, missing, "--test"}}, [][]string{{hello, hello}, {hello}}, none},
		"delta info":         {[][]string{{missing}}, [][]string{{}, {hello, hello}}, none},
		"diff":               {[][]string{{missing, hello}, {hello, missing}}, [][]string{{hello}}, none},
		"export":             {[][]string{{missing, "File"}, {missing, "--all", "-o", out("e")}}, [][]string{{hello}, {hello, "--all"}}, [][]string{{hello, "--all", "-o", blocked}}},
		"extract":            {[][]string{{missing, "-o", out("x")}}, [][]string{{}, {hello, "--layout", "sideways"}}, [][]string{{hello, "-o", blocked}}},
		"files":              {[][]string{{missing}}, [][]string{{}}, none},
		"help":               {none, [][]string{{"frobnicate"}, {"info", "more"}}, none},
		"info":               {[][]string{{missing}}, [][]string{{}}, none},
		"list":               {[][]string{{missing}}, [][]string{{}}, none},
		"man":                {none, [][]string{{"extra"}}, none},
		"manifest check":     {[][]string{{missing}}, [][]string{{}}, none},
		"manifest generate":  {[][]string{{missing}}, [][]string{{}}, none},
		"manifest import-kb": {[][]string{{missing}}, [][]string{{}}, none},
		"manifest schema":    {none, [][]string{{"extra"}}, none},
		"manifest show":      {[][]string{{missing}}, [][]string{{}}, none},
		"media":              {[][]string{{missing}}, [][]string{{}}, none},
		"patch check":        {[][]string{{missing, hello}}, [][]string{{missing}}, none},
		"patch create":       {[][]string{{missing, hello, "-o", out("p.msp")}}, [][]string{{hello, hello}}, none},
		"patch extract":      {[][]string{{missing, "-o", out("pe")}}, [][]string{{}}, none},
		"patch files":        {[][]string{{missing}}, [][]string{{}}, none},
		"patch info":         {[][]string{{missing}}, [][]string{{}}, none},
		"pe":                 {[][]string{{missing}}, [][]string{{}}, none},
		"signature":          {[][]string{{missing}, {hello, "--roots", missing}}, [][]string{{}}, none},
		"streams":            {[][]string{{missing}}, [][]string{{}, {hello, "--extract", "hello.cab"}, {hello, hello, "--extract", "hello.cab", "-o", out("s")}}, none},
		"tables":             {[][]string{{missing}}, [][]string{{}}, none},
		"transform apply":    {[][]string{{missing, hello, "-o", out("t.msi")}, {hello, missing, "-o", out("t.msi")}}, [][]string{{hello, hello}}, none},
		"transform create":   {[][]string{{missing, hello, "-o", out("t.mst")}}, [][]string{{hello, hello}}, none},
		"transform info":     {[][]string{{missing}}, [][]string{{}}, none},
		"verify":             {[][]string{{missing, "-m", "kb977203"}, {hello, "-m", missing}}, [][]string{{hello}, {hello, "-m", "kb977203", "--format", "xml"}}, none},
		"version":            {none, [][]string{{"extra"}}, none},
	}
	for _, n := range commandTree() {
		if n.kids != nil {
			continue
		}
		c, ok := cases[n.path]
		if !assert.True(t, ok, "no exit code cases for %q", n.path) {
			continue
		}
		delete(cases, n.path)
		cmd := strings.Fields(n.path)
		for _, args := range c.missing {
			code, stdout, errOut := msikit(t, append(cmd, args...)...)
			assert.Equal(t, 1, code, "%s %v: %s", n.path, args, errOut)
			assert.Contains(t, errOut, "absent.msi", "%s %v", n.path, args)
			assert.Contains(t, errOut, "no such file or directory", "%s %v", n.path, args)
			assert.Empty(t, stdout, "%s %v", n.path, args)
		}
		for _, args := range append(c.usage, []string{"--no-such-flag"}) {
			code, _, errOut := msikit(t, append(cmd, args...)...)
			assert.Equal(t, 2, code, "%s %v: %s", n.path, args, errOut)
			assert.Contains(t, errOut, "(see 'msikit ", "%s %v", n.path, args)
		}
		for _, args := range c.env {
			code, _, errOut := msikit(t, append(cmd, args...)...)
			assert.Equal(t, 2, code, "%s %v: %s", n.path, args, errOut)
			assert.Contains(t, errOut, "not a directory", "%s %v", n.path, args)
		}
	}
	assert.Empty(t, cases, "cases for commands that do not exist")
}
