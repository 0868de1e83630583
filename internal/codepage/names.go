package codepage

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/ianaindex"
	"golang.org/x/text/encoding/unicode"
)

// iconvNames are the spellings iconv accepts that neither the IANA
// registry nor the numbered forms below cover, upper-cased. Users type
// them because cabextract -e hands its argument to iconv.
var iconvNames = map[string]int{
	"UTF8": UTF8,
	// Windows-31J is CP932; the IANA index knows the name but has no
	// converter for it. Every Shift_JIS spelling reads as CP932, the
	// Japanese ANSI code page that makes such names, so that a 0x5C byte
	// stays the path separator rather than becoming a yen sign.
	"SJIS": 932, "SHIFT-JIS": 932, "SJIS-WIN": 932, "SJIS-OPEN": 932,
	"WINDOWS-31J": 932, "CSWINDOWS31J": 932,
	"KOI8R": 20866, "KOI8U": 21866,
	"EUCKR": 949, "EUCCN": 936, "EUC-CN": 936,
}

// numbered matches the forms that carry a code page number: CP1251,
// WINDOWS-1251, MS932, IBM866, ISO8859-5 and ISO_8859-5.
var numbered = regexp.MustCompile(`^(?:(CP|WINDOWS-|MS|MSCP|IBM-?)|(ISO[-_]?8859[-_]))([0-9]{1,5})$`)

// Lookup returns the converter for a character set given by name, as
// iconv (and so cabextract's -e) names it: "CP932", "SHIFT_JIS", "SJIS",
// "KOI8-R", "ISO-8859-1", "LATIN1", "CP1251", "WINDOWS-1252", "UTF-8" and
// the other IANA names and aliases. Case does not matter. For UTF-8 it
// returns unicode.UTF8, which callers may treat specially. An unknown
// name gives an error wrapping ErrUnknown that names it.
func Lookup(name string) (encoding.Encoding, error) {
	key := strings.ToUpper(strings.TrimSpace(name))
	cp, ok := iconvNames[key]
	if m := numbered.FindStringSubmatch(key); !ok && m != nil {
		n, _ := strconv.Atoi(m[3])
		if m[2] != "" {
			n += 28590 // ISO-8859-n is Windows code page 28590+n
		}
		cp, ok = n, true
	}
	if ok {
		if cp == UTF8 {
			return unicode.UTF8, nil
		}
		if e, found := encodings[cp]; found {
			return e, nil
		}
	}
	// The IANA index answers a known name it has no converter for with
	// a nil Encoding and no error.
	if e, err := ianaindex.IANA.Encoding(key); err == nil && e != nil {
		return e, nil
	}
	return nil, fmt.Errorf("%w %q", ErrUnknown, name)
}
