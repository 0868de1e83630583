package transform

import (
	"crypto/sha256"
	"fmt"
	"io"
	"slices"
	"sort"

	"github.com/msikit/msikit/msi"
)

// Delta is the difference between two databases: what Diff found, and what
// WriteTransform writes as a transform that turns the old one into the new.
type Delta struct {
	// Tables lists the tables that differ, in the new database's catalog
	// order, then those dropped in the old one's.
	Tables []TableChange
	// Streams lists root streams that differ and that no binary cell names
	// (cabinets, signatures). A transform cannot carry them.
	Streams []StreamChange
	// Summary lists the summary information properties that differ. A
	// transform cannot carry them either.
	Summary []SummaryChange
	// OldCodepage and NewCodepage are the databases' code pages.
	OldCodepage, NewCodepage int

	old, new               *msi.Database
	oldStreams, newStreams map[string]int64 // root streams' sizes
}

// StreamChange is a root stream added, removed or changed.
type StreamChange struct {
	Name             string
	Added, Removed   bool
	OldSize, NewSize int64
}

// SummaryChange is a summary information property that differs, as text:
// strings decoded from the summary's code page, times in UTC as
// "2006/01/02 15:04:05".
type SummaryChange struct {
	PID      int
	Old, New string
}

// Empty reports that the databases do not differ at all.
func (d *Delta) Empty() bool {
	return len(d.Tables) == 0 && len(d.Streams) == 0 && len(d.Summary) == 0 && d.OldCodepage == d.NewCodepage
}

// Diff compares two databases: tables added and dropped, columns added,
// and per table the rows inserted, updated (the cells that differ, with
// their old values) and deleted, rows matched by primary key. Binary cells
// are compared by their streams' content. A table whose columns changed in
// a way a transform cannot express (other than columns appended) is
// listed with Err wrapping msi.ErrUnsupported.
func Diff(old, new *msi.Database) (*Delta, error) {
	d := &Delta{old: old, new: new, OldCodepage: old.Codepage, NewCodepage: new.Codepage,
		oldStreams: streamSizes(old), newStreams: streamSizes(new)}
	for _, nt := range new.Tables() {
		ot := lookupTable(old, nt.Name)
		if ot == nil {
			c := TableChange{Table: nt.Name, Added: true, Columns: nt.Columns, NewColumns: nt.Columns}
			for _, r := range nt.Rows {
				c.Inserted = append(c.Inserted, fullRow(nt.Columns, r.Values, false))
			}
			d.Tables = append(d.Tables, c)
			continue
		}
		c, err := d.diffTable(ot, nt)
		if err != nil {
			return nil, err
		}
		if c.Err != nil || len(c.NewColumns) > 0 || c.Rows() > 0 {
			d.Tables = append(d.Tables, c)
		}
	}
	for _, ot := range old.Tables() {
		if lookupTable(new, ot.Name) == nil {
			c := TableChange{Table: ot.Name, Dropped: true, Columns: ot.Columns}
			d.Tables = append(d.Tables, c)
		}
	}
	if err := d.diffStreams(); err != nil {
		return nil, err
	}
	d.diffSummary()
	return d, nil
}

// fullRow makes the RowChange of a whole row: new values, or old ones.
func fullRow(cols []msi.Column, vals []msi.Value, old bool) RowChange {
	rc := RowChange{Key: keyOf(cols, vals)}
	for _, c := range cols {
		rc.Columns = append(rc.Columns, c.Name)
	}
	v := append([]msi.Value(nil), vals...)
	if old {
		rc.Old = v
	} else {
		rc.Values = v
	}
	return rc
}

func (d *Delta) diffTable(ot, nt *msi.Table) (TableChange, error) {
	c := TableChange{Table: nt.Name, Columns: nt.Columns}
	if len(nt.Columns) < len(ot.Columns) || !sameColumns(ot.Columns, nt.Columns[:len(ot.Columns)]) {
		c.Err = fmt.Errorf("%w: table %s: the columns changed (%s to %s); a transform can only append columns", msi.ErrUnsupported, nt.Name, layoutText(ot.Columns), layoutText(nt.Columns))
		return c, nil
	}
	c.NewColumns = nt.Columns[len(ot.Columns):]
	for _, col := range c.NewColumns {
		if col.Type.Key() {
			c.Err = fmt.Errorf("%w: table %s: added column %s is a key column", msi.ErrUnsupported, nt.Name, col.Name)
			return c, nil
		}
	}
	index := make(map[string]int, len(ot.Rows))
	for i, r := range ot.Rows {
		index[keyString(keyOf(ot.Columns, r.Values))] = i
	}
	seen := make([]bool, len(ot.Rows))
	for _, r := range nt.Rows {
		i, ok := index[keyString(keyOf(nt.Columns, r.Values))]
		if !ok {
			c.Inserted = append(c.Inserted, fullRow(nt.Columns, r.Values, false))
			continue
		}
		seen[i] = true
		ov := ot.Rows[i].Values
		rc := RowChange{Key: keyOf(nt.Columns, r.Values)}
		for ci, col := range nt.Columns {
			var before msi.Value
			if ci < len(ov) {
				before = ov[ci]
			}
			same, err := d.sameCell(before, r.Values[ci])
			if err != nil {
				return c, err
			}
			if !same {
				rc.Columns = append(rc.Columns, col.Name)
				rc.Values = append(rc.Values, r.Values[ci])
				rc.Old = append(rc.Old, before)
			}
		}
		if len(rc.Columns) > 0 {
			c.Updated = append(c.Updated, rc)
		}
	}
	for i, r := range ot.Rows {
		if !seen[i] {
			c.Deleted = append(c.Deleted, fullRow(ot.Columns, r.Values, true))
		}
	}
	return c, nil
}

func sameColumns(a, b []msi.Column) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		// The valid bit is bookkeeping; everything else is the definition.
		if a[i].Name != b[i].Name || a[i].Type|msi.TypeValid != b[i].Type|msi.TypeValid {
			return false
		}
	}
	return true
}

func layoutText(cols []msi.Column) string {
	b := []byte{}
	for i, c := range cols {
		if i > 0 {
			b = append(b, ' ')
		}
		b = append(b, c.Name...)
		b = append(b, ':')
		b = append(b, c.Type.IDT()...)
		if c.Type.Key() {
			b = append(b, '*')
		}
	}
	return string(b)
}

// sameCell compares two cells; binary cells by their streams' bytes.
func (d *Delta) sameCell(a, b msi.Value) (bool, error) {
	if a.Kind != b.Kind {
		return false, nil
	}
	switch a.Kind {
	case msi.Integer:
		return a.Int == b.Int, nil
	case msi.String:
		return a.Str == b.Str, nil
	case msi.Stream:
		if a.Str != b.Str {
			return false, nil
		}
		return d.sameStream(a.Str)
	}
	return true, nil
}

// sameStream compares a stream of two databases, by size and then by
// SHA-256 so that large streams are never held whole.
func (d *Delta) sameStream(name string) (bool, error) {
	os, ook := d.oldStreams[name]
	ns, nok := d.newStreams[name]
	if ook != nok {
		return false, nil
	}
	if !ook {
		return true, nil
	}
	if os != ns {
		return false, nil
	}
	ho, err := streamHash(d.old, name)
	if err != nil {
		return false, err
	}
	hn, err := streamHash(d.new, name)
	if err != nil {
		return false, err
	}
	return ho == hn, nil
}

func streamHash(db *msi.Database, name string) ([sha256.Size]byte, error) {
	var sum [sha256.Size]byte
	r, _, err := db.OpenStream(name)
	if err != nil {
		return sum, err
	}
	defer r.Close()
	h := sha256.New()
	if _, err := io.Copy(h, r); err != nil {
		return sum, err
	}
	copy(sum[:], h.Sum(nil))
	return sum, nil
}

// streamSizes maps a database's root streams to their sizes.
func streamSizes(db *msi.Database) map[string]int64 {
	out := map[string]int64{}
	for _, s := range db.Streams() {
		out[s.Name] = s.Size
	}
	return out
}

// cellStreams is the set of streams binary cells name.
func cellStreams(db *msi.Database) map[string]bool {
	out := map[string]bool{}
	for _, t := range db.Tables() {
		for _, r := range t.Rows {
			for _, v := range r.Values {
				if v.Kind == msi.Stream {
					out[v.Str] = true
				}
			}
		}
	}
	return out
}

func (d *Delta) diffStreams() error {
	cells := cellStreams(d.old)
	for n := range cellStreams(d.new) {
		cells[n] = true
	}
	names := map[string]bool{}
	for n := range d.oldStreams {
		names[n] = true
	}
	for n := range d.newStreams {
		names[n] = true
	}
	sorted := make([]string, 0, len(names))
	for n := range names {
		if !cells[n] {
			sorted = append(sorted, n)
		}
	}
	sort.Strings(sorted)
	for _, n := range sorted {
		os, ook := d.oldStreams[n]
		ns, nok := d.newStreams[n]
		sc := StreamChange{Name: n, Added: !ook, Removed: !nok, OldSize: os, NewSize: ns}
		if ook && nok {
			same, err := d.sameStream(n)
			if err != nil {
				return err
			}
			if same {
				continue
			}
		}
		d.Streams = append(d.Streams, sc)
	}
	return nil
}

// diffSummary compares the summary properties as text, strings decoded
// from each summary's code page as info shows them, so that a change
// reads as text, not as the code page's bytes.
func (d *Delta) diffSummary() {
	rows := func(s *msi.SummaryInfo) map[int]string {
		out := map[int]string{}
		if s != nil {
			for _, r := range s.TextRows() {
				out[r.PID] = r.Value
			}
		}
		return out
	}
	o, n := rows(d.old.Summary), rows(d.new.Summary)
	var pids []int
	for p := range o {
		pids = append(pids, p)
	}
	for p := range n {
		if _, ok := o[p]; !ok {
			pids = append(pids, p)
		}
	}
	slices.Sort(pids)
	for _, p := range pids {
		if o[p] != n[p] {
			d.Summary = append(d.Summary, SummaryChange{PID: p, Old: o[p], New: n[p]})
		}
	}
}

// lookupTable returns the named table of db, or nil.
func lookupTable(db *msi.Database, name string) *msi.Table {
	t, _ := db.Table(name)
	return t
}

// readStream reads a root stream of db whole (a binary cell's data).
func readStream(db *msi.Database, name string) ([]byte, error) {
	r, _, err := db.OpenStream(name)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return io.ReadAll(r)
}
