package transform

import (
	"fmt"
	"strings"

	"github.com/msikit/msikit/msi"
)

// TableChange is what a transform (or a Diff) does to one table.
type TableChange struct {
	Table   string
	Added   bool // the table is created
	Dropped bool // the table is removed
	// Columns is the table's layout after the change, which the rows are
	// decoded with; nil when it is unknown (see Err).
	Columns []msi.Column
	// NewColumns are the columns added (all of them for an added table).
	NewColumns []msi.Column
	Inserted   []RowChange // whole rows (replacing a row with the same key, if any)
	Updated    []RowChange // changed cells of existing rows
	Deleted    []RowChange // rows removed
	// Err says why the rows could not be decoded: the table's columns are
	// unknown (msi.ErrNotFound: give the database, see ChangesFor) or its
	// stream is damaged (msi.ErrFormat). The counts above are then empty.
	Err error
}

// RowChange is one row inserted, updated or deleted.
type RowChange struct {
	Key []string // the primary key, one value per key column, as text
	// Columns names the cells given: every column for an insert, the
	// changed columns for an update, none for a transform's delete (every
	// column for a Diff's).
	Columns []string
	Values  []msi.Value // the new values, parallel to Columns (nil for deletes)
	// Old holds the values before the change, parallel to Columns; only a
	// Diff knows them.
	Old []msi.Value
}

// KeyText is the key as one string, its values separated by "/".
func (r RowChange) KeyText() string { return strings.Join(r.Key, "/") }

// Get returns the new value of the named column and whether the change
// gives it.
func (r RowChange) Get(column string) (msi.Value, bool) {
	for i, c := range r.Columns {
		if c == column && i < len(r.Values) {
			return r.Values[i], true
		}
	}
	return msi.Value{}, false
}

// Rows is the number of rows the change inserts, updates or deletes.
func (c TableChange) Rows() int { return len(c.Inserted) + len(c.Updated) + len(c.Deleted) }

// Changes decodes the transform's changes, table by table in Tables()
// order, without the database it applies to: the layout of a table the
// transform does not add is then taken from the standard Windows Installer
// schema (msi.StandardColumns). A table outside it, or whose stream does not
// decode with any of its layouts, has Err set and no rows; ChangesFor
// decodes every table.
func (t *Transform) Changes() []TableChange {
	out, _ := t.changes(func(table string) [][]msi.Column { return msi.StandardColumns(table) }, false)
	return out
}

// ChangesFor decodes the transform's changes with the layouts of the
// tables of db, the database it applies to (for the tables db lacks, the
// standard schema). An error says which table does not decode.
func (t *Transform) ChangesFor(db *msi.Database) ([]TableChange, error) {
	return t.changes(func(table string) [][]msi.Column {
		if tb := lookupTable(db, table); tb != nil {
			return [][]msi.Column{tb.Columns}
		}
		return msi.StandardColumns(table)
	}, true)
}

func (t *Transform) changes(layouts func(string) [][]msi.Column, strict bool) ([]TableChange, error) {
	var out []TableChange
	for _, name := range t.order {
		if name == tablesTable || name == columnsTable {
			continue
		}
		c := TableChange{Table: name, Added: contains(t.added, name), Dropped: contains(t.dropped, name)}
		if c.Dropped && !c.Added {
			out = append(out, c)
			continue
		}
		var recs []record
		var err error
		c.Columns, recs, err = t.decodeTable(name, layouts(name))
		if err != nil {
			if strict {
				return nil, err
			}
			c.Err = err
			c.NewColumns = t.newColumns[name]
			out = append(out, c)
			continue
		}
		c.NewColumns = c.Columns[len(c.Columns)-len(t.newColumns[name]):]
		for _, r := range recs {
			c.add(r)
		}
		out = append(out, c)
	}
	// Tables that only get columns have no stream of their own.
	for table, cols := range t.newColumns {
		if contains(t.order, table) {
			continue
		}
		c := TableChange{Table: table, Added: contains(t.added, table)}
		base := layouts(table)
		if c.Added {
			c.Columns, _ = numberColumns(nil, cols)
		} else if len(base) > 0 {
			c.Columns, _ = numberColumns(base[0], cols)
		}
		if c.Columns != nil {
			c.NewColumns = c.Columns[len(c.Columns)-len(cols):]
		} else {
			c.NewColumns = cols
		}
		out = append(out, c)
	}
	return out, nil
}

// add files a decoded record under the change it makes.
func (c *TableChange) add(r record) {
	rc := RowChange{Key: keyOf(c.Columns, r.vals)}
	for i, col := range c.Columns {
		if !r.present[i] || r.op == opDelete || (r.op == opUpdate && col.Type.Key()) {
			continue
		}
		rc.Columns = append(rc.Columns, col.Name)
		rc.Values = append(rc.Values, r.vals[i])
	}
	switch r.op {
	case opInsert:
		c.Inserted = append(c.Inserted, rc)
	case opUpdate:
		c.Updated = append(c.Updated, rc)
	default:
		c.Deleted = append(c.Deleted, rc)
	}
}

// layoutFor is a table's layout once the transform's catalog is applied:
// the transform's own columns for a table it adds, else base followed by
// the columns it adds.
func (t *Transform) layoutFor(table string, base []msi.Column) ([]msi.Column, error) {
	if contains(t.added, table) {
		if len(t.newColumns[table]) == 0 {
			return nil, t.errorf("table "+table, formatErr("the transform adds the table without columns"))
		}
		return numberColumns(nil, t.newColumns[table])
	}
	if base == nil {
		return nil, t.errorf("table "+table, fmt.Errorf("%w: the table's columns are unknown (not a standard table: decode with the database it applies to)", msi.ErrNotFound))
	}
	cols, err := numberColumns(base, t.newColumns[table])
	if err != nil {
		return nil, t.errorf("table "+table, err)
	}
	return cols, nil
}

// decodeTable decodes a table's records with the first of the candidate
// base layouts that the whole stream decodes with.
func (t *Transform) decodeTable(table string, bases [][]msi.Column) ([]msi.Column, []record, error) {
	if contains(t.added, table) || len(bases) == 0 {
		cols, err := t.layoutFor(table, nil)
		if err != nil {
			return nil, nil, err
		}
		recs, err := t.records(table, cols)
		return cols, recs, err
	}
	var first error
	for _, base := range bases {
		cols, err := t.layoutFor(table, base)
		if err == nil {
			var recs []record
			if recs, err = t.records(table, cols); err == nil {
				return cols, recs, nil
			}
		}
		if first == nil {
			first = err
		}
	}
	return nil, nil, first
}
