package streamname

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Printable is the form of a decoded name for people and command lines:
// a control character (the \x05 of "\x05SummaryInformation"), DEL, a
// backslash and a byte that is not UTF-8 are written \xNN, the rest as it
// is. A compound-file name never holds a backslash, so Parse reads the
// form back unambiguously.
func Printable(name string) string {
	var b strings.Builder
	for i := 0; i < len(name); {
		r, size := utf8.DecodeRuneInString(name[i:])
		switch {
		case r == utf8.RuneError && size <= 1, r < 0x20, r == 0x7f, r == '\\':
			fmt.Fprintf(&b, `\x%02x`, name[i])
		default:
			b.WriteString(name[i : i+size])
		}
		i += size
	}
	return b.String()
}

// Parse reads the form Printable writes: each \xNN is the byte NN. A
// backslash followed by anything else is an error.
func Parse(s string) (string, error) {
	if !strings.Contains(s, `\`) {
		return s, nil
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' {
			b.WriteByte(s[i])
			continue
		}
		if i+4 > len(s) || s[i+1] != 'x' {
			return "", fmt.Errorf("%s: a backslash must start \\xNN (two hex digits)", s)
		}
		n, err := strconv.ParseUint(s[i+2:i+4], 16, 8)
		if err != nil {
			return "", fmt.Errorf("%s: a backslash must start \\xNN (two hex digits)", s)
		}
		b.WriteByte(byte(n))
		i += 3
	}
	return b.String(), nil
}
