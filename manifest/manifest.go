package manifest

import (
	"fmt"
	"strings"
	"time"
)

// NA is the value of Entry.Version and Entry.Platform for "not
// applicable": the file has no version resource, or is not a PE image.
// It is a claim to check, unlike the empty string, which means the
// manifest says nothing about the field.
const NA = "n/a"

// Manifest is a vendor's file list: for each variant of a package (a
// service pack level, say), the files it must hold.
type Manifest struct {
	Name        string // short name, e.g. "KB977203"
	Description string
	Source      string // where the list comes from, e.g. the article's address
	// Signed requires every package (MSI, MSP) verified against the
	// manifest to carry an Authenticode signature that matches its
	// content (msikit verify's signature check).
	Signed   bool
	Variants []Variant
}

// Variant is one named file list of a manifest, e.g. "SP1".
type Variant struct {
	Name        string
	Description string
	Entries     []Entry
}

// Entry is one file of a variant. Fields left empty (or zero) are not
// part of the claim, except Size, which every entry has.
type Entry struct {
	// Name is the file name, matched case-insensitively.
	Name string
	// Path is the file's slash-separated path relative to the root of the
	// package or folder, ending in Name; empty when the list gives none.
	Path string
	// Version is "a.b.c.d" (no leading zeros), NA, or empty.
	Version string
	// Size in bytes.
	Size int64
	// Modified is the file's date and time in UTC, truncated to
	// Precision; the zero time when the list gives none.
	Modified time.Time
	// Precision is the resolution Modified was given at: Day, time.Minute
	// or time.Second; 0 when Modified is zero.
	Precision time.Duration
	// Platform is one of the Platform* constants, NA, or empty.
	Platform string
	// SHA256 and MD5 are lowercase hexadecimal digests, or empty.
	SHA256 string
	MD5    string
}

// Day is the Precision of an entry that gives a date but no time.
const Day = 24 * time.Hour

// Variant returns the variant with the given name, compared
// case-insensitively.
func (m *Manifest) Variant(name string) (*Variant, error) {
	for i := range m.Variants {
		if strings.EqualFold(m.Variants[i].Name, name) {
			return &m.Variants[i], nil
		}
	}
	return nil, fmt.Errorf("%w: %q in manifest %s (it has %s)", ErrNoVariant, name, m.Name, strings.Join(m.VariantNames(), ", "))
}

// VariantNames returns the variants' names in the manifest's order.
func (m *Manifest) VariantNames() []string {
	names := make([]string, len(m.Variants))
	for i, v := range m.Variants {
		names[i] = v.Name
	}
	return names
}

// Lookup returns the entries that Match name and platform, in order:
// with platform "" every entry of that name, so a verifier that has not
// yet read a file's machine type sees all candidates.
func (v *Variant) Lookup(name, platform string) []*Entry {
	var out []*Entry
	for i := range v.Entries {
		if v.Entries[i].Matches(name, platform) {
			out = append(out, &v.Entries[i])
		}
	}
	return out
}

// key identifies an entry within a variant: two entries with the same key
// could not be told apart by a verifier.
func (e *Entry) key() string {
	return strings.ToLower(e.Name) + "\x00" + e.Platform + "\x00" + strings.ToLower(e.Path)
}

// String names the entry the way a report would: name, platform and
// path when the manifest gives them.
func (e *Entry) String() string {
	s := e.Name
	if e.Platform != "" && e.Platform != NA {
		s += " (" + e.Platform + ")"
	}
	if e.Path != "" {
		s += " at " + e.Path
	}
	return s
}
