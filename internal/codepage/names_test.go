package codepage

import (
	"bytes"
	"errors"
	"github.com/msikit/msikit/internal/testutil"
	"os/exec"
	"strings"
	"testing"

	"golang.org/x/text/encoding/unicode"
)

// The text of bytes in each character set, from its table; every name
// given must find it, whatever its case.
var lookupCases = []struct {
	names        []string
	stored, text string
}{
	{[]string{"CP932", "SHIFT_JIS", "sjis", "Shift-JIS", "MS932", "Windows-31J", "csShiftJIS", "MS_Kanji"},
		"\x95\x5c\x82\xbe \xb1 \x83\x5c \\", "表だ ｱ ソ \\"},
	{[]string{"KOI8-R", "koi8r", "csKOI8R"}, "\xe4\xc1", "Да"},
	{[]string{"KOI8-U", "koi8u"}, "\xa4", "є"},
	{[]string{"CP1251", "WINDOWS-1251", "windows-1251", "MS1251"}, "\xc4\xe0", "Да"},
	{[]string{"CP866", "IBM866"}, "\x84\xa0", "Да"},
	{[]string{"CP437", "IBM437"}, "\x82\xe1", "éß"},
	{[]string{"ISO-8859-1", "LATIN1", "l1", "ISO8859-1", "ISO_8859-1", "iso-8859-1", "CP819"}, "\xe9\x80", "é\u0080"},
	{[]string{"ISO-8859-5", "ISO8859-5", "cyrillic"}, "\xb4\xd0", "Да"},
	{[]string{"ISO-8859-15", "LATIN-9"}, "\xa4", "€"},
	{[]string{"WINDOWS-1252", "CP1252", "cp1252"}, "\xe9\x80", "é€"},
	{[]string{"CP1250", "WINDOWS-1250"}, "\x8a", "Š"},
	{[]string{"CP936", "GBK", "EUC-CN"}, "\xd6\xd0\xce\xc4", "中文"},
	{[]string{"CP949", "EUC-KR", "euckr"}, "\xc7\xd1", "한"},
	{[]string{"CP950", "BIG5"}, "\xa4\xa4", "中"},
	{[]string{"EUC-JP"}, "\xb4\xc1", "漢"},
	{[]string{"UTF-8", "utf8"}, "caf\xc3\xa9", "café"},
}

// unlikeIconv are the bytes x/text's tables read otherwise than iconv:
// it leaves 0x80-0x9F of ISO-8859-n but -1 undefined (U+FFFD) where iconv
// has the C1 controls, and its KOI8-U is WHATWG's, with ў and Ў where
// RFC 2319 has box drawing.
var unlikeIconv = map[string]string{"ISO-8859-5": c1, "ISO-8859-15": c1, "KOI8-U": "\xae\xbe"}

const c1 = "\x80\x81\x82\x83\x84\x85\x86\x87\x88\x89\x8a\x8b\x8c\x8d\x8e\x8f" +
	"\x90\x91\x92\x93\x94\x95\x96\x97\x98\x99\x9a\x9b\x9c\x9d\x9e\x9f"

func TestLookup(t *testing.T) {
	for _, tc := range lookupCases {
		for _, name := range tc.names {
			for _, n := range []string{name, strings.ToLower(name), strings.ToUpper(name)} {
				e, err := Lookup(n)
				if err != nil {
					t.Errorf("%s: %v", n, err)
					continue
				}
				got, err := e.NewDecoder().String(tc.stored)
				if err != nil || got != tc.text {
					t.Errorf("%s: %q reads %q (%v), want %q", n, tc.stored, got, err, tc.text)
				}
			}
		}
	}
	if e, err := Lookup("Utf-8"); err != nil || e != unicode.UTF8 {
		t.Errorf("UTF-8 gives %v, %v; want unicode.UTF8 for callers to tell", e, err)
	}
}

func TestLookupUnknown(t *testing.T) {
	for _, name := range []string{"BOGUS", "", "CP99999", "ISO-8859-99", "CP1200", "WINDOWS-"} {
		e, err := Lookup(name)
		if !errors.Is(err, ErrUnknown) || !strings.Contains(err.Error(), `"`+name+`"`) || e != nil {
			t.Errorf("%q: %v, %v; want ErrUnknown naming it", name, e, err)
		}
	}
}

// TestLookupAgainstIconv reads, under the first name of each case, text
// that iconv wrote in that character set: every byte from 0x80 for the
// single-byte sets, the case's text for the others.
func TestLookupAgainstIconv(t *testing.T) {
	if _, err := exec.LookPath("iconv"); err != nil {
		testutil.Skip(t, "iconv not installed")
	}
	for _, tc := range lookupCases {
		name := tc.names[0]
		e, err := Lookup(name)
		if err != nil {
			t.Fatal(err)
		}
		single := len(tc.stored) == len([]rune(tc.text))
		if !single {
			// iconv writes the text; we must read it back.
			out, err := iconv(name, "UTF-8", tc.text)
			if err != nil {
				t.Errorf("iconv -t %s: %v", name, err)
				continue
			}
			if got, _ := e.NewDecoder().String(out); got != tc.text {
				t.Errorf("%s: iconv's %q reads %q, want %q", name, out, got, tc.text)
			}
			continue
		}
		// Each byte on a line of its own; -c leaves a byte the set does
		// not define as an empty line.
		var in bytes.Buffer
		for c := 0x80; c <= 0xFF; c++ {
			in.WriteByte(byte(c))
			in.WriteByte('\n')
		}
		out, err := iconv("UTF-8", name, in.String(), "-c")
		lines := strings.Split(out, "\n")
		if len(lines) != 0x81 {
			t.Errorf("iconv -f %s: %d lines, %v", name, len(lines), err)
			continue
		}
		for c := 0x80; c <= 0xFF; c++ {
			want := lines[c-0x80]
			got, _ := e.NewDecoder().String(string([]byte{byte(c)}))
			if want == "" {
				want = "\uFFFD"
			}
			if got != want && !strings.Contains(unlikeIconv[name], string([]byte{byte(c)})) {
				t.Errorf("%s: byte %#x reads %q, iconv %q", name, c, got, want)
			}
		}
	}
}

func iconv(to, from, text string, flags ...string) (string, error) {
	cmd := exec.Command("iconv", append(flags, "-f", from, "-t", to)...)
	cmd.Stdin = strings.NewReader(text)
	out, err := cmd.Output()
	return string(out), err
}
