package transform

import (
	"strings"

	"github.com/msikit/msikit/internal/oleps"
	"github.com/msikit/msikit/msi"
)

// Target is what a transform's summary information says about the
// package it applies to (the base) and the package it makes.
type Target struct {
	ProductCode string // the base package's product code
	Version     string // the base package's ProductVersion
	Platform    string // the base package's platform, from Template
	Languages   []int  // the base package's languages, from Template
	UpgradeCode string

	NewProductCode string
	NewVersion     string
	NewPlatform    string // from LastSavedBy
	NewLanguages   []int  // from LastSavedBy
}

// TargetOf decodes a transform's summary information: Template and
// LastSavedBy, "platform;languages" of the base and the new package, and
// RevisionNumber, "{old product code}old version;{new product code}new
// version;{upgrade code}". Parts that are missing are left empty.
func TargetOf(s *msi.SummaryInfo) Target {
	var t Target
	if s == nil {
		return t
	}
	parts := strings.Split(s.RevisionNumber, ";")
	split := func(p string) (string, string) {
		if len(p) >= guidLen && isGUID(p[:guidLen]) {
			return p[:guidLen], p[guidLen:]
		}
		return "", p
	}
	if len(parts) > 0 {
		t.ProductCode, t.Version = split(parts[0])
	}
	if len(parts) > 1 {
		t.NewProductCode, t.NewVersion = split(parts[1])
	}
	if len(parts) > 2 {
		t.UpgradeCode = parts[2]
	}
	// LastSavedBy is the new package's "platform;languages", as
	// Template is the base's.
	next := &msi.SummaryInfo{Template: s.LastSavedBy}
	t.Languages, t.NewLanguages = s.Languages(), next.Languages()
	if pl := s.Platforms(); len(pl) > 0 {
		t.Platform = pl[0]
	}
	if pl := next.Platforms(); len(pl) > 0 {
		t.NewPlatform = pl[0]
	}
	return t
}

// guidLen is the length of a GUID in braces, "{XXXXXXXX-XXXX-...}".
const guidLen = 38

func isGUID(s string) bool {
	if len(s) != guidLen || s[0] != '{' || s[guidLen-1] != '}' {
		return false
	}
	_, err := oleps.ParseGUID(s)
	return err == nil
}
