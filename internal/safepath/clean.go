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
func Clean(name string) string { return clean(name, true) }

// CleanSlash is Clean for names whose only separator is '/': a backslash
// is kept as part of a component. cabextract reads a cabinet that uses '/'
// in any name this way, as made on a Unix system.
func CleanSlash(name string) string { return clean(name, false) }

func clean(name string, backslash bool) string {
	name = strings.Map(func(r rune) rune {
		if r < 0x20 {
			return '_'
		}
		return r
	}, name)
	// Components are split at both separators whatever the mode, so that
	// "..\.." cannot climb on a system where the backslash separates; in
	// CleanSlash mode a backslash between kept components stays.
	var b strings.Builder
	between := "" // the separators since the last component kept
	first := true
	for len(name) > 0 {
		i := strings.IndexAny(name, "/\\")
		p := name
		run := ""
		if i >= 0 {
			p = name[:i]
			j := i
			for j < len(name) && (name[j] == '/' || name[j] == '\\') {
				j++
			}
			run, name = name[i:j], name[j:]
		} else {
			name = ""
		}
		if first && len(p) >= 2 && p[1] == ':' && isLetter(p[0]) {
			p = p[2:]
		}
		first = false
		switch p {
		case "", ".":
			p = ""
		case "..":
			p = "xx"
		}
		if p != "" {
			if b.Len() > 0 {
				if backslash || strings.Contains(between, "/") {
					b.WriteByte('/')
				} else {
					b.WriteByte('\\')
				}
			}
			b.WriteString(p)
			between = ""
		}
		between += run
	}
	if b.Len() == 0 {
		return "x"
	}
	return b.String()
}

func isLetter(c byte) bool { return c|0x20 >= 'a' && c|0x20 <= 'z' }
