package msi

import (
	"fmt"
	"path/filepath"
	"testing"

	"github.com/msikit/msikit/internal/testutil"
	"github.com/msikit/msikit/msi/internal/tablecodec"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestStandardColumns(t *testing.T) {
	// Every standard layout parses, has a key, and the File layouts keep
	// their order: the current (Sequence i4) first.
	for name := range standardTables {
		ls := StandardColumns(name)
		require.NotEmpty(t, ls, name)
		for _, l := range ls {
			assert.True(t, hasKey(l), name)
		}
	}
	assert.Equal(t, "File:s72* Component_:s72 FileName:l255 FileSize:i4 Version:S72 Language:S20 Attributes:I2 Sequence:i4", layoutText(StandardColumns("File")[0]))
	assert.Nil(t, StandardColumns("NoSuchTable"))
	// The types are the bits Windows stores.
	for s, want := range map[string]ColumnType{"s72": 0x0D48, "S255": 0x1DFF, "l0": 0x0F00, "L64": 0x1F40, "i2": 0x0502, "I2": 0x1502, "i4": 0x0104, "I4": 0x1104, "v0": 0x0900, "V0": 0x1900} {
		got, ok := parseIDTType(s)
		require.True(t, ok, s)
		assert.Equal(t, want, got, s)
		assert.Equal(t, s, got.IDT())
	}
	for _, bad := range []string{"", "x1", "i3", "v5", "s", "s256"} {
		_, ok := parseIDTType(bad)
		assert.False(t, ok, bad)
	}

	// Every table of the corpus packages that has a standard layout is
	// stored like one of them: same names, keys, and cell kinds and sizes
	// (string widths vary between schema versions and do not matter here).
	shape := func(cols []Column) string {
		s := ""
		for _, c := range cols {
			s += fmt.Sprintf("%s/%v/%d/%v ", c.Name, c.Type.Key(), tablecodec.Type(c.Type).Size(2), c.Type.IsBinary() || c.Type.IsInteger())
		}
		return s
	}
	checked := 0
	for _, f := range testutil.CorpusFiles(t, ".msi", ".msm", ".msp") {
		p, err := Open(f)
		if err != nil {
			continue
		}
		names, err := p.Tables()
		if err != nil {
			p.Close()
			continue
		}
		for _, n := range names {
			ls := StandardColumns(n)
			cols, err := p.columnsOf(n)
			if ls == nil || err != nil {
				continue
			}
			// A package may append columns of its own (vcredist's Feature).
			match := false
			for _, l := range ls {
				match = match || len(cols) >= len(l) && shape(cols[:len(l)]) == shape(l)
			}
			assert.True(t, match, "%s: %s: %s", filepath.Base(f), n, shape(cols))
			checked++
		}
		p.Close()
	}
	assert.Greater(t, checked, 500, "tables compared")
}

func hasKey(cols []Column) bool {
	for _, c := range cols {
		if c.Type.Key() {
			return true
		}
	}
	return false
}

// layoutText writes columns as the schema does: "Name:s72* ...".
func layoutText(cols []Column) string {
	s := ""
	for i, c := range cols {
		if i > 0 {
			s += " "
		}
		s += c.Name + ":" + c.Type.IDT()
		if c.Type.Key() {
			s += "*"
		}
	}
	return s
}
