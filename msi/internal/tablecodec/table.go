package tablecodec

import (
	"fmt"

	"github.com/msikit/msikit/msi/internal/stringpool"
)

// Column is what decoding needs of a column: its type, and its name for
// messages.
type Column struct {
	Name string
	Type Type
}

// DecodeTable decodes a table stream, stored column by column: all rows'
// first cells, then all rows' second cells, and so on. It returns the
// cells row after row, len(cols) to a row.
func DecodeTable(name string, cols []Column, data []byte, pool *stringpool.Pool) ([]Cell, error) {
	refSize := pool.RefSize()
	rowSize := 0
	for _, c := range cols {
		rowSize += c.Type.Size(refSize)
	}
	if rowSize == 0 {
		return nil, fmt.Errorf("table %s has no columns", name)
	}
	if len(data)%rowSize != 0 {
		return nil, fmt.Errorf("table %s: stream size %d is not a multiple of the row size %d", name, len(data), rowSize)
	}
	n := len(data) / rowSize
	cells := make([]Cell, n*len(cols))
	off := 0
	for ci, c := range cols {
		size := c.Type.Size(refSize)
		for ri := 0; ri < n; ri++ {
			b := data[off : off+size]
			off += size
			v, err := DecodeCell(c.Type, b, pool)
			if err != nil {
				return nil, fmt.Errorf("table %s, row %d, column %s: %v", name, ri+1, c.Name, err)
			}
			cells[ri*len(cols)+ci] = v
		}
	}
	return cells, nil
}

// EncodeTable stores rows column by column, as table streams do; ids
// holds each string cell's pool ID.
func EncodeTable(types []Type, rows [][]Cell, ids [][]int, refSize int) []byte {
	var out []byte
	for ci, t := range types {
		size := t.Size(refSize)
		for ri, r := range rows {
			out = AppendCell(out, t, size, r[ci], ids[ri][ci])
		}
	}
	return out
}
