package transform

import (
	"fmt"
	"sort"
	"strings"

	"github.com/msikit/msikit/msi"
	"github.com/msikit/msikit/msi/internal/stringpool"
)

// Transform is a Windows Installer transform: the changes that turn one
// database into another. It is read from an .mst file (Open) or from a
// sub-storage of a patch or a database (FromStorage).
//
// A transform has its own string pool, an optional summary information
// stream, and one stream per changed table holding insert, update and
// delete records. Its records can only be decoded with the columns of the
// tables they change: those come from the transform itself for the tables
// and columns it adds, and otherwise from the database it applies to
// (ChangesFor, Apply) or, without one, from the standard Windows Installer
// schema (Changes).
type Transform struct {
	pkg     *msi.Package
	storage string // the storage holding it, "" for an .mst file
	name    string // for messages: "transform rtm.2"

	summary *msi.SummaryInfo
	pool    *stringpool.Pool
	streams map[string]bool   // every stream of the storage, decoded names
	data    map[string][]byte // table streams, by table name

	added      []string                // tables _Tables adds, in stream order
	dropped    []string                // tables _Tables drops
	newColumns map[string][]msi.Column // columns _Columns adds, per table, unnumbered
	order      []string                // Tables()
}

// Open reads p as a transform (.mst file). A database or a patch has no
// transform at its root: use FromStorage for the transforms a patch
// carries.
func Open(p *msi.Package) (*Transform, error) {
	if k := p.Kind(); k == msi.KindDatabase || k == msi.KindPatch {
		return nil, pkgError(p, "", fmt.Errorf("%w: a %s, not a transform (its transforms are sub-storages: see FromStorage)", msi.ErrUnsupported, k))
	}
	return read(p, "", "transform")
}

// FromStorage reads the transform held in the root sub-storage storage
// of p: a patch's "rtm.2" or "#rtm.2", a database's embedded instance
// transform.
func FromStorage(p *msi.Package, storage string) (*Transform, error) {
	for _, s := range p.Storages() {
		if s.Name == storage {
			return read(p, storage, "transform "+quoteName(storage))
		}
	}
	return nil, pkgError(p, "storage "+quoteName(storage), msi.ErrNotFound)
}

func read(p *msi.Package, storage, name string) (*Transform, error) {
	t := &Transform{pkg: p, storage: storage, name: name, streams: map[string]bool{},
		data: map[string][]byte{}, newColumns: map[string][]msi.Column{}}
	for _, e := range p.Entries() {
		if e.Storage == storage && !e.Dir {
			t.streams[e.Name] = true
		}
	}
	readStream := func(stream string) ([]byte, error) {
		if !t.streams[stream] {
			return nil, nil
		}
		return p.ReadStream(t.path(stream))
	}
	pool, err := readStream(streamStringPool)
	if err != nil {
		return nil, err
	}
	strs, err := readStream(streamStringData)
	if err != nil {
		return nil, err
	}
	if t.pool, err = stringpool.Parse(pool, strs); err != nil {
		return nil, t.errorf("string pool", formatErr("%v", err))
	}
	if t.streams[msi.SummaryStream] {
		b, err := readStream(msi.SummaryStream)
		if err != nil {
			return nil, err
		}
		if t.summary, err = msi.ParseSummaryInfo(b); err != nil {
			return nil, t.errorf("summary information", err)
		}
	}
	var others []string
	for s := range t.streams {
		table, ok := strings.CutPrefix(s, msi.TableMark)
		if !ok || s == streamStringPool || s == streamStringData {
			continue
		}
		if table == "" {
			return nil, t.errorf("", formatErr("a table stream with no table name"))
		}
		b, err := readStream(s)
		if err != nil {
			return nil, err
		}
		t.data[table] = b
		if table != tablesTable && table != columnsTable {
			others = append(others, table)
		}
	}
	if err := t.readCatalog(); err != nil {
		return nil, err
	}
	for _, d := range t.dropped {
		if _, ok := t.data[d]; !ok {
			others = append(others, d)
		}
	}
	sort.Strings(others)
	for _, s := range []string{tablesTable, columnsTable} {
		if _, ok := t.data[s]; ok {
			t.order = append(t.order, s)
		}
	}
	t.order = append(t.order, others...)
	return t, nil
}

// path is the package path of one of the transform's streams.
func (t *Transform) path(stream string) string {
	if t.storage == "" {
		return stream
	}
	return t.storage + "/" + stream
}

func (t *Transform) errorf(what string, err error) error {
	w := t.name
	if what != "" {
		w += ", " + what
	}
	return pkgError(t.pkg, w, err)
}

// readCatalog decodes the _Tables and _Columns streams: the tables the
// transform adds and drops, and the columns it adds.
func (t *Transform) readCatalog() error {
	recs, err := t.records(tablesTable, tablesColumns)
	if err != nil {
		return err
	}
	for i, r := range recs {
		name := r.vals[0].String()
		switch {
		case name == "":
			return t.errorf("table _Tables", formatErr("record %d has no table name", i+1))
		case r.op == opInsert:
			t.added = append(t.added, name)
		case r.op == opDelete:
			t.dropped = append(t.dropped, name)
		}
	}
	if contains(t.added, tablesTable) || contains(t.added, columnsTable) || contains(t.dropped, tablesTable) || contains(t.dropped, columnsTable) {
		return t.errorf("table _Tables", formatErr("adds or drops a system table"))
	}
	recs, err = t.records(columnsTable, transformColumnsColumns)
	if err != nil {
		return err
	}
	for i, r := range recs {
		table, num, name, typ := r.vals[0], r.vals[1], r.vals[2], r.vals[3]
		if r.op == opDelete && contains(t.dropped, table.String()) {
			continue // the columns of a table it drops
		}
		if r.op != opInsert {
			return t.errorf("table _Columns", fmt.Errorf("%w: record %d changes or removes column %s.%s: transforms only add columns", msi.ErrUnsupported, i+1, table.String(), num.String()))
		}
		if table.Kind != msi.String || name.Kind != msi.String || typ.Kind != msi.Integer {
			return t.errorf("table _Columns", formatErr("record %d has a null table, name or type", i+1))
		}
		cols := t.newColumns[table.Str]
		if len(cols) >= maxColumns {
			return t.errorf("table _Columns", formatErr("table %s gets more than %d columns", table.Str, maxColumns))
		}
		// Windows leaves Number null; a stored one is kept to check it.
		n := 0
		if num.Kind == msi.Integer {
			n = int(num.Int)
		}
		t.newColumns[table.Str] = append(cols, msi.Column{Name: name.Str, Number: n, Type: msi.ColumnType(uint16(typ.Int))})
	}
	for table, cols := range t.newColumns {
		if !contains(t.added, table) {
			continue
		}
		if _, err := numberColumns(nil, cols); err != nil {
			return t.errorf("table _Columns", fmt.Errorf("table %s: %w", table, err))
		}
	}
	return nil
}

// transformColumnsColumns is the _Columns layout in a transform, where
// Windows leaves the Number key null.
var transformColumnsColumns = func() []msi.Column {
	cols := msi.StandardColumns(columnsTable)[0]
	cols[1].Type |= msi.TypeNullable
	return cols
}()

// numberColumns appends added columns to a table's columns, numbering them
// after the existing ones. An added column with a stored number must have
// the number it gets.
func numberColumns(base, added []msi.Column) ([]msi.Column, error) {
	out := append(make([]msi.Column, 0, len(base)+len(added)), base...)
	for _, c := range added {
		want := len(out) + 1
		if c.Number != 0 && c.Number != want {
			return nil, formatErr("column %s is number %d, want %d", c.Name, c.Number, want)
		}
		c.Number = want
		for _, o := range out {
			if o.Name == c.Name {
				return nil, formatErr("column %s is added twice", c.Name)
			}
		}
		out = append(out, c)
	}
	if len(out) > maxColumns {
		return nil, formatErr("%d columns", len(out))
	}
	return out, nil
}

// Summary is the transform's summary information, or nil when it has none
// (a patch's transform storages usually have one; Windows requires it only
// of transforms applied at installation).
func (t *Transform) Summary() *msi.SummaryInfo { return t.summary }

// Name says which transform this is: "transform" for an .mst file,
// "transform rtm.2" for a storage.
func (t *Transform) Name() string { return t.name }

// Codepage is the code page of the transform's own strings (0: neutral).
func (t *Transform) Codepage() int { return t.pool.Codepage }

// StringCount is how many strings the transform's own string pool holds.
func (t *Transform) StringCount() int { return t.pool.Len() - 1 }

// Tables lists the tables the transform touches, in the order Apply
// processes them: "_Tables" and "_Columns" first when it has them (tables
// and columns it adds or drops), then every other table whose stream it
// holds or that it drops, by name.
func (t *Transform) Tables() []string { return append([]string(nil), t.order...) }

// AddedTables lists the tables the transform creates.
func (t *Transform) AddedTables() []string { return append([]string(nil), t.added...) }

// DroppedTables lists the tables the transform removes.
func (t *Transform) DroppedTables() []string { return append([]string(nil), t.dropped...) }

// Validation returns what the transform's summary says of its
// validation: the conditions the installer checks before applying it and
// the errors it ignores (the zero Validation without a summary).
func (t *Transform) Validation() Validation { return ValidationOf(t.summary) }
