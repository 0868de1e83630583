package names

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestParseDefaultDir(t *testing.T) {
	cases := map[string]DefaultDir{
		"PFiles":                    {"PFiles", "PFiles", "PFiles", "PFiles"},
		"MSIKIT~1|msikit Hello":     {"MSIKIT~1", "msikit Hello", "MSIKIT~1", "msikit Hello"},
		"INSTALL|Install:SRC|Src":   {"INSTALL", "Install", "SRC", "Src"},
		".":                         {},
		".:SourceDir":               {"", "", "SourceDir", "SourceDir"},
		"TARGETDIR:.":               {"TARGETDIR", "TARGETDIR", "", ""},
		"DOCS|Documentation:.|docs": {"DOCS", "Documentation", "", "docs"},
	}
	for in, want := range cases {
		assert.Equal(t, want, ParseDefaultDir(in), in)
	}
	s, l := SplitShortLong("README~1.TXT|readme text.txt")
	assert.Equal(t, []string{"README~1.TXT", "readme text.txt"}, []string{s, l})
}

func TestCheck(t *testing.T) {
	for _, ok := range []string{"", "a", "a b.txt", "..a", "a.."} {
		assert.NoError(t, Check(ok), ok)
	}
	for _, bad := range []string{".", "..", "a/b", `a\b`, "a\x00", "C:", "c:foo"} {
		assert.Error(t, Check(bad), bad)
	}
}
