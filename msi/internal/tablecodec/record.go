package tablecodec

import (
	"encoding/binary"
	"fmt"

	"github.com/msikit/msikit/msi/internal/stringpool"
)

// Op is what a transform record does to a row.
type Op uint8

const (
	Insert Op = iota + 1 // a whole row, inserted or replacing the row with its key
	Update               // chosen columns of the row with its key
	Delete               // the row with its key
)

func (o Op) String() string {
	switch o {
	case Insert:
		return "insert"
	case Update:
		return "update"
	case Delete:
		return "delete"
	}
	return "?"
}

// Bits of a record's 16-bit mask.
const (
	// MaskInsert marks a whole row; the high byte then counts its columns.
	MaskInsert = 0x0001
	// MaskUpdateColumns is how many columns an update mask can name.
	MaskUpdateColumns = 16
)

// Record is one decoded transform record: Cells has one cell per column
// of the table's layout, Present says which the record stores.
type Record struct {
	Op      Op
	Mask    uint16
	Present []bool
	Cells   []Cell
}

// ParseRecords decodes a transform's table stream against cols. Records
// are stored row by row, each a 16-bit mask and then the cells it names,
// with the encodings of table streams and references to the transform's
// own string pool. Binary cells are left unnamed: their stream is named
// after the row's key, which the caller knows how to write.
func ParseRecords(cols []Column, data []byte, pool *stringpool.Pool) ([]Record, error) {
	if len(cols) == 0 {
		return nil, fmt.Errorf("no columns to decode the records with")
	}
	var keys []int
	for i, c := range cols {
		if c.Type.Key() {
			keys = append(keys, i)
		}
	}
	if len(keys) == 0 {
		return nil, fmt.Errorf("the table has no key column")
	}
	refSize := pool.RefSize()
	var recs []Record
	for off := 0; off < len(data); {
		n := len(recs) + 1
		start := off
		if len(data)-off < 2 {
			return nil, fmt.Errorf("record %d at offset %d: 1 byte left, a mask takes 2", n, off)
		}
		mask := binary.LittleEndian.Uint16(data[off:])
		off += 2
		r := Record{Mask: mask, Present: make([]bool, len(cols)), Cells: make([]Cell, len(cols))}
		switch {
		case mask&MaskInsert != 0:
			r.Op = Insert
			count := int(mask >> 8)
			if count == 0 || count > len(cols) {
				return nil, fmt.Errorf("record %d at offset %d (mask 0x%04x): inserts %d columns, the table has %d", n, start, mask, count, len(cols))
			}
			if keys[len(keys)-1] >= count {
				return nil, fmt.Errorf("record %d at offset %d (mask 0x%04x): inserts %d columns, not every key column", n, start, mask, count)
			}
			for i := range count {
				r.Present[i] = true
			}
		case mask == 0:
			r.Op = Delete
		default:
			r.Op = Update
			for i := range MaskUpdateColumns {
				if mask&(1<<i) == 0 {
					continue
				}
				if i >= len(cols) {
					return nil, fmt.Errorf("record %d at offset %d (mask 0x%04x): updates column %d, the table has %d", n, start, mask, i+1, len(cols))
				}
				r.Present[i] = true
			}
		}
		for _, k := range keys {
			r.Present[k] = true
		}
		for i, c := range cols {
			if !r.Present[i] {
				continue
			}
			size := c.Type.Size(refSize)
			if len(data)-off < size {
				return nil, fmt.Errorf("record %d at offset %d (%s): truncated in column %s", n, start, r.Op, c.Name)
			}
			v, err := DecodeCell(c.Type, data[off:off+size], pool)
			if err != nil {
				return nil, fmt.Errorf("record %d at offset %d (%s), column %s: %v", n, start, r.Op, c.Name, err)
			}
			off += size
			r.Cells[i] = v
		}
		for _, k := range keys {
			if r.Cells[k].Kind == Null && !cols[k].Type.Nullable() {
				return nil, fmt.Errorf("record %d at offset %d (%s): key column %s is null", n, start, r.Op, cols[k].Name)
			}
		}
		recs = append(recs, r)
	}
	return recs, nil
}

// AppendRecord writes one record row by row as ParseRecords reads it: the
// mask, then each stored cell, strings by the ID id gives them.
func AppendRecord(out []byte, mask uint16, types []Type, cells []Cell, store []int, id func(string) int, refSize int) []byte {
	out = binary.LittleEndian.AppendUint16(out, mask)
	for _, i := range store {
		t, c := types[i], cells[i]
		n := 0
		if c.Kind == String {
			n = id(c.Str)
		}
		out = AppendCell(out, t, t.Size(refSize), c, n)
	}
	return out
}
