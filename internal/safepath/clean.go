// Package safepath is msikit's one writer. It turns the names stored in
// archives (cabinets, MSI packages) into paths that stay inside an output
// directory (Clean), writes trees there without following symbolic links,
// without leaving a partial file under its final name and without
// replacing a file unless asked, atomically (Dir); writes the single
// files a command names with -o, whatever they are: a regular file, a
// device, a FIFO, a link, standard output (Output); makes spool files
// that leave nothing behind (TempFile); and removes what is in flight when
// the process is interrupted (Abort).
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
	name = sanitize(name)
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

// sanitize replaces NUL and the other C0 control characters with '_':
// the one rule for control characters in names, whatever they come from
// (cabinets through Clean, package layouts and every other path through
// Dir, which applies it to what it writes).
// Invalid UTF-8 becomes U+FFFD. Names that need no change are not
// copied.
func sanitize(name string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 {
			return '_'
		}
		return r
	}, name)
}

// CleanName makes s (a table name, a key) one path component: separators,
// ':' and control characters become '_', and a name that would mean the
// directory or its parent gets a leading '_'.
func CleanName(s string) string {
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == '/' || r == '\\' || r == ':' {
			return '_'
		}
		return r
	}, s)
	if s == "." || s == ".." || s == "" {
		s = "_" + s
	}
	return s
}

func isLetter(c byte) bool { return c|0x20 >= 'a' && c|0x20 <= 'z' }
