package build

import (
	"crypto/sha1"
	"fmt"
	"strings"
)

// guidFrom derives a GUID from a name, as RFC 4122 name-based (version 5)
// UUIDs are: the same name always gives the same GUID, so a build is
// reproducible without storing the codes it invents.
func guidFrom(parts ...string) string {
	h := sha1.Sum([]byte("msikit\x00" + strings.Join(parts, "\x00")))
	h[6] = h[6]&0x0f | 0x50
	h[8] = h[8]&0x3f | 0x80
	return fmt.Sprintf("{%08X-%04X-%04X-%04X-%012X}", h[0:4], h[4:6], h[6:8], h[8:10], h[10:16])
}

// shortNamer makes unique 8.3 names within one directory.
type shortNamer map[string]bool

const shortInvalid = " +,;=[]\"*/\\:<>?|."

// isShort reports whether name is already a valid 8.3 name.
func isShort(name string) bool {
	base, ext, _ := strings.Cut(name, ".")
	if base == "" || len(base) > 8 || len(ext) > 3 || strings.Contains(ext, ".") {
		return false
	}
	for _, c := range base + ext {
		if c > 0x7e || c < 0x21 || strings.ContainsRune(shortInvalid, c) {
			return false
		}
	}
	return true
}

// short returns the 8.3 name for long in this directory: long itself when
// it is one, otherwise the first six usable characters, "~" and a number,
// and the first three of the extension, upper case, as Windows makes them.
func (n shortNamer) short(long string) string {
	if isShort(long) && !n[strings.ToUpper(long)] {
		n[strings.ToUpper(long)] = true
		return long
	}
	base, ext := long, ""
	if i := strings.LastIndexByte(long, '.'); i > 0 {
		base, ext = long[:i], long[i+1:]
	}
	clean := func(s string, max int) string {
		var b strings.Builder
		for _, c := range strings.ToUpper(s) {
			if c <= 0x20 || c > 0x7e || strings.ContainsRune(shortInvalid, c) {
				continue
			}
			if b.Len() == max {
				break
			}
			b.WriteRune(c)
		}
		return b.String()
	}
	b, e := clean(base, 6), clean(ext, 3)
	if b == "" {
		b = "FILE"
	}
	for i := 1; ; i++ {
		suffix := fmt.Sprintf("~%d", i)
		stem := b
		if len(stem)+len(suffix) > 8 {
			stem = stem[:8-len(suffix)]
		}
		cand := stem + suffix
		if e != "" {
			cand += "." + e
		}
		if !n[cand] {
			n[cand] = true
			return cand
		}
	}
}

// dirName is a DefaultDir or FileName value: "short|long", or the name
// alone when it is its own short name.
func dirName(short, long string) string {
	if short == "" || short == long {
		return long
	}
	return short + "|" + long
}

// identifier turns a file name into a table key: letters, digits, "_" and
// ".", starting with a letter or "_".
func identifier(name string) string {
	var b strings.Builder
	for _, c := range name {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '_', c == '.':
			b.WriteRune(c)
		default:
			b.WriteByte('_')
		}
	}
	s := b.String()
	if s == "" || !(s[0] >= 'a' && s[0] <= 'z' || s[0] >= 'A' && s[0] <= 'Z' || s[0] == '_') {
		s = "_" + s
	}
	if len(s) > 60 {
		s = s[:60]
	}
	return s
}
