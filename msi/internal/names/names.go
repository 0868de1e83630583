// Package names reads the file and directory names of a package's tables:
// "short|long" pairs, DefaultDir's "target:source", and what a name may
// hold to be laid out safely.
package names

import (
	"fmt"
	"strings"
)

// MaxDepth bounds directory parent chains; a longer one is a cycle or
// damage (Windows paths cannot be that deep anyway).
const MaxDepth = 512

// SplitShortLong splits "short|long"; a single name is both.
func SplitShortLong(s string) (short, long string) {
	if i := strings.IndexByte(s, '|'); i >= 0 {
		return s[:i], s[i+1:]
	}
	return s, s
}

// DefaultDir is a Directory row's DefaultDir: the short and long names of
// the directory where it is installed (target) and in the source tree
// ("" for ".", the parent's own directory).
type DefaultDir struct {
	TargetShort, TargetLong string
	SourceShort, SourceLong string
}

// ParseDefaultDir reads DefaultDir: "[target][:source]", each name
// possibly "short|long"; "." means no directory of its own.
func ParseDefaultDir(v string) DefaultDir {
	target, source := v, ""
	if i := strings.IndexByte(v, ':'); i >= 0 {
		target, source = v[:i], v[i+1:]
	}
	var d DefaultDir
	d.TargetShort, d.TargetLong = SplitShortLong(target)
	if source == "" {
		d.SourceShort, d.SourceLong = d.TargetShort, d.TargetLong
	} else {
		d.SourceShort, d.SourceLong = SplitShortLong(source)
	}
	for _, p := range []*string{&d.TargetShort, &d.TargetLong, &d.SourceShort, &d.SourceLong} {
		if *p == "." {
			*p = ""
		}
	}
	return d
}

// Check refuses a path component that would leave its parent or means
// something else on Windows or Unix.
func Check(n string) error {
	switch {
	case n == "":
		return nil
	case n == "..", n == ".":
		return fmt.Errorf("names a parent directory")
	case strings.ContainsAny(n, "/\\"):
		return fmt.Errorf("holds a path separator")
	case strings.ContainsRune(n, 0):
		return fmt.Errorf("holds a NUL character")
	case len(n) >= 2 && n[1] == ':':
		return fmt.Errorf("names a drive")
	}
	return nil
}
