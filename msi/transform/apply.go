package transform

import (
	"fmt"
	"strings"

	"github.com/msikit/msikit/msi"
)

// Apply applies the transform to db, ignoring the error conditions its
// summary lists (as msiexec does for the transforms of a patch; none when
// it has no summary). See ApplyWith.
func (t *Transform) Apply(db *msi.Database) error { return t.ApplyWith(db, t.Validation().Ignore) }

// ApplyWith applies the transform to db, ignoring the conditions in
// ignore (see ErrorConditions); any other conflict is an error wrapping
// ErrConflict, and a record that does not decode one wrapping msi.ErrFormat.
// Tables and columns are added or dropped first, then each table's records
// are applied in stream order: an insert adds a row (or replaces the row
// with its key, when IgnoreAddExistingRow), an update sets the cells it
// names, a delete removes the row. Binary cells take their data from the
// transform's streams. On error db is left unchanged.
//
// Transforms cannot change the summary information, the streams that are
// not binary cells (cabinets) or sub-storages: those are left as they are.
func (t *Transform) ApplyWith(db *msi.Database, ignore ErrorConditions) error {
	if cp := t.pool.Codepage; cp != 0 && cp != db.Codepage {
		if db.Codepage != 0 && ignore&IgnoreChangeCodepage == 0 {
			return t.errorf("", fmt.Errorf("%w: the transform's code page %d is not the database's, %d", ErrConflict, cp, db.Codepage))
		}
	}
	if t.data["_Streams"] != nil || t.data["_Storages"] != nil {
		return t.errorf("", fmt.Errorf("%w: changes to _Streams or _Storages", msi.ErrUnsupported))
	}
	a := &applier{t: t, db: db, ignore: ignore, tables: append([]*msi.Table(nil), db.Tables()...), cloned: map[*msi.Table]bool{}}
	if err := a.catalog(); err != nil {
		return err
	}
	for _, name := range t.order {
		if name == tablesTable || name == columnsTable || t.data[name] == nil {
			continue
		}
		if err := a.table(name); err != nil {
			return err
		}
	}
	// Nothing failed: commit.
	if err := db.SetTables(a.tables); err != nil {
		return t.errorf("", err)
	}
	if cp := t.pool.Codepage; cp != 0 && db.Codepage == 0 {
		db.Codepage = cp
	}
	for _, op := range a.streams {
		if op.del {
			db.DeleteStream(op.name)
		} else {
			db.SetStream(op.name, op.data)
		}
	}
	return nil
}

// applier stages a transform's changes on copies of the tables it changes,
// so that a failure leaves the database as it was.
type applier struct {
	t       *Transform
	db      *msi.Database
	ignore  ErrorConditions
	tables  []*msi.Table
	cloned  map[*msi.Table]bool
	streams []streamOp
}

type streamOp struct {
	name string
	data []byte
	del  bool
}

func (a *applier) find(name string) (int, *msi.Table) {
	for i, tb := range a.tables {
		if tb.Name == name {
			return i, tb
		}
	}
	return -1, nil
}

// writable returns a copy of the named table that the applier owns.
func (a *applier) writable(name string) *msi.Table {
	i, tb := a.find(name)
	if tb == nil {
		return nil
	}
	if !a.cloned[tb] {
		c := &msi.Table{Name: tb.Name, Columns: append([]msi.Column(nil), tb.Columns...), Rows: make([]msi.Row, len(tb.Rows))}
		for j, r := range tb.Rows {
			c.Rows[j] = msi.Row{Table: c, Values: append([]msi.Value(nil), r.Values...)}
		}
		a.tables[i] = c
		a.cloned[c] = true
		tb = c
	}
	return tb
}

func (a *applier) conflict(table, format string, args ...any) error {
	return a.t.errorf("table "+table, fmt.Errorf("%w: %s", ErrConflict, fmt.Sprintf(format, args...)))
}

// catalog drops and adds tables and adds columns.
func (a *applier) catalog() error {
	t := a.t
	for _, name := range t.dropped {
		i, tb := a.find(name)
		if tb == nil {
			if a.ignore&IgnoreDelMissingTable == 0 {
				return a.conflict(name, "dropping a table the database does not have")
			}
			continue
		}
		for _, r := range tb.Rows {
			for _, v := range r.Values {
				if v.Kind == msi.Stream {
					a.streams = append(a.streams, streamOp{name: v.Str, del: true})
				}
			}
		}
		a.tables = append(a.tables[:i:i], a.tables[i+1:]...)
	}
	for _, name := range t.added {
		if _, tb := a.find(name); tb != nil {
			if a.ignore&IgnoreAddExistingTable == 0 {
				return a.conflict(name, "adding a table the database has")
			}
			continue
		}
		cols, err := t.layoutFor(name, nil)
		if err != nil {
			return err
		}
		tb := &msi.Table{Name: name, Columns: cols}
		a.tables = append(a.tables, tb)
		a.cloned[tb] = true
	}
	for name, cols := range t.newColumns {
		if contains(t.added, name) {
			if _, tb := a.find(name); tb != nil && a.cloned[tb] && len(tb.Rows) == 0 && len(tb.Columns) == len(cols) {
				continue // created above with these columns
			}
		}
		tb := a.writable(name)
		if tb == nil {
			if contains(t.dropped, name) {
				continue
			}
			return a.conflict(name, "adding columns to a table the database does not have")
		}
		var fresh []msi.Column
		for _, c := range cols {
			if tb.Index(c.Name) < 0 {
				fresh = append(fresh, msi.Column{Name: c.Name, Type: c.Type})
			} else if !contains(t.added, name) {
				return a.conflict(name, "adding column %s, which the table has", c.Name)
			}
		}
		all, err := numberColumns(tb.Columns, fresh)
		if err != nil {
			return t.errorf("table "+name, err)
		}
		for _, c := range fresh {
			if c.Type.Key() {
				return t.errorf("table "+name, formatErr("adds key column %s to an existing table", c.Name))
			}
		}
		tb.Columns = all
		for j := range tb.Rows {
			tb.Rows[j].Values = append(tb.Rows[j].Values, make([]msi.Value, len(fresh))...)
		}
	}
	return nil
}

// table applies the records of one table.
func (a *applier) table(name string) error {
	t := a.t
	tb := a.writable(name)
	if tb == nil {
		if contains(t.dropped, name) {
			return nil // a dropped table's leftover records
		}
		// Windows defers the records of a table the database lacks
		// until it is added; no later transform adds it here.
		return a.conflict(name, "changing rows of a table the database does not have")
	}
	recs, err := t.records(name, tb.Columns)
	if err != nil {
		return err
	}
	index := make(map[string]int, len(tb.Rows))
	for i, r := range tb.Rows {
		index[keyString(keyOf(tb.Columns, r.Values))] = i
	}
	deleted := make([]bool, len(tb.Rows))
	for n, r := range recs {
		key := keyOf(tb.Columns, r.vals)
		ks := keyString(key)
		i, exists := index[ks]
		switch r.op {
		case opInsert:
			if exists {
				if a.ignore&IgnoreAddExistingRow == 0 {
					return a.conflict(name, "record %d inserts row %s, which exists", n+1, describeKey(key))
				}
				a.dropStreams(tb.Rows[i].Values)
				tb.Rows[i].Values = append([]msi.Value(nil), r.vals...)
			} else {
				index[ks] = len(tb.Rows)
				tb.Rows = append(tb.Rows, msi.Row{Table: tb, Values: append([]msi.Value(nil), r.vals...)})
				deleted = append(deleted, false)
			}
			if err := a.copyStreams(tb, r, r.vals); err != nil {
				return err
			}
		case opUpdate:
			if !exists {
				if a.ignore&IgnoreUpdateMissingRow == 0 {
					return a.conflict(name, "record %d updates row %s, which does not exist", n+1, describeKey(key))
				}
				continue
			}
			vals := tb.Rows[i].Values
			for c := range tb.Columns {
				if r.present[c] && !tb.Columns[c].Type.Key() {
					if vals[c].Kind == msi.Stream {
						a.streams = append(a.streams, streamOp{name: vals[c].Str, del: true})
					}
					vals[c] = r.vals[c]
				}
			}
			if err := a.copyStreams(tb, r, vals); err != nil {
				return err
			}
		case opDelete:
			if !exists {
				if a.ignore&IgnoreDelMissingRow == 0 {
					return a.conflict(name, "record %d deletes row %s, which does not exist", n+1, describeKey(key))
				}
				continue
			}
			a.dropStreams(tb.Rows[i].Values)
			deleted[i] = true
			delete(index, ks)
		}
	}
	kept := tb.Rows[:0]
	for i, r := range tb.Rows {
		if !deleted[i] {
			kept = append(kept, r)
		}
	}
	tb.Rows = kept
	return nil
}

func (a *applier) dropStreams(vals []msi.Value) {
	for _, v := range vals {
		if v.Kind == msi.Stream {
			a.streams = append(a.streams, streamOp{name: v.Str, del: true})
		}
	}
}

// copyStreams stages the data of the binary cells a record sets: the
// transform holds it in a stream named like the database's ("Table.Key").
func (a *applier) copyStreams(tb *msi.Table, r record, vals []msi.Value) error {
	for c, col := range tb.Columns {
		if !col.Type.IsBinary() || !r.present[c] || vals[c].Kind != msi.Stream {
			continue
		}
		name := vals[c].Str
		if !a.t.streams[name] {
			return a.t.errorf("table "+tb.Name, formatErr("binary cell %s.%s names stream %s, which the transform lacks", strings.Join(keyOf(tb.Columns, vals), "/"), col.Name, quoteName(name)))
		}
		data, err := a.t.pkg.ReadStream(a.t.path(name))
		if err != nil {
			return err
		}
		a.streams = append(a.streams, streamOp{name: name, data: data})
	}
	return nil
}
