package cfb

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode"

	"github.com/msikit/msikit/internal/testutil"
	"github.com/richardlehane/mscfb"
)

// rewrite reads every storage and stream of a compound file with mscfb and
// writes the same tree with the Builder.
func rewrite(t *testing.T, orig []byte) (*Builder, bool) {
	t.Helper()
	r, err := mscfb.New(bytes.NewReader(orig))
	if err != nil {
		t.Logf("mscfb cannot read the original (%v)", err)
		return nil, false
	}
	b := New()
	id, err := ParseCLSID(r.File[0].ID())
	must(t, err)
	b.Root().SetCLSID(id)
	// mscfb's paths hold storage names without their leading control
	// character, so storages are found again by that form.
	storages := map[string]*Storage{"": b.Root()}
	for i, f := range r.File {
		if i == 0 || f.Name == "" && f.Initial == 0 {
			continue
		}
		name := f.Name
		if f.Initial != 0 && !unicode.IsPrint(rune(f.Initial)) {
			name = string(rune(f.Initial)) + name
		}
		parent := storages[strings.Join(f.Path, "/")]
		if parent == nil {
			t.Fatalf("%q: parent storage %q not seen first", name, f.Path)
		}
		if f.FileInfo().IsDir() {
			s, err := parent.AddStorage(name)
			must(t, err)
			id, err := ParseCLSID(f.ID())
			must(t, err)
			s.SetCLSID(id)
			storages[strings.Join(append(append([]string(nil), f.Path...), f.Name), "/")] = s
			continue
		}
		data, err := io.ReadAll(f)
		if err != nil {
			t.Logf("mscfb cannot read stream %q (%v)", name, err)
			return nil, false
		}
		must(t, parent.AddStream(name, data))
	}
	return b, true
}

// TestCorpusRoundTrip rewrites every package of the shared corpus and
// checks that mscfb reads the same tree back: names, storages, CLSIDs and
// every stream's bytes.
func TestCorpusRoundTrip(t *testing.T) {
	for _, path := range testutil.CorpusFiles(t, testutil.PackageExts...) {
		rel, _ := filepath.Rel(testutil.Corpus(t), path)
		t.Run(rel, func(t *testing.T) {
			orig, err := os.ReadFile(path)
			must(t, err)
			b, ok := rewrite(t, orig)
			if !ok {
				t.Skip("original unreadable: nothing to compare")
			}
			file := build(t, b)
			before, clsid := readBack(t, orig)
			after, clsid2 := readBack(t, file)
			if clsid != clsid2 {
				t.Errorf("root CLSID %s, was %s", clsid2, clsid)
			}
			sameTree(t, after, before)
			if len(after) == 0 {
				t.Error("no entries")
			}
		})
	}
}

// TestCorpusMsiinfo checks that msiinfo sees the same database in a
// rewritten package as in the original: the table list, every table's
// export (and the stream files export writes for binary columns), the
// stream list and the summary information.
func TestCorpusMsiinfo(t *testing.T) {
	testutil.Tool(t, "msiinfo")
	files := []string{
		testutil.Corpus(t, "wix3", "SimpleBinary__expected.msi"),
		testutil.Corpus(t, "lessmsi", "SQL2008_AS.msp"),
	}
	if !testing.Short() {
		files = testutil.CorpusFiles(t, testutil.PackageExts...)
	}
	tested := 0
	for _, path := range files {
		rel, _ := filepath.Rel(testutil.Corpus(t), path)
		t.Run(rel, func(t *testing.T) {
			orig, err := os.ReadFile(path)
			must(t, err)
			b, ok := rewrite(t, orig)
			if !ok {
				t.Skip("original unreadable: nothing to compare")
			}
			dir := t.TempDir()
			origDir, newDir := filepath.Join(dir, "orig"), filepath.Join(dir, "new")
			must(t, os.Mkdir(origDir, 0o755))
			must(t, os.Mkdir(newDir, 0o755))
			origPath, newPath := filepath.Join(dir, "orig.msi"), filepath.Join(dir, "new.msi")
			must(t, os.WriteFile(origPath, orig, 0o644))
			must(t, os.WriteFile(newPath, build(t, b), 0o644))

			tables, ok := tryRun(origDir, "msiinfo", "tables", origPath)
			if !ok {
				t.Skip("msiinfo cannot read the original")
			}
			if got := run(t, newDir, "msiinfo", "tables", newPath); !bytes.Equal(got, tables) {
				t.Fatalf("msiinfo tables:\n%s\nwas\n%s", got, tables)
			}
			for _, args := range [][]string{{"streams"}, {"suminfo"}} {
				want, _ := tryRun(origDir, "msiinfo", append(args, origPath)...)
				got, _ := tryRun(newDir, "msiinfo", append(args, newPath)...)
				if !bytes.Equal(got, want) {
					t.Errorf("msiinfo %s:\n%s\nwas\n%s", args[0], got, want)
				}
			}
			n := 0
			for _, table := range strings.Fields(string(tables)) {
				want, ok1 := tryRun(origDir, "msiinfo", "export", origPath, table)
				got, ok2 := tryRun(newDir, "msiinfo", "export", newPath, table)
				if ok1 != ok2 || !bytes.Equal(got, want) {
					t.Errorf("msiinfo export %s differs (ok %v/%v):\n%s\nwas\n%s", table, ok2, ok1, got, want)
				}
				n++
			}
			if n == 0 {
				t.Error("msiinfo lists no tables")
			}
			// Binary columns' streams, which export writes as files.
			if a, b := dirDigest(t, origDir), dirDigest(t, newDir); a != b {
				t.Errorf("exported stream files differ:\n%s\nwas\n%s", b, a)
			}
			tested++
		})
	}
	if tested == 0 {
		t.Error("no package compared")
	}
}

func tryRun(dir, name string, args ...string) ([]byte, bool) {
	cmd := testCommand(dir, name, args...)
	out, err := cmd.Output()
	return out, err == nil
}

// dirDigest lists a directory tree's files with their MD5s.
func dirDigest(t *testing.T, dir string) string {
	var b strings.Builder
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		b.WriteString(rel + " " + md5hex(data) + "\n")
		return nil
	})
	must(t, err)
	return b.String()
}
