package msi

import (
	"errors"
	"sort"
	"strings"

	"github.com/msikit/msikit/msi/internal/stringpool"
	"github.com/msikit/msikit/msi/internal/tablecodec"
)

// TableReader reads a database's tables: an open Package, or a Database
// in memory. FileList, MediaList and ReadProductInfo work on either, so a
// database changed in memory (a target with a patch applied) is read as
// it stands, without being saved first.
type TableReader interface {
	// Table returns the named table, or an error wrapping ErrNotFound
	// when the database has none.
	Table(name string) (*Table, error)
	// SummaryInfo returns the summary information, or an error wrapping
	// ErrNotFound when there is none.
	SummaryInfo() (*SummaryInfo, error)
	// HasStream reports whether the database has the named root stream.
	HasStream(name string) bool
}

// optionalTable reads a table the database may lack: nil and no error
// when it has none, but an error when it cannot tell (a damaged catalog),
// so that a damaged package is never taken for one without files.
func optionalTable(r TableReader, name string) (*Table, error) {
	if p, ok := r.(*Package); ok {
		return p.optionalTable(name)
	}
	t, err := r.Table(name)
	if errors.Is(err, ErrNotFound) {
		return nil, nil
	}
	return t, err
}

// errorf is an error about part of r: a package names its file.
func errorf(r TableReader, what string, err error) error {
	if p, ok := r.(*Package); ok {
		return p.errorf(what, err)
	}
	return &Error{What: what, Err: err}
}

// Table is a decoded table: its columns, in order, and its rows, in the
// order the table stream stores them.
type Table struct {
	Name    string
	Columns []Column
	Rows    []Row
}

// Row is one row of a table.
type Row struct {
	Table  *Table
	Values []Value // one per column, in column order
}

// Index returns the position of the named column, or -1.
func (t *Table) Index(column string) int {
	for i, c := range t.Columns {
		if c.Name == column {
			return i
		}
	}
	return -1
}

// Lookup finds the row whose primary key, as text (see Value.String), equals
// key, one string per key column.
func (t *Table) Lookup(key ...string) (Row, bool) {
	var idx []int
	for i, c := range t.Columns {
		if c.Type.Key() {
			idx = append(idx, i)
		}
	}
	if len(idx) != len(key) {
		return Row{}, false
	}
rows:
	for _, r := range t.Rows {
		for k, i := range idx {
			if r.Values[i].String() != key[k] {
				continue rows
			}
		}
		return r, true
	}
	return Row{}, false
}

// Get returns the cell in the named column; a null Value if there is no
// such column.
func (r Row) Get(column string) Value {
	if r.Table == nil {
		return Value{}
	}
	if i := r.Table.Index(column); i >= 0 && i < len(r.Values) {
		return r.Values[i]
	}
	return Value{}
}

// String returns the named cell as text: "" for null (or no such
// column), an integer in decimal.
func (r Row) String(column string) string { return r.Get(column).String() }

// Int returns the named integer cell: 0 for null (or no such column, or
// a string cell). It returns alike with String, one value with the zero
// for null; Get(column).IsNull() tells a null from a 0.
func (r Row) Int(column string) int32 {
	v := r.Get(column)
	if v.Kind != Integer {
		return 0
	}
	return v.Int
}

// streamName is the name of the stream a binary cell of table refers
// to: the table name and the row's key values (val gives the row's cell
// in column i), joined with dots.
func streamName(table string, cols []Column, val func(i int) Value) string {
	parts := []string{table}
	for i, c := range cols {
		if c.Type.Key() {
			parts = append(parts, val(i).String())
		}
	}
	return strings.Join(parts, ".")
}

// streamName is streamName for a row of t.
func (t *Table) streamName(vals []Value) string {
	return streamName(t.Name, t.Columns, func(i int) Value {
		if i < len(vals) {
			return vals[i]
		}
		return Value{}
	})
}

// maxColumns bounds a table's width; Windows Installer allows 32.
const maxColumns = 255

// decodeTable decodes a table stream, stored column by column: all rows'
// first cells, then all rows' second cells, and so on.
func decodeTable(name string, cols []Column, data []byte, pool *stringpool.Pool) (*Table, error) {
	tc, err := tablecodec.NewTable(name, codecColumns(cols), data, pool)
	if err != nil {
		return nil, formatErr("%v", err)
	}
	t := &Table{Name: name, Columns: cols}
	n := tc.Rows()
	vals := make([]Value, 0, n*len(cols))
	for ri := 0; ri < n; ri++ {
		for ci := range cols {
			vals = append(vals, valueOf(tc.Cell(ri, ci)))
		}
	}
	t.Rows = make([]Row, n)
	for ri := range t.Rows {
		t.Rows[ri] = Row{Table: t, Values: vals[ri*len(cols) : (ri+1)*len(cols) : (ri+1)*len(cols)]}
	}
	// Binary cells name their stream after the row's key, known only now.
	for ci, c := range cols {
		if !c.Type.IsBinary() {
			continue
		}
		for _, r := range t.Rows {
			if r.Values[ci].Kind == Stream {
				r.Values[ci].Str = t.streamName(r.Values)
			}
		}
	}
	return t, nil
}

// codecColumns is what the codec needs of columns.
func codecColumns(cols []Column) []tablecodec.Column {
	out := make([]tablecodec.Column, len(cols))
	for i, c := range cols {
		out[i] = tablecodec.Column{Name: c.Name, Type: tablecodec.Type(c.Type)}
	}
	return out
}

// valueOf and cellOf convert between the codec's cells and values, whose
// kinds are numbered alike.
func valueOf(c tablecodec.Cell) Value { return Value{Kind: ValueKind(c.Kind), Int: c.Int, Str: c.Str} }

func cellOf(v Value) tablecodec.Cell {
	return tablecodec.Cell{Kind: tablecodec.Kind(v.Kind), Int: v.Int, Str: v.Str}
}

// Columns of the system tables, which no _Columns row describes.
var (
	tablesColumns  = StandardColumns("_Tables")[0]
	columnsColumns = StandardColumns("_Columns")[0]
	streamsColumns = []Column{
		{Name: "Name", Number: 1, Type: TypeValid | TypeNoBinary | TypeString | TypeKey | 62},
		{Name: "Data", Number: 2, Type: TypeValid | TypeString | TypeNullable},
	}
)

// catalog is what _Tables and _Columns say: the tables, in _Tables order,
// and each one's columns.
type catalog struct {
	names   []string
	columns map[string][]Column
}

func buildCatalog(tablesData, columnsData []byte, pool *stringpool.Pool) (*catalog, error) {
	tt, err := decodeTable("_Tables", tablesColumns, tablesData, pool)
	if err != nil {
		return nil, err
	}
	ct, err := decodeTable("_Columns", columnsColumns, columnsData, pool)
	if err != nil {
		return nil, err
	}
	cat := &catalog{columns: map[string][]Column{}}
	for _, r := range tt.Rows {
		name := r.Values[0].String()
		if name == "" {
			return nil, formatErr("_Tables has a row with no name")
		}
		cat.names = append(cat.names, name)
	}
	for i, r := range ct.Rows {
		table, num, colName, typ := r.Values[0], r.Values[1], r.Values[2], r.Values[3]
		if table.Kind != String || num.Kind != Integer || colName.Kind != String || typ.Kind != Integer {
			return nil, formatErr("_Columns row %d has a null cell", i+1)
		}
		cat.columns[table.Str] = append(cat.columns[table.Str], Column{
			Name: colName.Str, Number: int(num.Int), Type: ColumnType(uint16(typ.Int)),
		})
	}
	for name, cols := range cat.columns {
		sort.Slice(cols, func(i, j int) bool { return cols[i].Number < cols[j].Number })
		if len(cols) > maxColumns {
			return nil, formatErr("table %s has %d columns", name, len(cols))
		}
		for i, c := range cols {
			if c.Number != i+1 {
				return nil, formatErr("table %s: column %s is number %d, want %d", name, c.Name, c.Number, i+1)
			}
		}
	}
	return cat, nil
}
