package cab

import (
	"bufio"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"github.com/msikit/msikit/internal/testutil"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/msikit/msikit/internal/safepath"
)

// corpusDir returns the shared corpus, skipping the test when it is absent.
func corpusDir(t testing.TB) string { return testutil.Corpus(t) }

// manifestEntry is what a corpus MANIFEST.md records about one cabinet.
type manifestEntry struct {
	dir, name string
	testOK    bool     // `cabextract -t` exits 0
	members   []member // from the `cabextract -t` output, in order
}

type member struct{ name, md5 string }

var (
	sectionRE = regexp.MustCompile("^## `(.+\\.cab)`$")
	testRE    = regexp.MustCompile("^- `cabextract -t`: (.*)$")
	memberRE  = regexp.MustCompile(`^  (.*)  OK +([0-9a-f]{32})$`)
)

// readManifests parses every MANIFEST.md of the corpus for its cabinets.
func readManifests(t testing.TB, corpus string) []*manifestEntry {
	t.Helper()
	paths, _ := filepath.Glob(filepath.Join(corpus, "*", "MANIFEST.md"))
	var out []*manifestEntry
	for _, p := range paths {
		f, err := os.Open(p)
		if err != nil {
			t.Fatal(err)
		}
		var cur *manifestEntry
		inTest := false
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			line := sc.Text()
			if m := sectionRE.FindStringSubmatch(line); m != nil {
				cur = &manifestEntry{dir: filepath.Dir(p), name: m[1]}
				out = append(out, cur)
				inTest = false
				continue
			}
			if strings.HasPrefix(line, "## ") {
				cur = nil
				continue
			}
			if cur == nil {
				continue
			}
			if m := testRE.FindStringSubmatch(line); m != nil {
				cur.testOK = strings.HasPrefix(m[1], "OK") || strings.HasPrefix(m[1], "rc=0")
			}
			if strings.HasPrefix(line, "$ cabextract -t ") {
				inTest = true
				continue
			}
			if strings.HasPrefix(line, "$ ") || line == "```" {
				inTest = false
			}
			if inTest {
				if m := memberRE.FindStringSubmatch(line); m != nil {
					cur.members = append(cur.members, member{m[1], m[2]})
				}
			}
		}
		f.Close()
	}
	if len(out) == 0 {
		t.Fatal("no cabinets found in the corpus manifests")
	}
	return out
}

// readAll opens the cabinet as cabextract would (the whole set, or every
// cabinet found by a search when there is none at offset 0) and returns
// each member's name and MD5 in cabinet order.
func readAll(t testing.TB, path string, opts ...Option) ([]member, error) {
	t.Helper()
	var readers []*Reader
	rc, err := OpenSet(path, opts...)
	if err == nil {
		defer rc.Close()
		readers = []*Reader{&rc.Reader}
	} else {
		rs, cl, serr := SearchFile(path, opts...)
		if serr != nil {
			return nil, err
		}
		defer cl.Close()
		readers = rs
	}
	var out []member
	for _, r := range readers {
		sums := map[*File]string{}
		err := r.Extract(nil, 2, func(f *File, content io.Reader) error {
			h := md5.New()
			if _, err := io.Copy(h, content); err != nil {
				return err
			}
			sums[f] = hex.EncodeToString(h.Sum(nil))
			return nil
		})
		if err != nil {
			return out, err
		}
		for _, f := range r.File {
			out = append(out, member{f.Name, sums[f]})
		}
	}
	return out, nil
}

// TestCorpusMatchesManifest checks every cabinet that `cabextract -t`
// accepts against the names and MD5s its MANIFEST records.
func TestCorpusMatchesManifest(t *testing.T) {
	corpus := corpusDir(t)
	n := 0
	for _, e := range readManifests(t, corpus) {
		if !e.testOK {
			continue
		}
		n++
		t.Run(filepath.Base(e.dir)+"/"+e.name, func(t *testing.T) {
			got, err := readAll(t, filepath.Join(e.dir, e.name))
			if err != nil {
				t.Fatalf("extract: %v", err)
			}
			if len(got) != len(e.members) {
				t.Fatalf("%d members, cabextract has %d", len(got), len(e.members))
			}
			for i, m := range e.members {
				if got[i].md5 != m.md5 {
					t.Errorf("member %d %q: md5 %s, cabextract %s", i, got[i].name, got[i].md5, m.md5)
				}
				// cabextract prints names without a UTF-8 flag as raw
				// bytes (the encoding-* cabinets); those are checked
				// against their .txt lists in TestEncodings.
				if strings.HasPrefix(e.name, "encoding-") {
					continue
				}
				// cabextract keeps '\' in flagged-UTF-8 names; we treat it
				// as a separator everywhere.
				want := strings.ReplaceAll(m.name, "\\", "/")
				if g := safepath.Clean(got[i].name); g != want {
					t.Errorf("member %d: name %q, cabextract %q", i, g, want)
				}
			}
		})
	}
	if n < 30 {
		t.Errorf("only %d valid cabinets found in the manifests", n)
	}
}

// TestCorpusAgainstCabextract extracts every valid cabinet with cabextract
// and compares the files it writes with ours, byte for byte.
func TestCorpusAgainstCabextract(t *testing.T) {
	corpus := corpusDir(t)
	if _, err := exec.LookPath("cabextract"); err != nil {
		t.Skip("cabextract not installed")
	}
	for _, e := range readManifests(t, corpus) {
		if !e.testOK {
			continue
		}
		t.Run(filepath.Base(e.dir)+"/"+e.name, func(t *testing.T) {
			path := filepath.Join(e.dir, e.name)
			tmp := t.TempDir()
			out, err := exec.Command("cabextract", "-q", "-d", tmp, path).CombinedOutput()
			if err != nil {
				t.Fatalf("cabextract: %v\n%s", err, out)
			}
			theirs := map[string]string{}
			filepath.WalkDir(tmp, func(p string, d fs.DirEntry, err error) error {
				if err == nil && d.Type().IsRegular() {
					b, _ := os.ReadFile(p)
					rel, _ := filepath.Rel(tmp, p)
					sum := md5.Sum(b)
					theirs[strings.ReplaceAll(rel, "\\", "/")] = hex.EncodeToString(sum[:])
				}
				return nil
			})
			got, err := readAll(t, path)
			if err != nil {
				t.Fatal(err)
			}
			ours := map[string]string{}
			for _, m := range got {
				ours[safepath.Clean(m.name)] = m.md5 // later duplicates win, as on disk
			}
			if strings.HasPrefix(e.name, "encoding-") {
				// cabextract writes the raw codepage bytes as names: only
				// the contents compare.
				if len(ours) != len(theirs) {
					t.Fatalf("%d files, cabextract wrote %d", len(ours), len(theirs))
				}
				return
			}
			// Every path (with cabextract's literal '\' read as a
			// separator, as we do) and every content must agree.
			for p, sum := range theirs {
				if ours[p] != sum {
					t.Errorf("%s: ours %q, cabextract %s", p, ours[p], sum)
				}
			}
			if len(ours) != len(theirs) {
				t.Errorf("%d paths, cabextract wrote %d", len(ours), len(theirs))
			}
		})
	}
}

// TestCorruptCorpus checks that every cabinet cabextract rejects gives an
// error wrapping one of our sentinels, quickly and without a large
// allocation.
func TestCorruptCorpus(t *testing.T) {
	corpus := corpusDir(t)
	for _, e := range readManifests(t, corpus) {
		if e.testOK {
			continue
		}
		t.Run(filepath.Base(e.dir)+"/"+e.name, func(t *testing.T) {
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			start := time.Now()
			_, err := readAll(t, filepath.Join(e.dir, e.name))
			elapsed := time.Since(start)
			runtime.ReadMemStats(&after)
			if err == nil {
				t.Fatal("no error")
			}
			if !errors.Is(err, ErrFormat) && !errors.Is(err, ErrNoCabinet) && !errors.Is(err, ErrEmpty) &&
				!errors.Is(err, ErrCorrupt) && !errors.Is(err, ErrChecksum) && !errors.Is(err, ErrUnsupported) &&
				!errors.Is(err, ErrMissingPart) {
				t.Errorf("error %q wraps no sentinel", err)
			}
			if elapsed > 2*time.Second {
				t.Errorf("took %v", elapsed)
			}
			if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 256<<20 {
				t.Errorf("allocated %d MiB", alloc>>20)
			}
			t.Logf("%v", err)
		})
	}
}
