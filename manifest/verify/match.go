package verify

import (
	"fmt"
	"strings"
	"time"

	"github.com/msikit/msikit/manifest"
)

// tiers are the ways a file can be an entry's, strongest first; every
// tier also needs the name. A file goes to the first entry that claims it
// in the strongest tier, so the bytes' platform outranks the folder's:
// two platforms' builds swapped between their folders are each matched
// to the entry they are, and each reported for the folder it is in.
var tiers = []func(e *manifest.Entry, f *File) bool{
	// The entry's path.
	func(e *manifest.Entry, f *File) bool { return e.Path != "" && e.MatchesPath(f.Path) },
	// The entry's platform, in a folder that agrees (or names none).
	func(e *manifest.Entry, f *File) bool {
		return samePlatform(e, f) && (f.folderPlatform == "" || f.Machine == 0 || f.folderPlatform == f.Platform)
	},
	// The entry's platform, in a folder for another.
	samePlatform,
	// A folder for the entry's platform, whatever the bytes say.
	func(e *manifest.Entry, f *File) bool { return e.Platform != "" && f.folderPlatform == e.Platform },
	// The name alone.
	func(*manifest.Entry, *File) bool { return true },
}

func samePlatform(e *manifest.Entry, f *File) bool {
	return e.Platform == "" || e.Platform == f.Platform
}

// match pairs each entry of v with at most one of files, and returns the
// results in entry order and the files left over.
func match(v *manifest.Variant, files []*File) ([]Result, []*File) {
	byName := map[string][]int{}
	for j, f := range files {
		k := strings.ToLower(f.Name)
		byName[k] = append(byName[k], j)
	}
	results := make([]Result, len(v.Entries))
	done := make([]bool, len(v.Entries))
	taken := make([]bool, len(files))
	for _, tier := range tiers {
		for i := range v.Entries {
			if done[i] {
				continue
			}
			e := &v.Entries[i]
			best := -1
			var bestM []Mismatch
			for _, j := range byName[strings.ToLower(e.Name)] {
				if taken[j] || !tier(e, files[j]) {
					continue
				}
				// Among files of a tier, the one closest to the entry:
				// fewest mismatches, then nearest in time (a copy made
				// later is the extra one), then first in path order.
				m := compare(e, files[j])
				if best < 0 || len(m) < len(bestM) ||
					len(m) == len(bestM) && timeDistance(e, files[j]) < timeDistance(e, files[best]) {
					best, bestM = j, m
				}
			}
			if best < 0 {
				continue
			}
			done[i], taken[best] = true, true
			results[i] = Result{Entry: *e, File: files[best], Mismatches: bestM, Status: StatusOK}
			if len(bestM) > 0 {
				results[i].Status = StatusFail
			}
		}
	}
	for i := range v.Entries {
		if done[i] {
			continue
		}
		e := v.Entries[i]
		msg := "no file named " + e.Name
		if e.Platform != "" && e.Platform != manifest.NA {
			msg += " for " + e.Platform
		}
		if n := len(byName[strings.ToLower(e.Name)]); n > 0 {
			msg += fmt.Sprintf(" (the %d files of that name are other entries')", n)
		}
		results[i] = Result{Entry: e, Status: StatusMissing,
			Mismatches: []Mismatch{{Field: FieldMissing, Expected: e.String(), Message: msg}}}
	}
	var extra []*File
	for j, f := range files {
		if !taken[j] {
			extra = append(extra, f)
		}
	}
	return results, extra
}

// compare lists how a file differs from an entry: the entry's claims
// first, in the manifest's order of fields, then the file's own problems.
func compare(e *manifest.Entry, f *File) []Mismatch {
	var out []Mismatch
	add := func(field, want, got, msg string) {
		out = append(out, Mismatch{Field: field, Expected: want, Found: got, Message: msg})
	}
	if e.Path != "" && !e.MatchesPath(f.Path) {
		add(FieldPath, e.Path, f.Path, fmt.Sprintf("expected at %s, found at %s", e.Path, f.Path))
	}
	sizeOK := e.MatchesSize(f.Size)
	// A file of the wrong size whose PE facts cannot be read (a truncated
	// image) is wrong in its size; that its version and platform are
	// unknown is said there rather than as mismatches of their own.
	unreadable := ""
	if e.Version != "" {
		switch {
		case f.Version == "":
			why := f.VersionError
			if why == "" {
				why = "not read"
			}
			if sizeOK {
				add(FieldVersion, e.Version, "unreadable", fmt.Sprintf("expected %s, the version cannot be read: %s", e.Version, why))
			} else {
				unreadable = why
			}
		case !e.MatchesVersion(f.Version):
			add(FieldVersion, e.Version, f.Version, fmt.Sprintf("expected %s, found %s", versionText(e.Version), versionText(f.Version)))
		}
	}
	if !sizeOK {
		msg := fmt.Sprintf("expected %d bytes, found %d", e.Size, f.Size)
		if unreadable != "" || (e.Platform != "" && f.Platform == "" && f.VersionError != "") {
			msg += " (its PE version and platform cannot be read: " + f.VersionError + ")"
		}
		add(FieldSize, fmt.Sprint(e.Size), fmt.Sprint(f.Size), msg)
	}
	if !e.Modified.IsZero() && !e.MatchesTime(f.Modified) {
		got := "none"
		if !f.Modified.IsZero() {
			got = f.Modified.UTC().Format("2006-01-02 15:04:05")
		}
		want := formatEntryTime(e)
		add(FieldDate, want, got, fmt.Sprintf("expected %s UTC, found %s", want, got))
	}
	platformWrong := false
	if e.Platform != "" && e.Platform != f.Platform && (sizeOK || f.Platform != "") {
		got := f.Platform
		if got == "" {
			got = "unknown"
		}
		platformWrong = true
		add(FieldPlatform, e.Platform, got, fmt.Sprintf("expected %s, found %s", platformText(e.Platform), platformText(got)))
	}
	if e.SHA256 != "" && e.SHA256 != f.SHA256 {
		add(FieldSHA256, e.SHA256, f.SHA256, fmt.Sprintf("expected %s, found %s", e.SHA256, f.SHA256))
	}
	if e.MD5 != "" && e.MD5 != f.MD5 {
		add(FieldMD5, e.MD5, f.MD5, fmt.Sprintf("expected %s, found %s", e.MD5, f.MD5))
	}
	for _, p := range f.Problems {
		switch {
		case p.Field == FieldChecksum && !sizeOK:
			// A file of another size has another checksum: nothing more
			// is learnt.
			continue
		case p.Field == FieldPlatform && platformWrong && f.folderPlatform == e.Platform:
			// Already said: the image is not of the entry's platform,
			// which is its folder's.
			continue
		}
		out = append(out, p)
	}
	return out
}

func formatEntryTime(e *manifest.Entry) string {
	switch {
	case e.Precision >= manifest.Day:
		return e.Modified.Format("2006-01-02")
	case e.Precision >= time.Minute:
		return e.Modified.Format("2006-01-02 15:04")
	}
	return e.Modified.Format("2006-01-02 15:04:05")
}

func platformText(p string) string {
	if p == manifest.NA {
		return "not a PE image"
	}
	return p
}

func timeDistance(e *manifest.Entry, f *File) time.Duration {
	if e.Modified.IsZero() || f.Modified.IsZero() {
		return 0
	}
	d := f.Modified.Sub(e.Modified)
	if d < 0 {
		d = -d
	}
	return d
}
