// Package tablecodec reads and writes the cells of a database's tables:
// table streams, stored column by column, and transform records, stored
// row by row. It knows the column types as _Columns stores them and the
// string pool's references; the msi packages turn its cells into values.
// Errors are plain: the caller names the package and wraps its sentinel.
package tablecodec

import (
	"encoding/binary"
	"fmt"

	"github.com/msikit/msikit/msi/internal/stringpool"
)

// Type is a column's type as the _Columns table stores it: a width in
// the low byte and flag bits above (msi.ColumnType).
type Type uint16

// The type bits (msi documents them as ColumnType's constants).
const (
	typeLocalizable Type = 0x0200
	typeNoBinary    Type = 0x0400
	typeString      Type = 0x0800
	typeNullable    Type = 0x1000
	typeKey         Type = 0x2000
	typeWidthMask   Type = 0x00ff
)

// IsBinary reports a binary column: its cells name a stream holding the
// data ("Table.Key").
func (t Type) IsBinary() bool {
	return t&typeString != 0 && t&typeNoBinary == 0 && t.Width() == 0 && t&typeLocalizable == 0
}

// IsString reports a string column (not binary).
func (t Type) IsString() bool { return t&typeString != 0 && !t.IsBinary() }

// IsInteger reports an integer column.
func (t Type) IsInteger() bool { return t&typeString == 0 }

// Nullable reports whether cells may be null.
func (t Type) Nullable() bool { return t&typeNullable != 0 }

// Localizable reports a localizable string column.
func (t Type) Localizable() bool { return t&typeLocalizable != 0 }

// Key reports a primary-key column.
func (t Type) Key() bool { return t&typeKey != 0 }

// Width is the maximum string length (0: unlimited) or the integer size in
// bytes (2 or 4).
func (t Type) Width() int { return int(t & typeWidthMask) }

// Size is how many bytes a cell takes in a table stream, string
// references taking refSize.
func (t Type) Size(refSize int) int {
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

// Kind tells what a cell holds, numbered as msi.ValueKind.
type Kind uint8

// Cell kinds.
const (
	Null    Kind = iota
	Integer      // an integer cell
	String       // a string cell
	Stream       // a binary cell: its stream is named after the row's key
)

// Cell is one decoded cell.
type Cell struct {
	Kind Kind
	Int  int32
	Str  string
}

// DecodeCell decodes one stored cell of type t: a string by its pool ID,
// an integer with its bias removed, a binary cell as a Stream marker.
func DecodeCell(t Type, b []byte, pool *stringpool.Pool) (Cell, error) {
	switch {
	case t.IsBinary():
		if binary.LittleEndian.Uint16(b) == 0 {
			return Cell{}, nil
		}
		return Cell{Kind: Stream}, nil
	case t.IsString():
		id := int(b[0]) | int(b[1])<<8
		if len(b) == 3 {
			id |= int(b[2]) << 16
		}
		if id == 0 {
			return Cell{}, nil
		}
		s, ok := pool.String(id)
		if !ok {
			return Cell{}, fmt.Errorf("string reference %d is outside the string pool (%d strings)", id, pool.Len()-1)
		}
		return Cell{Kind: String, Str: s}, nil
	case len(b) == 2:
		raw := binary.LittleEndian.Uint16(b)
		if raw == 0 {
			return Cell{}, nil
		}
		return Cell{Kind: Integer, Int: int32(int16(raw ^ 0x8000))}, nil
	}
	raw := binary.LittleEndian.Uint32(b)
	if raw == 0 {
		return Cell{}, nil
	}
	return Cell{Kind: Integer, Int: int32(raw ^ 0x80000000)}, nil
}

// AppendCell stores one cell as tables and transforms hold it: a string
// by its pool ID (id), an integer with its bias, a binary cell as 1 (its
// stream is named after the row's key), null as 0.
func AppendCell(out []byte, t Type, size int, c Cell, id int) []byte {
	var raw uint32
	switch {
	case c.Kind == Null:
	case t.IsBinary():
		raw = 1
	case t.IsString():
		raw = uint32(id)
	case size == 2:
		raw = uint32(uint16(c.Int) ^ 0x8000)
	default:
		raw = uint32(c.Int) ^ 0x80000000
	}
	switch size {
	case 2:
		return binary.LittleEndian.AppendUint16(out, uint16(raw))
	case 3:
		return append(out, byte(raw), byte(raw>>8), byte(raw>>16))
	}
	return binary.LittleEndian.AppendUint32(out, raw)
}
