package manifest

import (
	"encoding/hex"
	"strings"
	"time"
)

// Matches reports whether the entry is for a file called name on
// platform. Names compare case-insensitively, as Windows does; a path is
// reduced to its last element. platform may be any alias ParsePlatform
// reads ("IA-64" as a PE reader reports it, say); "" matches every
// platform, for a caller that does not know it yet. An entry with no
// platform matches every platform.
func (e *Entry) Matches(name, platform string) bool {
	if !e.MatchesName(name) {
		return false
	}
	if platform == "" || e.Platform == "" {
		return true
	}
	p, err := ParsePlatform(platform)
	return err == nil && p == e.Platform
}

// MatchesName reports whether name (or the last element of a slash- or
// backslash-separated path) is the entry's name, ignoring case.
func (e *Entry) MatchesName(name string) bool {
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	return strings.EqualFold(name, e.Name)
}

// MatchesPath reports whether a slash- or backslash-separated relative
// path is the entry's, ignoring case; true when the entry has no path.
func (e *Entry) MatchesPath(path string) bool {
	if e.Path == "" {
		return true
	}
	return strings.EqualFold(strings.TrimPrefix(strings.ReplaceAll(path, `\`, "/"), "./"), e.Path)
}

// MatchesVersion reports whether a file's version agrees with the entry:
// v is "" (or "n/a") for a file without a version, or a.b.c.d in any of
// the spellings ParseVersion reads. An entry without a version matches
// anything; an NA entry only a file without one.
func (e *Entry) MatchesVersion(v string) bool {
	if e.Version == "" {
		return true
	}
	if v == "" {
		v = NA
	}
	n, err := ParseVersion(v)
	return err == nil && n == e.Version
}

// MatchesSize reports whether size is the entry's size.
func (e *Entry) MatchesSize(size int64) bool { return size == e.Size }

// MatchesTime reports whether t, in any zone, is the entry's date and
// time at the precision the entry gives: to the minute for "01:40", so
// 01:40:58 matches and 01:41 does not. An entry without a date matches
// any time.
func (e *Entry) MatchesTime(t time.Time) bool {
	if e.Modified.IsZero() {
		return true
	}
	p := e.Precision
	if p <= 0 {
		p = time.Second
	}
	return t.UTC().Truncate(p).Equal(e.Modified)
}

// MatchesSHA256 reports whether sum is the entry's SHA-256; true when the
// entry has none.
func (e *Entry) MatchesSHA256(sum []byte) bool {
	return e.SHA256 == "" || e.SHA256 == hex.EncodeToString(sum)
}

// MatchesMD5 reports whether sum is the entry's MD5; true when the entry
// has none.
func (e *Entry) MatchesMD5(sum []byte) bool {
	return e.MD5 == "" || e.MD5 == hex.EncodeToString(sum)
}
