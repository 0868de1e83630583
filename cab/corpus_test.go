package cab

import (
	"bufio"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"github.com/msikit/msikit/internal/testutil"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/msikit/msikit/internal/safepath"
	"golang.org/x/text/encoding/charmap"
)

// corpusDir returns the shared corpus, skipping the test when it is absent.
func corpusDir(t testing.TB) string { return testutil.Corpus(t) }

// manifestEntry is what a corpus MANIFEST.md records about one cabinet.
type manifestEntry struct {
	dir, name string
	testOK    bool     // `cabextract -t` exits 0
	members   []member // from the `cabextract -t` output, in order
}

type member struct {
	name, md5 string
	utf       bool // the name has the UTF-8 attribute (ours only)
}

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
					cur.members = append(cur.members, member{name: m[1], md5: m[2]})
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
			out = append(out, member{f.Name, sums[f], f.Attributes&AttrNameIsUTF != 0})
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
			stored := storedPaths(t, filepath.Join(e.dir, e.name), got)
			for i, m := range e.members {
				if got[i].md5 != m.md5 {
					t.Errorf("member %d %q: md5 %s, cabextract %s", i, got[i].name, got[i].md5, m.md5)
				}
				// cabextract keeps '\' in flagged-UTF-8 names; we treat it
				// as a separator everywhere.
				want := strings.ReplaceAll(m.name, "\\", "/")
				g := safepath.Clean(got[i].name)
				if stored[i] != "" {
					// Without -e cabextract lists the stored bytes, which
					// the MANIFEST shows with U+FFFD for what is not
					// UTF-8: compare ours in the same form.
					g = showBytes(stored[i])
				}
				if g != want {
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
		testutil.Skip(t, "cabextract not installed")
	}
	def := buildOptions(nil)
	for _, e := range readManifests(t, corpus) {
		if !e.testOK {
			continue
		}
		t.Run(filepath.Base(e.dir)+"/"+e.name, func(t *testing.T) {
			path := filepath.Join(e.dir, e.name)
			theirs := cabextractTree(t, path)
			got, err := readAll(t, path)
			if err != nil {
				t.Fatal(err)
			}
			stored := storedPaths(t, path, got)
			ours := map[string]string{}
			for i, m := range got {
				p := safepath.Clean(m.name)
				if stored[i] != "" {
					// Without -e cabextract names the file with the
					// stored bytes; read as our default code page, they
					// must give our name.
					if d := safepath.Clean(def.decodeName([]byte(stored[i]), false)); d != p {
						t.Errorf("member %d: name %q, cabextract's bytes %q read as ours %q", i, p, stored[i], d)
					}
					p = stored[i]
				}
				ours[p] = m.md5 // later duplicates win, as on disk
			}
			// Every path (with cabextract's literal '\' read as a
			// separator, as we do) and every content must agree.
			compareTrees(t, ours, theirs)
		})
	}
}

// compareTrees compares our files with cabextract's, each a map from a
// slash-separated path to the MD5 of the content.
func compareTrees(t *testing.T, ours, theirs map[string]string) {
	t.Helper()
	for p, sum := range theirs {
		if ours[p] != sum {
			t.Errorf("%q: ours %q, cabextract %s", p, ours[p], sum)
		}
	}
	if len(ours) != len(theirs) {
		t.Errorf("%d paths, cabextract wrote %d", len(ours), len(theirs))
	}
}

// cabextractTree extracts the cabinet with cabextract, given extra
// arguments (-e CHARSET), into a temporary directory and returns what it
// wrote: each file's slash-separated path and the MD5 of its content.
func cabextractTree(t *testing.T, path string, args ...string) map[string]string {
	t.Helper()
	tmp := t.TempDir()
	out, err := exec.Command("cabextract", append(append(args[:len(args):len(args)], "-q", "-d", tmp), path)...).CombinedOutput()
	if err != nil {
		t.Fatalf("cabextract %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return testutil.TreeMD5(t, tmp)
}

// storedPaths gives, for each member whose name has no UTF-8 attribute
// and bytes beyond ASCII, the path cabextract without -e makes of it: the
// stored bytes, made safe as we make names safe. The cabinet is read
// again with ISO-8859-1, which maps each byte to the rune of the same
// value, so that the bytes can be taken back. Other members get "".
func storedPaths(t *testing.T, path string, got []member) []string {
	t.Helper()
	out := make([]string, len(got))
	var raw []member
	for i, m := range got {
		if m.utf || isASCII(m.name) {
			continue
		}
		if raw == nil {
			var err error
			if raw, err = readAll(t, path, Codepage(charmap.ISO8859_1)); err != nil || len(raw) != len(got) {
				t.Fatalf("reading as ISO-8859-1: %d members, %v", len(raw), err)
			}
		}
		var b []byte
		for _, r := range safepath.Clean(raw[i].name) {
			b = append(b, byte(r))
		}
		out[i] = string(b)
	}
	return out
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// showBytes shows bytes that may not be UTF-8 as the corpus MANIFESTs do:
// valid UTF-8 as it is, and each maximal part of an invalid sequence (the
// longest start of a well-formed one, or a single byte) as one U+FFFD.
func showBytes(s string) string {
	var sb strings.Builder
	for len(s) > 0 {
		r, n := utf8.DecodeRuneInString(s)
		if r != utf8.RuneError || n > 1 {
			sb.WriteString(s[:n])
			s = s[n:]
			continue
		}
		// A start of a well-formed sequence is not yet a full rune.
		for k := min(len(s), utf8.UTFMax-1); k > 1; k-- {
			if !utf8.FullRuneInString(s[:k]) {
				n = k
				break
			}
		}
		sb.WriteRune(utf8.RuneError)
		s = s[n:]
	}
	return sb.String()
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
