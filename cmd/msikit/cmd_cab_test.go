package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/msikit/msikit/internal/testutil"
)

func corpusPath(t *testing.T, rel string) string {
	t.Helper()
	dir, _ := os.Getwd()
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		if filepath.Dir(dir) == dir {
			t.Skip("module root not found")
		}
		dir = filepath.Dir(dir)
	}
	p := filepath.Join(dir, "..", "shared", "corpus", rel)
	if _, err := os.Stat(p); err != nil {
		testutil.Skip(t, "shared corpus not found: %v", err)
	}
	return p
}

func runCLI(args ...string) (stdout, stderr string, code int) {
	var o, e bytes.Buffer
	code = run(args, &o, &e)
	return o.String(), e.String(), code
}

// tree maps each regular file under dir to its MD5.
func tree(t *testing.T, dir string) map[string]string { return testutil.TreeMD5(t, dir) }

// TestCabExtractMatchesCabextract compares `msikit cab extract` with
// `cabextract -d` on cabinets of every kind, the split set from a middle
// part included.
func TestCabExtractMatchesCabextract(t *testing.T) {
	if _, err := exec.LookPath("cabextract"); err != nil {
		testutil.Skip(t, "cabextract not installed")
	}
	for _, rel := range []string{
		"libarchive/test_read_format_cab_1.cab", "libarchive/test_read_format_cab_2.cab",
		"libarchive/test_read_format_cab_3.cab", "libmspack-cabd/mszip_lzx_qtm.cab",
		"libmspack-cabextract/split-3.cab", "lessmsi/vcredis1.cab", "libmspack-cabd/reserve_-FD.cab",
		"fwupd/lxs-touch-0A.02.cab", "libarchive/test_read_format_cab_multi.p2.cab",
		"libmspack-cabextract/dirwalk-vulns.cab", "libmspack-cabextract/case-ascii.cab",
		"libmspack-cabextract/utf8-stresstest.cab",
	} {
		cabPath := corpusPath(t, rel)
		theirs, ours := t.TempDir(), t.TempDir()
		if out, err := exec.Command("cabextract", "-q", "-d", theirs, cabPath).CombinedOutput(); err != nil {
			t.Fatalf("cabextract %s: %v\n%s", rel, err, out)
		}
		if _, stderr, code := runCLI("cab", "extract", "-q", "-o", ours, cabPath); code != 0 {
			t.Fatalf("%s: exit %d: %s", rel, code, stderr)
		}
		a, b := tree(t, theirs), tree(t, ours)
		if len(a) == 0 || len(a) != len(b) {
			t.Errorf("%s: %d files, cabextract %d", rel, len(b), len(a))
		}
		for p, sum := range a {
			if b[p] != sum {
				t.Errorf("%s: %s: ours %q, cabextract %s", rel, p, b[p], sum)
			}
		}
		// Timestamps come from the cabinet, as cabextract sets them.
		for p := range a {
			fa, _ := os.Stat(filepath.Join(theirs, p))
			fb, err := os.Stat(filepath.Join(ours, p))
			if err == nil && !fa.ModTime().Equal(fb.ModTime()) {
				t.Errorf("%s: %s: mtime %v, cabextract %v", rel, p, fb.ModTime(), fa.ModTime())
			}
		}
	}
}

func TestCabExtractDirwalk(t *testing.T) {
	root := t.TempDir()
	out := filepath.Join(root, "a", "b")
	_, _, code := runCLI("cab", "extract", "-q", "-o", out, corpusPath(t, "libmspack-cabextract/dirwalk-vulns.cab"))
	// Names that use '/' make '\\' part of a name, as cabextract reads
	// them, so no names clash; the four "x" are written in turn.
	if code != 0 {
		t.Errorf("exit %d", code)
	}
	entries, _ := os.ReadDir(root)
	if len(entries) != 1 || entries[0].Name() != "a" {
		t.Errorf("wrote outside the output directory: %v", entries)
	}
	if entries, _ := os.ReadDir(filepath.Join(root, "a")); len(entries) != 1 {
		t.Errorf("wrote outside the output directory: %v", entries)
	}
	got := tree(t, out)
	for _, want := range []string{"absolute/xx/xx/and/relative/path", "x", "xx/xx/xx/relative/path", "relative/xx/xx/xx/path"} {
		if _, ok := got[want]; !ok {
			t.Errorf("%s not extracted (have %d files)", want, len(got))
		}
	}
}

func TestCabExtractNoOverwriteAndOnly(t *testing.T) {
	cabPath := corpusPath(t, "libarchive/test_read_format_cab_2.cab")
	out := t.TempDir()
	if _, e, code := runCLI("cab", "extract", "-q", "-o", out, "--only", "dir1/*", "--only", "zero", cabPath); code != 0 {
		t.Fatalf("exit %d: %s", code, e)
	}
	got := tree(t, out)
	if len(got) != 2 || got["zero"] != "d7ea97d313b83e91efbb901cc558bea4" || got["dir1/file1"] != "9f348626c6a84b91537327656c98e113" {
		t.Fatalf("extracted %v", got)
	}
	_, stderr, code := runCLI("cab", "extract", "-q", "-o", out, "--only", "zero", cabPath)
	if code != 2 || !strings.Contains(stderr, "zero exists") {
		t.Errorf("second extract: exit %d, %q", code, stderr)
	}
	if _, _, code := runCLI("cab", "extract", "-q", "--overwrite", "-o", out, "--only", "zero", cabPath); code != 0 {
		t.Errorf("--overwrite: exit %d", code)
	}
	if _, _, code := runCLI("cab", "extract", "--only", "[", cabPath); code != 2 {
		t.Errorf("bad glob: exit %d, want 2", code)
	}
}

func TestCabTestMD5(t *testing.T) {
	stdout, stderr, code := runCLI("cab", "test", "--md5", corpusPath(t, "libmspack-cabextract/split-1.cab"))
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{
		"small1.bin  OK  2ad5ba0f497f1e597ab187a2dfaa2e29", "medium3.bin  OK  b98fe17e8afbcf05aefc5b2c4badbc28",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("missing %q in\n%s", want, stdout)
		}
	}
	stdout, _, code = runCLI("cab", "test", "--md5", "--search", corpusPath(t, "libmspack-cabextract/search.cab"))
	if code != 0 || strings.Count(stdout, " OK ") != 24 {
		t.Errorf("search: exit %d, %d OK lines", code, strings.Count(stdout, " OK "))
	}
}

// TestCabCorrupt: every corrupt cabinet exits 1 with one line naming the
// cabinet and the problem.
func TestCabCorrupt(t *testing.T) {
	dir := filepath.Dir(corpusPath(t, "libmspack-cabd/MANIFEST.md"))
	for _, name := range []string{
		"bad_nofiles.cab", "bad_signature.cab", "partial_shortheader.cab", "partial_str_shortfname.cab",
		"cve-2015-4470-mszip-over-read.cab", "cve-2014-9556-qtm-infinite-loop.cab", "lzx-main-tree-no-lengths.cab",
		"filename-read-violation-2.cab", "cve-2017-11423-fname-overread.cab",
	} {
		for _, cmd := range []string{"test", "extract"} {
			args := []string{"cab", cmd, filepath.Join(dir, name)}
			if cmd == "extract" {
				args = append(args, "-q", "-o", t.TempDir())
			}
			_, stderr, code := runCLI(args...)
			if code != 1 {
				t.Errorf("%s %s: exit %d", cmd, name, code)
			}
			last := strings.TrimSpace(stderr)
			if i := strings.LastIndex(last, "\n"); i >= 0 {
				last = last[i+1:]
			}
			if !strings.Contains(last, name+": ") || len(last) < len(name)+20 {
				t.Errorf("%s %s: message %q does not name the cabinet and the problem", cmd, name, last)
			}
		}
	}
}

func TestCabListJSON(t *testing.T) {
	stdout, stderr, code := runCLI("cab", "list", "--json", corpusPath(t, "libmspack-cabd/normal_2files_1folder.cab"))
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var got []jsonCabinet
	if err := json.Unmarshal([]byte(stdout), &got); err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].SetID != 1570 || len(got[0].Files) != 2 || len(got[0].Folders) != 1 {
		t.Fatalf("%+v", got)
	}
	f := got[0].Files[1]
	if f.Name != "welcome.c" || f.Size != 74 || f.Offset != 77 || !strings.HasPrefix(f.Modified, "1997-03-12T11:15:14") || f.DOSDate != 8812 || f.Compression != "None" || f.Attributes != 0x20 {
		t.Errorf("%+v", f)
	}
	stdout, _, code = runCLI("cab", "list", corpusPath(t, "libarchive/test_read_format_cab_3.cab"))
	if code != 0 || !strings.Contains(stdout, "     33000  1980-01-02 00:00:00       0  LZX:21") && !strings.Contains(stdout, "33000  1980-01-02 00:00:00       0  LZX:18") {
		t.Errorf("list:\n%s", stdout)
	}
}
