package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/msikit/msikit/internal/testutil"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestOverwriteRule checks the one rule of the README's "Exit codes and
// overwriting" table on every command that writes, and that every command
// is classed: a file named by -o is replaced whole when run again (exit
// 0); a file whose name comes from the input, extracted into -o DIR, is
// kept unless --overwrite (exit 2, naming it), and replaced with it.
func TestOverwriteRule(t *testing.T) {
	dir := t.TempDir()
	v1 := buildVersion(t, filepath.Join(dir, "v1"), "v1.msi", map[string]string{"Demo/readme.txt": "one", "Demo/doc/guide.txt": "guide"})
	v2 := buildVersion(t, filepath.Join(dir, "v2"), "v2.msi", map[string]string{"Demo/readme.txt": "second", "Demo/doc/guide.txt": "guide"})
	msp := filepath.Join(dir, "p.msp")
	code, _, errOut := msikit(t, "patch", "create", v1, v2, "-o", msp)
	require.Equal(t, 0, code, errOut)
	mst := filepath.Join(dir, "t.mst")
	code, _, errOut = msikit(t, "transform", "create", v1, v2, "-o", mst)
	require.Equal(t, 0, code, errOut)
	createCab(t, filepath.Join(dir, "c"), [][2]string{{"one.txt", "one"}})
	cab := filepath.Join(dir, "c.cab")
	old, delta := writeDelta(t, dir)
	kb := testutil.Seed(t, "KB977203.md")
	out := func(name string) string { return filepath.Join(dir, "out", name) }
	require.NoError(t, os.MkdirAll(out(""), 0o755))

	// The commands that write a file named by -o.
	files := map[string][]string{
		"build":              {filepath.Join(dir, "v1", "spec.yaml"), "-o", out("b.msi")},
		"cab create":         {"-q", "-o", out("c.cab"), filepath.Join(dir, "c")},
		"streams":            {hello, "--extract", "Binary.Logo", "-o", out("logo.bin")},
		"transform apply":    {v1, mst, "-o", out("applied.msi")},
		"transform create":   {v1, v2, "-o", out("t2.mst")},
		"patch create":       {v1, v2, "-o", out("p2.msp")},
		"manifest generate":  {v1, "-o", out("m.yaml")},
		"manifest import-kb": {kb, "-o", out("kb.yaml")},
		"verify":             {v1, "-m", out("m.yaml"), "-o", out("report.txt")},
		"delta apply":        {old, delta, "-o", out("new.bin")},
	}
	// The commands that extract into -o DIR; the second run finds the
	// first's files.
	dirs := map[string][]string{
		"extract":       {"-q", v1, "-o", out("x")},
		"admin":         {"-q", v1, "-o", out("a")},
		"cab extract":   {"-q", cab, "-o", out("ce")},
		"patch extract": {"-q", msp, "-o", out("pe")},
		"export":        {hello, "--all", "-o", out("e")},
	}
	// The rest write nothing but standard output.
	none := map[string]bool{}
	for _, c := range strings.Split("cab list,cab test,completion,diff,files,help,info,man,manifest check,manifest schema,manifest show,media,patch check,patch files,patch info,pe,signature,tables,transform info,version,delta info,list", ",") {
		none[c] = true
	}
	for _, n := range commandTree() {
		if n.kids != nil {
			continue
		}
		_, isFile := files[n.path]
		_, isDir := dirs[n.path]
		if !isFile && !isDir && !none[n.path] {
			t.Errorf("%q is not classed: add it to the overwrite rule's test (and the README table)", n.path)
		}
	}
	order := []string{"build", "cab create", "streams", "transform apply", "transform create", "patch create", "manifest generate", "manifest import-kb", "verify", "delta apply"}
	require.Len(t, order, len(files))
	for _, path := range order {
		args := append(strings.Fields(path), files[path]...)
		target := args[len(args)-1]
		if path == "cab create" {
			target = out("c.cab")
		}
		for run := 1; run <= 2; run++ {
			code, _, errOut := msikit(t, args...)
			require.Equal(t, 0, code, "%s, run %d: %s", path, run, errOut)
			fi, err := os.Stat(target)
			require.NoError(t, err, "%s, run %d", path, run)
			assert.NotZero(t, fi.Size(), "%s, run %d", path, run)
		}
	}
	for path, rest := range dirs {
		args := append(strings.Fields(path), rest...)
		code, _, errOut := msikit(t, args...)
		require.Equal(t, 0, code, "%s, first run: %s", path, errOut)
		code, _, errOut = msikit(t, args...)
		assert.Equal(t, 2, code, "%s, again: %s", path, errOut)
		assert.Contains(t, errOut, "exists (use --overwrite to replace it)", path)
		code, _, errOut = msikit(t, append(args, "--overwrite")...)
		assert.Equal(t, 0, code, "%s --overwrite: %s", path, errOut)
	}
}
