package manifest

import (
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Platforms an entry can name. KB file lists write "IA-64" for Itanium;
// the manifest format writes "ia64" and reads every alias ParsePlatform
// knows.
const (
	PlatformX86   = "x86"
	PlatformX64   = "x64"
	PlatformIA64  = "ia64"
	PlatformARM   = "arm"
	PlatformARM64 = "arm64"
)

// ParsePlatform normalises a platform name, ignoring case: "x86", "i386",
// "Intel" and "Win32" give PlatformX86; "x64", "AMD64", "x86_64" and
// "x86-64" PlatformX64; "ia64", "IA-64" and "Itanium" PlatformIA64;
// "ARM" and "ARM64" their constants; "n/a", "NA", "Not applicable" and
// "none" give NA. "Intel64" is refused: Windows Installer uses it for
// Itanium and Intel for x64, and a manifest must not be ambiguous.
func ParsePlatform(s string) (string, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "x86", "i386", "intel", "win32":
		return PlatformX86, nil
	case "x64", "amd64", "x86_64", "x86-64":
		return PlatformX64, nil
	case "ia64", "ia-64", "itanium":
		return PlatformIA64, nil
	case "arm", "armnt":
		return PlatformARM, nil
	case "arm64", "aarch64":
		return PlatformARM64, nil
	case "n/a", "na", "not applicable", "none":
		return NA, nil
	}
	return "", fmt.Errorf("platform %q is not x86, x64, ia64, arm, arm64 or n/a", s)
}

// ParseVersion normalises a file version: "a.b.c.d" with four decimal
// parts from 0 to 65535 (as VS_FIXEDFILEINFO and the File table hold
// them) gives the same without leading zeros; "n/a" or "Not applicable"
// in any case gives NA.
func ParseVersion(s string) (string, error) {
	t := strings.TrimSpace(s)
	if strings.EqualFold(t, NA) || strings.EqualFold(t, "not applicable") {
		return NA, nil
	}
	parts := strings.Split(t, ".")
	if len(parts) != 4 {
		return "", fmt.Errorf("version %q is not of the form a.b.c.d or n/a", s)
	}
	var b strings.Builder
	for i, p := range parts {
		if p == "" || len(p) > 5 || strings.TrimLeft(p, "0123456789") != "" {
			return "", fmt.Errorf("version %q: part %q is not a number from 0 to 65535", s, p)
		}
		n, err := strconv.ParseUint(p, 10, 16)
		if err != nil {
			return "", fmt.Errorf("version %q: part %q is not a number from 0 to 65535", s, p)
		}
		if i > 0 {
			b.WriteByte('.')
		}
		b.WriteString(strconv.FormatUint(n, 10))
	}
	return b.String(), nil
}

// versionParts splits a normalised version; ok is false for NA and "".
func versionParts(v string) (p [4]uint16, ok bool) {
	f := strings.Split(v, ".")
	if len(f) != 4 {
		return p, false
	}
	for i, s := range f {
		n, err := strconv.ParseUint(s, 10, 16)
		if err != nil {
			return p, false
		}
		p[i] = uint16(n)
	}
	return p, true
}

// maxSize keeps sizes exact in JSON (2^53-1), where every consumer reads
// numbers as doubles; the schema says the same.
const maxSize = 1<<53 - 1

// parseSize reads a decimal size; KB tables add thousands separators,
// which the caller strips first.
func parseSize(s string) (int64, error) {
	if s == "" || len(s) > 16 || strings.TrimLeft(s, "0123456789") != "" {
		return 0, fmt.Errorf("size %q is not a whole number of bytes", s)
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n > maxSize {
		return 0, fmt.Errorf("size %q is larger than %d", s, int64(maxSize))
	}
	return n, nil
}

// parseDate reads YYYY-MM-DD.
func parseDate(s string) (time.Time, error) {
	t, err := time.Parse("2006-01-02", s)
	if err != nil || len(s) != 10 {
		return time.Time{}, fmt.Errorf("date %q is not of the form YYYY-MM-DD", s)
	}
	return t, checkYear(t)
}

// parseClock reads HH:MM or HH:MM:SS as an offset into the day, and the
// precision it was written at.
func parseClock(s string) (time.Duration, time.Duration, error) {
	layout, prec := "15:04", time.Minute
	if len(s) == 8 {
		layout, prec = "15:04:05", time.Second
	}
	t, err := time.Parse(layout, s)
	if err != nil || len(s) != len(layout) {
		return 0, 0, fmt.Errorf("time %q is not of the form HH:MM or HH:MM:SS (UTC)", s)
	}
	return time.Duration(t.Hour())*time.Hour + time.Duration(t.Minute())*time.Minute + time.Duration(t.Second())*time.Second, prec, nil
}

// parseTimestamp reads a combined date and time, RFC 3339 style with "T"
// or a space between them, seconds optional, and a zone optional (UTC
// when absent, as the format's times are UTC).
func parseTimestamp(s string) (time.Time, time.Duration, error) {
	bad := fmt.Errorf("timestamp %q is not of the form YYYY-MM-DDTHH:MM[:SS][Z|±HH:MM]", s)
	if len(s) < 16 || (s[10] != 'T' && s[10] != 't' && s[10] != ' ') {
		return time.Time{}, 0, bad
	}
	d, err := parseDate(s[:10])
	if err != nil {
		return time.Time{}, 0, bad
	}
	rest := s[11:]
	clock := rest
	zone := time.UTC
	if i := strings.IndexAny(rest, "Zz+-"); i >= 0 {
		clock = rest[:i]
		if z := rest[i:]; z != "Z" && z != "z" {
			zt, err := time.Parse("-07:00", z)
			if err != nil {
				return time.Time{}, 0, bad
			}
			_, off := zt.Zone()
			zone = time.FixedZone("", off)
		}
	}
	off, prec, err := parseClock(clock)
	if err != nil {
		return time.Time{}, 0, bad
	}
	t := time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, zone).Add(off).UTC()
	return t, prec, checkYear(t)
}

// checkYear keeps dates within years 1 to 9999, which YYYY-MM-DD can
// write back: a zone offset or a year 0000 could leave that range.
func checkYear(t time.Time) error {
	if y := t.UTC().Year(); y < 1 || y > 9999 {
		return fmt.Errorf("date %s is outside the years 0001 to 9999", t.UTC().Format("2006-01-02"))
	}
	return nil
}

// parseDigest reads a hexadecimal digest of n bytes, in either case.
func parseDigest(s, algo string, n int) (string, error) {
	b, err := hex.DecodeString(s)
	if err != nil || len(b) != n {
		return "", fmt.Errorf("%s %q is not %d hexadecimal digits", algo, s, 2*n)
	}
	return hex.EncodeToString(b), nil
}

// maxName bounds names and paths; Windows paths are at most 32767 UTF-16
// units, names 255.
const (
	maxName = 255
	maxPath = 4096
)

// checkName accepts a file name: no separators, no control characters.
func checkName(s string) error {
	switch {
	case s == "":
		return errors.New("file name is empty")
	case !utf8.ValidString(s):
		return fmt.Errorf("file name %q is not UTF-8", s)
	case utf8.RuneCountInString(s) > maxName:
		return fmt.Errorf("file name of %d characters is longer than %d", utf8.RuneCountInString(s), maxName)
	case strings.ContainsAny(s, `/\`):
		return fmt.Errorf("file name %q has a path separator (put the directories in path)", s)
	case s == "." || s == "..":
		return fmt.Errorf("file name %q is not a file", s)
	case strings.IndexFunc(s, unicode.IsControl) >= 0:
		return fmt.Errorf("file name %q has a control character", s)
	}
	return nil
}

// cleanPath normalises a relative path (backslashes, as Windows lists
// write them, become slashes) and checks that it ends in name.
func cleanPath(p, name string) (string, error) {
	if utf8.RuneCountInString(p) > maxPath {
		return "", fmt.Errorf("path of %d characters is longer than %d", utf8.RuneCountInString(p), maxPath)
	}
	s := strings.TrimPrefix(strings.ReplaceAll(p, `\`, "/"), "./")
	if s == "" || s[0] == '/' || (len(s) > 1 && s[1] == ':') {
		return "", fmt.Errorf("path %q is not relative", p)
	}
	elems := strings.Split(s, "/")
	for _, e := range elems {
		if e == "" || e == "." || e == ".." || strings.IndexFunc(e, unicode.IsControl) >= 0 {
			return "", fmt.Errorf("path %q has an empty, \".\", \"..\" or control-character element", p)
		}
	}
	if name != "" && !strings.EqualFold(elems[len(elems)-1], name) {
		return "", fmt.Errorf("path %q does not end in the entry's name %q", p, name)
	}
	return s, nil
}
