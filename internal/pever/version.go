package pever

import (
	"fmt"
	"strconv"
	"strings"
)

// Version is a four-part file or product version, major.minor.build.revision,
// each part 16 bits as in VS_FIXEDFILEINFO and the Windows Installer File
// table. The zero Version is 0.0.0.0. Versions compare part by part, so
// Compare and the value from Uint64 order them as Windows does.
type Version struct {
	Major, Minor, Build, Revision uint16
}

// VersionFromParts builds a Version from the two 32-bit halves stored in
// VS_FIXEDFILEINFO (dwFileVersionMS, dwFileVersionLS).
func VersionFromParts(ms, ls uint32) Version {
	return Version{uint16(ms >> 16), uint16(ms), uint16(ls >> 16), uint16(ls)}
}

// Parts returns the two 32-bit halves VS_FIXEDFILEINFO stores.
func (v Version) Parts() (ms, ls uint32) {
	return uint32(v.Major)<<16 | uint32(v.Minor), uint32(v.Build)<<16 | uint32(v.Revision)
}

// Uint64 returns the version as one number whose order is the versions'
// order.
func (v Version) Uint64() uint64 {
	ms, ls := v.Parts()
	return uint64(ms)<<32 | uint64(ls)
}

// Compare returns -1, 0 or +1 as v is older than, equal to or newer than w.
func (v Version) Compare(w Version) int {
	a, b := v.Uint64(), w.Uint64()
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// String returns "major.minor.build.revision", always four parts.
func (v Version) String() string {
	return fmt.Sprintf("%d.%d.%d.%d", v.Major, v.Minor, v.Build, v.Revision)
}

// ParseVersion parses "a", "a.b", "a.b.c" or "a.b.c.d" (decimal parts of at
// most 65535; missing parts are zero), the form of KB file lists and of
// the Windows Installer File table's Version column.
func ParseVersion(s string) (Version, error) {
	fields := strings.Split(s, ".")
	if s == "" || len(fields) > 4 {
		return Version{}, fmt.Errorf("pever: %w: %q is not of the form a.b.c.d", ErrVersionSyntax, s)
	}
	var parts [4]uint16
	for i, f := range fields {
		n, err := strconv.ParseUint(f, 10, 16)
		if err != nil {
			return Version{}, fmt.Errorf("pever: %w: %q: part %q is not a number from 0 to 65535", ErrVersionSyntax, s, f)
		}
		parts[i] = uint16(n)
	}
	return Version{parts[0], parts[1], parts[2], parts[3]}, nil
}
