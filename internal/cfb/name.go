package cfb

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

// maxNameUnits is the longest name a directory entry holds: 32 UTF-16
// code units, the last of them the terminating NUL.
const maxNameUnits = 31

// encodeName checks a name against [MS-CFB] 2.6.1 and returns it in
// UTF-16.
func encodeName(name string) ([]uint16, error) {
	if name == "" {
		return nil, fmt.Errorf("%w: empty name", ErrInvalidName)
	}
	if !utf8.ValidString(name) {
		return nil, fmt.Errorf("%w: %q is not valid UTF-8", ErrInvalidName, name)
	}
	if i := strings.IndexAny(name, "/\\:!\x00"); i >= 0 {
		return nil, fmt.Errorf("%w: %q holds %q, which [MS-CFB] forbids", ErrInvalidName, name, name[i])
	}
	u := utf16.Encode([]rune(name))
	if len(u) > maxNameUnits {
		return nil, fmt.Errorf("%w: %q is %d units", ErrNameTooLong, name, len(u))
	}
	return u, nil
}

// upper maps one UTF-16 code unit as [MS-CFB] 2.6.4 asks: the Unicode
// simple upper-case mapping, unit by unit. Surrogate halves have no case
// and stay as they are. (Windows uses its own table, which differs from
// Unicode's for a few letters outside the Basic Latin block; names that
// Windows Installer writes never contain them.)
func upper(c uint16) uint16 {
	r := unicode.ToUpper(rune(c))
	if r > 0xFFFF {
		return c
	}
	return uint16(r)
}

// compareNames orders sibling names the way [MS-CFB] 2.6.4 requires for
// the red-black tree: a shorter name first, then unit by unit after
// upper-casing. It returns -1, 0 or +1.
func compareNames(a, b []uint16) int {
	if len(a) != len(b) {
		if len(a) < len(b) {
			return -1
		}
		return 1
	}
	for i := range a {
		x, y := upper(a[i]), upper(b[i])
		if x != y {
			if x < y {
				return -1
			}
			return 1
		}
	}
	return 0
}

// foldKey is a map key under which names that compare equal collide.
func foldKey(u []uint16) string {
	b := make([]byte, 2*len(u))
	for i, c := range u {
		c = upper(c)
		b[2*i], b[2*i+1] = byte(c>>8), byte(c)
	}
	return string(b)
}
