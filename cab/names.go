package cab

import (
	"strings"
	"unicode/utf8"
)

// AttrNameIsUTF is the attribute bit saying the stored name is UTF-8.
const AttrNameIsUTF = 0x80

// decodeName turns stored name bytes into UTF-8: as UTF-8 (each invalid
// byte becoming U+FFFD) when utf is set, otherwise through the configured
// single-byte codepage.
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
	if utf {
		var sb strings.Builder
		sb.Grow(len(b))
		for len(b) > 0 {
			r, n := utf8.DecodeRune(b)
			sb.WriteRune(r) // RuneError for each invalid byte
			b = b[n:]
		}
		return sb.String()
	}
	s, err := o.codepage.NewDecoder().Bytes(b)
	if err != nil {
		return strings.ToValidUTF8(string(b), "\uFFFD")
	}
	return string(s)
}
