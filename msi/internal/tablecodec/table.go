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

// Table is a table stream read in place: its cells are decoded when
// asked for, so that a table costs its stream's bytes (a few bytes a
// cell) and no more. The stream is stored column by column: all rows'
// first cells, then all rows' second cells, and so on.
type Table struct {
	cols  []Column
	data  []byte
	pool  *stringpool.Pool
	rows  int
	start []int // each column's first byte in data
	size  []int // each column's cell size
}

// NewTable reads a table stream in place, checking every cell once (a
// string reference outside the pool is an error naming the row and
// column), so that Cell never fails. The table keeps data: the caller
// must not change it afterwards.
func NewTable(name string, cols []Column, data []byte, pool *stringpool.Pool) (*Table, error) {
	refSize := pool.RefSize()
	t := &Table{cols: cols, data: data, pool: pool, start: make([]int, len(cols)), size: make([]int, len(cols))}
	rowSize := 0
	for i, c := range cols {
		t.size[i] = c.Type.Size(refSize)
		rowSize += t.size[i]
	}
	if rowSize == 0 {
		return nil, fmt.Errorf("table %s has no columns", name)
	}
	if len(data)%rowSize != 0 {
		return nil, fmt.Errorf("table %s: stream size %d is not a multiple of the row size %d", name, len(data), rowSize)
	}
	t.rows = len(data) / rowSize
	off := 0
	for ci, c := range cols {
		t.start[ci] = off
		off += t.size[ci] * t.rows
		if !c.Type.IsString() {
			continue // any integer or binary marker is valid
		}
		for ri := 0; ri < t.rows; ri++ {
			if _, err := DecodeCell(c.Type, t.raw(ri, ci), pool); err != nil {
				return nil, fmt.Errorf("table %s, row %d, column %s: %v", name, ri+1, c.Name, err)
			}
		}
	}
	return t, nil
}

// Rows is the number of rows.
func (t *Table) Rows() int { return t.rows }

func (t *Table) raw(row, col int) []byte {
	i := t.start[col] + row*t.size[col]
	return t.data[i : i+t.size[col]]
}

// Cell decodes the cell at row and col (0-based). A string shares the
// pool's memory: a cell costs no allocation.
func (t *Table) Cell(row, col int) Cell {
	c, _ := DecodeCell(t.cols[col].Type, t.raw(row, col), t.pool) // NewTable checked it
	return c
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
