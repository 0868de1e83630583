// Package safepath turns the names stored in archives (cabinets, MSI
// packages) into paths that stay inside an output directory, and writes
// extracted files there without following symbolic links and without
// leaving a partial file under its final name.
package safepath

import (
	"strings"
)

// Clean turns a stored name into a relative, slash-separated path that
// cannot leave the directory it is joined to. It follows cabextract:
//
//   - both '\' and '/' separate components, and empty components (from
//     leading, trailing or doubled separators) are dropped, so absolute
//     paths become relative;
//   - a leading drive ("C:") is dropped;
//   - "." components are dropped and ".." becomes "xx", so that
//     "a/../b" cannot climb but stays distinct from "a/b";
//   - NUL and the other C0 control characters become '_';
//   - a name with nothing left becomes "x".
//
// The result is always a valid io/fs path.
func Clean(name string) string {
	name = strings.Map(func(r rune) rune {
		if r < 0x20 {
			return '_'
		}
		return r
	}, name)
	parts := strings.FieldsFunc(name, func(r rune) bool { return r == '/' || r == '\\' })
	out := parts[:0]
	for i, p := range parts {
		if i == 0 && len(p) >= 2 && p[1] == ':' && isLetter(p[0]) {
			p = p[2:]
		}
		switch p {
		case "", ".":
			continue
		case "..":
			p = "xx"
		}
		out = append(out, p)
	}
	if len(out) == 0 {
		return "x"
	}
	return strings.Join(out, "/")
}

func isLetter(c byte) bool { return c|0x20 >= 'a' && c|0x20 <= 'z' }
