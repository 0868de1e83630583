package msi

import "fmt"

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
	typeWidthMask   ColumnType = 0x00ff
)

// IsBinary reports a binary column: its cells name a stream holding the
// data ("Table.Key").
func (t ColumnType) IsBinary() bool {
	return t&TypeString != 0 && t&TypeNoBinary == 0 && t.Width() == 0 && t&TypeLocalizable == 0
}

// IsString reports a string column (not binary).
func (t ColumnType) IsString() bool { return t&TypeString != 0 && !t.IsBinary() }

// IsInteger reports an integer column.
func (t ColumnType) IsInteger() bool { return t&TypeString == 0 }

// Nullable reports whether cells may be null.
func (t ColumnType) Nullable() bool { return t&TypeNullable != 0 }

// Localizable reports a localizable string column.
func (t ColumnType) Localizable() bool { return t&TypeLocalizable != 0 }

// Key reports a primary-key column.
func (t ColumnType) Key() bool { return t&TypeKey != 0 }

// Width is the maximum string length (0: unlimited) or the integer size in
// bytes (2 or 4).
func (t ColumnType) Width() int { return int(t & typeWidthMask) }

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

// storageSize is how many bytes a cell takes in a table stream.
func (t ColumnType) storageSize(refSize int) int {
	switch {
	case t.IsBinary():
		return 2
	case t.IsString():
		return refSize
	case t.Width() <= 2:
		return 2
	}
	return 4
}

// Column describes one column of a table.
type Column struct {
	Name   string
	Number int // 1-based position
	Type   ColumnType
}
