package cab

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"github.com/msikit/msikit/internal/testutil"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/msikit/msikit/internal/safepath"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/japanese"
)

// cabEntry is a file of a cabinet made by nameCabinet.
type cabEntry struct {
	name    string // as text, or as the stored bytes when stored is set
	stored  bool   // store name as it is, without the UTF-8 attribute
	content string
}

// nameCabinet makes a cabinet of files whose names may be stored in a
// code page. Our writer stores a name beyond ASCII as flagged UTF-8, so
// such a file is written under an ASCII stand-in of the same length, a
// letter repeated, whose bytes are then replaced in its CFFILE entry (the
// header has no checksum).
func nameCabinet(t testing.TB, files []cabEntry) []byte {
	t.Helper()
	standIn := func(i int) string { return strings.Repeat(string(rune('A'+i)), len(files[i].name)) }
	var buf bytes.Buffer
	w := NewWriter(&buf)
	stamp := time.Date(2011, 3, 20, 10, 37, 30, 0, time.UTC)
	for i, f := range files {
		name := f.name
		if f.stored {
			name = standIn(i)
		}
		fw, err := w.Create(name, stamp)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.WriteString(fw, f.content); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	b := buf.Bytes()
	entries := int(binary.LittleEndian.Uint32(b[16:])) // coffFiles
	for i, f := range files {
		if !f.stored {
			continue
		}
		j := bytes.Index(b[entries:], []byte(standIn(i)+"\x00"))
		if j < 0 {
			t.Fatalf("stand-in for %q not found", f.name)
		}
		copy(b[entries+j:], f.name)
	}
	return b
}

// storedNameCases are names stored in a code page, each with its text by
// the code page's table and the names NameEncoding takes for it; the
// first is one iconv knows too. "" is the default, Windows-1252.
var storedNameCases = []struct {
	charsets     []string
	stored, text string
}{
	// 0x5C, a backslash alone, is also the trail byte of 表 (95 5C).
	{[]string{"CP932", "SHIFT_JIS", "sjis", "Shift-JIS", "MS932", "windows-31j"},
		"\x95\x5c\x82\xbe\x82\xe6\x5c\x8a\xbf\x8e\x9a \xb1\xb2\xb3.txt", "表だよ\\漢字 ｱｲｳ.txt"},
	{[]string{"KOI8-R", "koi8r", "csKOI8R"}, "\xe4\xc1.txt", "Да.txt"},
	{[]string{"CP1251", "WINDOWS-1251"}, "\xc4\xe0.txt", "Да.txt"},
	{[]string{"CP866", "IBM866"}, "\x84\xa0.txt", "Да.txt"},
	{[]string{"ISO-8859-1", "LATIN1", "iso8859-1", "ISO_8859-1", "l1"}, "caf\xe9 \x80.txt", "café \u0080.txt"},
	{[]string{"WINDOWS-1252", "CP1252", "cp1252", ""}, "caf\xe9 \x80.txt", "café €.txt"},
	{[]string{"UTF-8", "utf8"}, "caf\xc3\xa9.txt", "café.txt"},
	{[]string{"CP936", "GBK"}, "\xd6\xd0\xce\xc4.txt", "中文.txt"},
	{[]string{"CP949", "EUC-KR"}, "\xc7\xd1.txt", "한.txt"},
	{[]string{"CP950", "BIG5"}, "\xa4\xa4.txt", "中.txt"},
}

// TestNameEncodings makes a cabinet for each code page, with a name stored
// in it beside a flagged UTF-8 name and an ASCII one, and reads it under
// each name of the code page: only the stored name changes, into the
// code page's text, with a backslash byte a separator only where it is a
// character of its own. Where cabextract is installed, what it extracts
// with -e is what we read.
func TestNameEncodings(t *testing.T) {
	_, noCabextract := exec.LookPath("cabextract")
	for _, tc := range storedNameCases {
		files := []cabEntry{
			{tc.stored, true, "stored\n"},
			{"ü\\flagged.txt", false, "flagged\n"},
			{"plain.txt", false, "plain\n"},
		}
		b := nameCabinet(t, files)
		for _, cs := range tc.charsets {
			label := cs
			if cs == "" {
				label = "default"
			}
			t.Run(tc.charsets[0]+"/"+label, func(t *testing.T) {
				var opts []Option
				if cs != "" {
					opt, err := NameEncoding(cs)
					if err != nil {
						t.Fatal(err)
					}
					opts = append(opts, opt)
				}
				r, err := NewReader(bytes.NewReader(b), int64(len(b)), opts...)
				if err != nil {
					t.Fatal(err)
				}
				if len(r.File) != len(files) {
					t.Fatalf("%d files", len(r.File))
				}
				want := []string{tc.text, files[1].name, files[2].name}
				for i, f := range r.File {
					if f.Name != want[i] {
						t.Errorf("file %d: name %q, want %q", i, f.Name, want[i])
					}
					if got := string(readFile(t, f)); got != files[i].content {
						t.Errorf("%s: content %q, want %q", f.Name, got, files[i].content)
					}
				}
				if f := r.File[0]; f.Attributes&AttrNameIsUTF != 0 {
					t.Errorf("%s: stored name flagged UTF-8", f.Name)
				}
				if p, seps := r.File[0].Path(), strings.Count(tc.text, "\\"); strings.Count(p, "/") != seps {
					t.Errorf("path %q, want %d separators", p, seps)
				}
			})
		}
		if noCabextract != nil {
			continue
		}
		t.Run(tc.charsets[0]+"/cabextract", func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "names.cab")
			if err := os.WriteFile(path, b, 0o644); err != nil {
				t.Fatal(err)
			}
			compareWithCabextractE(t, path, tc.charsets[0])
		})
	}
}

// compareWithCabextractE compares the files we read from a cabinet with
// NameEncoding(charset) with those cabextract -e charset writes.
func compareWithCabextractE(t *testing.T, path, charset string) {
	t.Helper()
	opt, err := NameEncoding(charset)
	if err != nil {
		t.Fatal(err)
	}
	got, err := readAll(t, path, opt)
	if err != nil {
		t.Fatal(err)
	}
	ours := map[string]string{}
	for _, m := range got {
		ours[safepath.Clean(m.name)] = m.md5
	}
	compareTrees(t, ours, cabextractTree(t, path, "-e", charset))
}

func TestNameEncodingUnknown(t *testing.T) {
	for _, name := range []string{"BOGUS-7", "", "CP99999", "ISO-8859-99"} {
		opt, err := NameEncoding(name)
		if !errors.Is(err, ErrEncoding) || !strings.Contains(err.Error(), `"`+name+`"`) {
			t.Errorf("%q: error %v, want ErrEncoding naming it", name, err)
		}
		if opt != nil {
			t.Errorf("%q: an option with the error", name)
		}
	}
}

// TestCorpusEncodings reads the corpus cabinets whose names are stored in
// a code page, under each name of it, and checks the names against
// upstream's: the .txt lists (in the code page) that cabextract's tests
// use, and the names the MANIFEST gives for libarchive's. Where
// cabextract is installed, what it extracts with -e is what we read.
func TestCorpusEncodings(t *testing.T) {
	for _, tc := range []struct {
		cab, list string
		enc       encoding.Encoding // of list
		charsets  []string          // for NameEncoding
		peers     []string          // those compared with cabextract -e
	}{
		{"libmspack-cabextract/encoding-sjis.cab", "libmspack-cabextract/encoding-sjis.txt", japanese.ShiftJIS,
			[]string{"CP932", "SHIFT_JIS", "sjis", "Windows-31J"}, []string{"CP932", "SHIFT_JIS"}},
		{"libmspack-cabextract/encoding-koi8.cab", "libmspack-cabextract/encoding-koi8.txt", charmap.KOI8R,
			[]string{"KOI8-R", "koi8r"}, []string{"KOI8-R"}},
		{"libmspack-cabextract/encoding-latin1.cab", "libmspack-cabextract/encoding-latin1.txt", charmap.ISO8859_1,
			[]string{"ISO-8859-1", "LATIN1", "iso8859-1"}, []string{"ISO-8859-1", "LATIN1"}},
		// iconv's SHIFT_JIS reads a lone 0x5C as a yen sign; here it is
		// the separator, which it stays for us under every Shift_JIS
		// name, as in CP932. Only CP932 is compared with cabextract.
		{"libarchive/test_read_format_cab_filename_cp932.cab", "", nil,
			[]string{"CP932", "SHIFT_JIS", "ms932"}, []string{"CP932"}},
	} {
		t.Run(tc.cab, func(t *testing.T) {
			path := corpusFile(t, tc.cab)
			var want []string
			if tc.list != "" {
				want = listedNames(t, corpusFile(t, tc.list), tc.enc)
			} else {
				want = manifestDecodedNames(t, path)
			}
			for _, cs := range tc.charsets {
				opt, err := NameEncoding(cs)
				if err != nil {
					t.Fatal(err)
				}
				rc, err := Open(path, opt)
				if err != nil {
					t.Fatal(err)
				}
				var got []string
				for _, f := range rc.File {
					got = append(got, f.Name)
				}
				rc.Close()
				if strings.Join(got, "\n") != strings.Join(want, "\n") {
					t.Errorf("%s: names\n%q\nwant\n%q", cs, got, want)
				}
			}
			if _, err := exec.LookPath("cabextract"); err != nil {
				testutil.Skip(t, "cabextract not installed: not compared with cabextract -e")
			}
			for _, cs := range tc.peers {
				compareWithCabextractE(t, path, cs)
			}
		})
	}
}

// listedNames reads a list of names, one a line, in the code page enc.
func listedNames(t *testing.T, path string, enc encoding.Encoding) []string {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, l := range strings.Split(string(raw), "\n") {
		if l == "" {
			continue
		}
		s, err := enc.NewDecoder().String(l)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	return out
}

var decodedRE = regexp.MustCompile(`Decoded as \S+ the names are (.+) and (.+)\.$`)

// manifestDecodedNames finds the names a cabinet's MANIFEST section says
// its stored names decode to ("Decoded as CP932 the names are A and B.").
func manifestDecodedNames(t *testing.T, path string) []string {
	t.Helper()
	f, err := os.Open(filepath.Join(filepath.Dir(path), "MANIFEST.md"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	in := false
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		if strings.HasPrefix(sc.Text(), "## ") {
			in = sc.Text() == "## `"+filepath.Base(path)+"`"
		}
		if m := decodedRE.FindStringSubmatch(sc.Text()); in && m != nil {
			return m[1:]
		}
	}
	t.Fatalf("%s: MANIFEST gives no decoded names", path)
	return nil
}

// cp932Files are the files of testdata/cp932.cab, which ExampleNameEncoding
// reads: a name stored in code page 932, as Japanese Windows stores it.
var cp932Files = []cabEntry{{"\x95\x5c\x82\xbe\x82\xe6\x5c\x8a\xbf\x8e\x9a.txt", true, "kanji\n"}}

// TestCP932Testdata checks that testdata/cp932.cab is what nameCabinet
// makes of cp932Files.
func TestCP932Testdata(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("testdata", "cp932.cab"))
	if err != nil {
		t.Fatal(err)
	}
	if want := nameCabinet(t, cp932Files); !bytes.Equal(b, want) {
		t.Errorf("testdata/cp932.cab (%d bytes) is not what nameCabinet makes (%d bytes)", len(b), len(want))
	}
}
