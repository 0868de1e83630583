package msi

import (
	"github.com/msikit/msikit/msi/internal/tablecodec"
)

// cells reads a table's cells by row and column number, however the
// table is held: a decoded Table, or a package's table stream read in
// place. FileList and MediaList read a package's tables in place and keep
// none of them: a table then costs its stream's bytes (2 to 4 a cell)
// while the layout is made, not a Value (24 bytes) a cell for as long as
// the package is open, and its strings share the string pool's memory.
type cells interface {
	rows() int
	// col is the position of the named column, or -1.
	col(name string) int
	// cell is the cell at row and col; a null Value when col is -1.
	cell(row, col int) Value
}

// readCells reads a table the database may lack, as optionalTable does:
// nil and no error when it has none.
func readCells(src TableReader, name string) (cells, error) {
	if p, ok := src.(*Package); ok {
		return p.cellsOf(name)
	}
	t, err := optionalTable(src, name)
	if err != nil || t == nil {
		return nil, err
	}
	return tableCells{t}, nil
}

// tableCells is a decoded Table's cells.
type tableCells struct{ t *Table }

func (c tableCells) rows() int           { return len(c.t.Rows) }
func (c tableCells) col(name string) int { return c.t.Index(name) }
func (c tableCells) cell(row, col int) Value {
	if col < 0 {
		return Value{}
	}
	return c.t.Rows[row].Values[col]
}

// streamCells is a table stream read in place.
type streamCells struct {
	name string
	cols []Column
	t    *tablecodec.Table
}

func (c *streamCells) rows() int { return c.t.Rows() }

func (c *streamCells) col(name string) int {
	for i, col := range c.cols {
		if col.Name == name {
			return i
		}
	}
	return -1
}

func (c *streamCells) cell(row, col int) Value {
	if col < 0 {
		return Value{}
	}
	v := valueOf(c.t.Cell(row, col))
	if v.Kind == Stream {
		v.Str = streamName(c.name, c.cols, func(i int) Value { return valueOf(c.t.Cell(row, i)) })
	}
	return v
}

// cellsOf reads a table of the package in place, or gives the decoded
// one when Table has already decoded it; nil when the package has no
// such table, as optionalTable. Nothing is cached.
func (p *Package) cellsOf(name string) (cells, error) {
	if p.kind == KindTransform {
		return nil, nil // its tables hold changes: it has no files, media or directories
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if t, ok := p.tables[name]; ok {
		return tableCells{t}, nil
	}
	cat, err := p.catalogLocked()
	if err != nil {
		return nil, err
	}
	cols, ok := cat.columns[name]
	if !ok || !contains(cat.names, name) {
		return nil, nil
	}
	pool, err := p.poolLocked()
	if err != nil {
		return nil, err
	}
	data, err := p.optionalStream(TableMark + name)
	if err != nil {
		return nil, err
	}
	t, err := tablecodec.NewTable(name, codecColumns(cols), data, pool)
	if err != nil {
		return nil, p.errorf("table "+name, formatErr("%v", err))
	}
	return &streamCells{name: name, cols: cols, t: t}, nil
}
