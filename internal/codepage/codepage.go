// Package codepage converts text in Windows code pages to UTF-8.
//
// Windows Installer string pools, summary information and cabinet file
// names store text in the code page the package or cabinet was made in.
package codepage

import (
	"errors"
	"fmt"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/korean"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/traditionalchinese"
)

// ErrUnknown is returned for a code page this package cannot convert.
var ErrUnknown = errors.New("unknown code page")

// Code pages with a meaning of their own.
const (
	Neutral = 0     // "language neutral": Windows uses the system ANSI code page
	UTF8    = 65001 // UTF-8
	Default = 1252  // what Neutral means here: Western European, as on US Windows
)

var encodings = map[int]encoding.Encoding{
	437:   charmap.CodePage437,
	850:   charmap.CodePage850,
	852:   charmap.CodePage852,
	855:   charmap.CodePage855,
	858:   charmap.CodePage858,
	860:   charmap.CodePage860,
	862:   charmap.CodePage862,
	863:   charmap.CodePage863,
	865:   charmap.CodePage865,
	866:   charmap.CodePage866,
	874:   charmap.Windows874,
	932:   japanese.ShiftJIS,
	936:   simplifiedchinese.GBK,
	949:   korean.EUCKR,
	950:   traditionalchinese.Big5,
	1250:  charmap.Windows1250,
	1251:  charmap.Windows1251,
	1252:  charmap.Windows1252,
	1253:  charmap.Windows1253,
	1254:  charmap.Windows1254,
	1255:  charmap.Windows1255,
	1256:  charmap.Windows1256,
	1257:  charmap.Windows1257,
	1258:  charmap.Windows1258,
	20866: charmap.KOI8R,
	21866: charmap.KOI8U,
	28591: charmap.ISO8859_1,
	28592: charmap.ISO8859_2,
	28595: charmap.ISO8859_5,
	28605: charmap.ISO8859_15,
}

// Decoder converts text in one code page to UTF-8.
type Decoder struct {
	cp  int
	enc encoding.Encoding // nil for UTF-8
}

// NewDecoder returns a decoder for code page cp.
func NewDecoder(cp int) (*Decoder, error) {
	if cp == Neutral {
		cp = Default
	}
	if cp == UTF8 {
		return &Decoder{cp: cp}, nil
	}
	enc, ok := encodings[cp]
	if !ok {
		return nil, fmt.Errorf("%w %d", ErrUnknown, cp)
	}
	return &Decoder{cp: cp, enc: enc}, nil
}

// CodePage is the code page the decoder converts from.
func (d *Decoder) CodePage() int { return d.cp }

// String converts b to UTF-8. ASCII, the common case, is not copied twice;
// bytes that are invalid in the code page become U+FFFD.
func (d *Decoder) String(b []byte) string {
	ascii := true
	for _, c := range b {
		if c >= 0x80 {
			ascii = false
			break
		}
	}
	if ascii {
		return string(b)
	}
	if d.enc == nil {
		if utf8.Valid(b) {
			return string(b)
		}
		return string([]rune(string(b))) // invalid bytes become U+FFFD
	}
	out, err := d.enc.NewDecoder().Bytes(b)
	if err != nil {
		return string([]rune(string(b)))
	}
	return string(out)
}

// Encoder converts UTF-8 text to one code page.
type Encoder struct {
	cp  int
	enc encoding.Encoding
}

// NewEncoder returns an encoder for code page cp.
func NewEncoder(cp int) (*Encoder, error) {
	d, err := NewDecoder(cp)
	if err != nil {
		return nil, err
	}
	return &Encoder{cp: d.cp, enc: d.enc}, nil
}

// ErrUnrepresentable is returned when text has characters the code page
// cannot hold.
var ErrUnrepresentable = errors.New("character not representable in code page")

// Bytes converts s to the encoder's code page.
func (e *Encoder) Bytes(s string) ([]byte, error) {
	if e.enc == nil {
		return []byte(s), nil
	}
	out, err := e.enc.NewEncoder().Bytes([]byte(s))
	if err != nil {
		return nil, fmt.Errorf("%w %d: %q", ErrUnrepresentable, e.cp, s)
	}
	return out, nil
}
