package cab

import (
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/unicode"
)

// AttrNameIsUTF is the attribute bit saying the stored name is UTF-8.
const AttrNameIsUTF = 0x80

// decodeName turns stored name bytes into UTF-8: as UTF-8 (each invalid
// byte becoming U+FFFD) when utf is set or UTF-8 is the configured
// character set, otherwise through the configured code page.
func (o *options) decodeName(b []byte, utf bool) string {
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
	if utf || o.codepage == unicode.UTF8 {
		return decodeUTF8(b)
	}
	s, err := o.codepage.NewDecoder().Bytes(b)
	if err != nil {
		return strings.ToValidUTF8(string(b), "\uFFFD")
	}
	return string(s)
}

// decodeUTF8 decodes a name flagged as UTF-8 the way cabextract does, so
// that names agree with its listings: a byte that does not start a
// complete 1- to 4-byte sequence (with a lead byte up to 0xF4) becomes one
// U+FFFD, as do 2-byte
// sequences encoding ASCII; longer sequences are decoded even when
// overlong, and then one U+FFFD replaces a decoded NUL, surrogate, U+FFFE,
// U+FFFF or value beyond U+10FFFF. Accepting overlong forms is harmless
// here because names are made safe (safepath.Clean) after decoding, so an
// overlong "/" is just a separator.
func decodeUTF8(b []byte) string {
	var sb strings.Builder
	sb.Grow(len(b))
	for i := 0; i < len(b); {
		c := b[i]
		var n int
		var r rune
		switch {
		case c < 0x80:
			sb.WriteByte(c)
			i++
			continue
		case c&0xE0 == 0xC0:
			n, r = 2, rune(c&0x1F)
		case c&0xF0 == 0xE0:
			n, r = 3, rune(c&0x0F)
		case c >= 0xF0 && c <= 0xF4:
			n, r = 4, rune(c&0x07)
		default:
			sb.WriteRune(utf8.RuneError)
			i++
			continue
		}
		if i+n > len(b) || !continuation(b[i+1:i+n]) {
			sb.WriteRune(utf8.RuneError)
			i++
			continue
		}
		for _, cc := range b[i+1 : i+n] {
			r = r<<6 | rune(cc&0x3F)
		}
		if n == 2 && r < 0x80 {
			sb.WriteRune(utf8.RuneError)
			i++
			continue
		}
		if r == 0 || r > 0x10FFFF || (r >= 0xD800 && r <= 0xDFFF) || r == 0xFFFE || r == 0xFFFF {
			r = utf8.RuneError
		}
		sb.WriteRune(r)
		i += n
	}
	return sb.String()
}

func continuation(p []byte) bool {
	for _, c := range p {
		if c&0xC0 != 0x80 {
			return false
		}
	}
	return true
}
