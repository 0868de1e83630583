package msi

import (
	"fmt"

	"github.com/msikit/msikit/msi/internal/tablecodec"
)

// ColumnType is a column's type as the _Columns table stores it: a width in
// the low byte and flag bits above.
type ColumnType uint16

// Column type bits.
const (
	TypeValid       ColumnType = 0x0100
	TypeLocalizable ColumnType = 0x0200
	TypeNoBinary    ColumnType = 0x0400 // set on strings and 2-byte integers; clear on binary stream columns
	TypeString      ColumnType = 0x0800
	TypeNullable    ColumnType = 0x1000
	TypeKey         ColumnType = 0x2000
	TypeTemporary   ColumnType = 0x4000
)

// IsBinary reports a binary column: its cells name a stream holding the
// data ("Table.Key").
func (t ColumnType) IsBinary() bool { return tablecodec.Type(t).IsBinary() }

// IsString reports a string column (not binary).
func (t ColumnType) IsString() bool { return tablecodec.Type(t).IsString() }

// IsInteger reports an integer column.
func (t ColumnType) IsInteger() bool { return tablecodec.Type(t).IsInteger() }

// Nullable reports whether cells may be null.
func (t ColumnType) Nullable() bool { return tablecodec.Type(t).Nullable() }

// Localizable reports a localizable string column.
func (t ColumnType) Localizable() bool { return tablecodec.Type(t).Localizable() }

// Key reports a primary-key column.
func (t ColumnType) Key() bool { return tablecodec.Type(t).Key() }

// Width is the maximum string length (0: unlimited) or the integer size in
// bytes (2 or 4).
func (t ColumnType) Width() int { return tablecodec.Type(t).Width() }

// IDT is the type as an exported .idt file writes it: s72, S255, l0, i2,
// I4, v0 (lower case: not nullable).
func (t ColumnType) IDT() string {
	var c byte
	w := t.Width()
	switch {
	case t.IsBinary():
		c, w = 'v', 0
	case t.IsString() && t.Localizable():
		c = 'l'
	case t.IsString():
		c = 's'
	default:
		c = 'i'
	}
	if t.Nullable() {
		c -= 'a' - 'A'
	}
	return fmt.Sprintf("%c%d", c, w)
}

// Column describes one column of a table.
type Column struct {
	Name   string
	Number int // 1-based position
	Type   ColumnType
}
