// Package codepage converts text between Windows code pages and UTF-8.
//
// Windows Installer string pools, summary information and cabinet file
// names store text in the code page the package or cabinet was made in.
package codepage

import (
	"errors"
	"fmt"
	"unicode/utf16"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/korean"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/traditionalchinese"
)

// Code pages with a meaning of their own.
const (
	Neutral = 0     // CP_ACP, "the system's ANSI code page": read as Default
	Default = 1252  // the ANSI code page of the Windows systems nearly all packages are built on
	UTF16   = 1200  // CP_WINUNICODE: 8-bit strings stored as UTF-16LE
	UTF8    = 65001 // CP_UTF8
)

var (
	// ErrUnknown is wrapped when a code page has no converter here.
	ErrUnknown = errors.New("unsupported code page")
	// ErrUnrepresentable is wrapped when text has a character the code
	// page cannot hold.
	ErrUnrepresentable = errors.New("character not representable in code page")
)

// Windows code page identifiers for the converters golang.org/x/text has.
var encodings = map[int]encoding.Encoding{
	437: charmap.CodePage437, 850: charmap.CodePage850, 852: charmap.CodePage852,
	855: charmap.CodePage855, 858: charmap.CodePage858, 860: charmap.CodePage860,
	862: charmap.CodePage862, 863: charmap.CodePage863, 865: charmap.CodePage865,
	866: charmap.CodePage866, 874: charmap.Windows874,
	1250: charmap.Windows1250, 1251: charmap.Windows1251, 1252: charmap.Windows1252,
	1253: charmap.Windows1253, 1254: charmap.Windows1254, 1255: charmap.Windows1255,
	1256: charmap.Windows1256, 1257: charmap.Windows1257, 1258: charmap.Windows1258,
	10000: charmap.Macintosh, 20866: charmap.KOI8R, 21866: charmap.KOI8U,
	28591: charmap.ISO8859_1, 28592: charmap.ISO8859_2, 28593: charmap.ISO8859_3,
	28594: charmap.ISO8859_4, 28595: charmap.ISO8859_5, 28596: charmap.ISO8859_6,
	28597: charmap.ISO8859_7, 28598: charmap.ISO8859_8, 28599: charmap.ISO8859_9,
	28603: charmap.ISO8859_13, 28605: charmap.ISO8859_15,
	932: japanese.ShiftJIS, 936: simplifiedchinese.GBK, 949: korean.EUCKR,
	950: traditionalchinese.Big5, 54936: simplifiedchinese.GB18030,
}

func encodingFor(cp int) (encoding.Encoding, bool) {
	if cp == Neutral {
		cp = Default
	}
	e, ok := encodings[cp]
	return e, ok
}

// Supported reports whether Decode and Encode convert the code page exactly.
func Supported(cp int) bool {
	if cp == UTF8 || cp == UTF16 {
		return true
	}
	_, ok := encodingFor(cp)
	return ok
}

func isASCII(b []byte) bool {
	for _, c := range b {
		if c >= 0x80 {
			return false
		}
	}
	return true
}

// Decode converts b, stored in code page cp, to UTF-8. Bytes that are
// invalid in the code page become U+FFFD. For a code page without a
// converter the ASCII bytes are kept, the others become U+FFFD, and the
// error wraps ErrUnknown; the string is still usable.
func Decode(cp int, b []byte) (string, error) {
	switch {
	case cp == UTF16:
		u := make([]uint16, len(b)/2)
		for i := range u {
			u[i] = uint16(b[2*i]) | uint16(b[2*i+1])<<8
		}
		return string(utf16.Decode(u)), nil
	case isASCII(b):
		return string(b), nil
	case cp == UTF8:
		return string(toValidUTF8(b)), nil
	}
	e, ok := encodingFor(cp)
	if !ok {
		out := make([]rune, 0, len(b))
		for _, c := range b {
			if c < 0x80 {
				out = append(out, rune(c))
			} else {
				out = append(out, utf8.RuneError)
			}
		}
		return string(out), fmt.Errorf("%w %d", ErrUnknown, cp)
	}
	s, err := e.NewDecoder().Bytes(b)
	if err != nil {
		// The x/text decoders replace invalid input instead of failing;
		// an error here is an internal transform failure.
		return "", fmt.Errorf("decoding code page %d: %w", cp, err)
	}
	return string(s), nil
}

func toValidUTF8(b []byte) []byte {
	if utf8.Valid(b) {
		return b
	}
	out := make([]byte, 0, len(b)+8)
	for len(b) > 0 {
		r, n := utf8.DecodeRune(b)
		out = utf8.AppendRune(out, r)
		b = b[n:]
	}
	return out
}

// Encode converts s to code page cp. It fails, wrapping ErrUnrepresentable,
// when s has a character the code page cannot represent, and wrapping
// ErrUnknown when the code page has no converter (unless s is ASCII, which
// every Windows ANSI code page stores unchanged).
func Encode(cp int, s string) ([]byte, error) {
	switch cp {
	case UTF8:
		if !utf8.ValidString(s) {
			return nil, fmt.Errorf("%w %d: %q is not valid UTF-8", ErrUnrepresentable, cp, s)
		}
		return []byte(s), nil
	case UTF16:
		u := utf16.Encode([]rune(s))
		b := make([]byte, 2*len(u))
		for i, c := range u {
			b[2*i], b[2*i+1] = byte(c), byte(c>>8)
		}
		return b, nil
	}
	e, ok := encodingFor(cp)
	if !ok {
		if !isASCII([]byte(s)) {
			return nil, fmt.Errorf("%w %d", ErrUnknown, cp)
		}
		return []byte(s), nil
	}
	b, err := e.NewEncoder().Bytes([]byte(s))
	if err != nil {
		return nil, fmt.Errorf("%w %d: %q", ErrUnrepresentable, cp, s)
	}
	return b, nil
}
