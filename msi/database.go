package msi

import (
	"bytes"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/msikit/msikit/msi/internal/streamname"
)

// Database is an installation database held in memory, to be changed and
// saved: its tables (in catalog order), streams, sub-storages and summary
// information. Load one from a Package, or start from NewDatabase.
type Database struct {
	// Codepage is the code page strings are stored in (0: neutral).
	Codepage int
	// Summary is the summary information; nil writes none.
	Summary *SummaryInfo
	// Kind decides the root storage's class ID.
	Kind Kind

	tables   []*Table
	streams  map[string]*dbStream
	storages []*dbStorage
	// emptyStreams names the tables saved with a zero-length stream
	// while they have no rows: those the package held so. Windows
	// Installer and msibuild write no stream for an empty table; a few
	// packages (putty-0.68-installer.msi) hold empty streams, and a
	// rewrite keeps them.
	emptyStreams map[string]bool
}

// dbStream is a stream's bytes, held or read from a source when saved.
type dbStream struct {
	raw  string // the stored (packed) name, when copied from a package
	data []byte
	size int64
	open func() (io.ReadCloser, error)
}

// dbStorage is a sub-storage copied whole (a patch's transforms).
type dbStorage struct {
	path    string // decoded path
	raw     []string
	clsid   string
	streams []dbStorageStream
}

type dbStorageStream struct {
	raw  string
	size int64
	open func() (io.ReadCloser, error)
}

// NewDatabase returns an empty database.
func NewDatabase(codepage int) *Database {
	return &Database{Codepage: codepage, Kind: KindDatabase, streams: map[string]*dbStream{}}
}

// Tables lists the tables in catalog order.
func (db *Database) Tables() []*Table { return db.tables }

// Table returns the named table, or an error wrapping ErrNotFound.
func (db *Database) Table(name string) (*Table, error) {
	if t := db.table(name); t != nil {
		return t, nil
	}
	return nil, fmt.Errorf("table %s: %w", name, ErrNotFound)
}

func (db *Database) table(name string) *Table {
	for _, t := range db.tables {
		if t.Name == name {
			return t
		}
	}
	return nil
}

// SummaryInfo returns the summary information (the Summary field), or an
// error wrapping ErrNotFound when it is nil.
func (db *Database) SummaryInfo() (*SummaryInfo, error) {
	if db.Summary == nil {
		return nil, fmt.Errorf("summary information: %w", ErrNotFound)
	}
	return db.Summary, nil
}

// HasStream reports whether the database has the named root stream.
func (db *Database) HasStream(name string) bool {
	_, ok := db.streams[name]
	return ok
}

// CreateTable adds an empty table. Columns are numbered in the order
// given; at least one must be a key.
func (db *Database) CreateTable(name string, cols []Column) (*Table, error) {
	if name == "" || strings.HasPrefix(name, "_") && name != "_Validation" {
		return nil, fmt.Errorf("%w: table name %q", ErrInvalid, name)
	}
	if db.table(name) != nil {
		return nil, fmt.Errorf("%w: table %s exists", ErrInvalid, name)
	}
	if len(cols) == 0 || len(cols) > 32 {
		return nil, fmt.Errorf("%w: table %s has %d columns (1 to 32)", ErrInvalid, name, len(cols))
	}
	t := &Table{Name: name, Columns: make([]Column, len(cols))}
	keys := 0
	seen := map[string]bool{}
	for i, c := range cols {
		if c.Name == "" || seen[c.Name] {
			return nil, fmt.Errorf("%w: table %s: column name %q", ErrInvalid, name, c.Name)
		}
		seen[c.Name] = true
		c.Number = i + 1
		c.Type |= TypeValid
		if c.Type.Key() {
			keys++
		}
		t.Columns[i] = c
	}
	if keys == 0 {
		return nil, fmt.Errorf("%w: table %s has no key column", ErrInvalid, name)
	}
	db.tables = append(db.tables, t)
	return t, nil
}

// SetTables replaces the database's tables with tables, in catalog
// order: the way to commit changes made on copies of the tables, all at
// once (a transform's). Names must be unique and each row as wide as its
// table. The streams of binary cells are not touched.
func (db *Database) SetTables(tables []*Table) error {
	seen := map[string]bool{}
	for _, t := range tables {
		if t == nil || t.Name == "" || seen[t.Name] {
			return fmt.Errorf("%w: a table with no name, or listed twice", ErrInvalid)
		}
		seen[t.Name] = true
		for _, r := range t.Rows {
			if len(r.Values) != len(t.Columns) {
				return fmt.Errorf("%w: table %s has a row of %d values for %d columns", ErrInvalid, t.Name, len(r.Values), len(t.Columns))
			}
		}
	}
	for n := range db.emptyStreams {
		if !seen[n] {
			delete(db.emptyStreams, n)
		}
	}
	db.tables = append([]*Table(nil), tables...)
	return nil
}

// DropTable removes a table and the streams its binary cells name.
func (db *Database) DropTable(name string) bool {
	for i, t := range db.tables {
		if t.Name == name {
			for _, r := range t.Rows {
				for _, v := range r.Values {
					if v.Kind == Stream {
						delete(db.streams, v.Str)
					}
				}
			}
			db.tables = append(db.tables[:i], db.tables[i+1:]...)
			delete(db.emptyStreams, name)
			return true
		}
	}
	return false
}

// AddRow appends a row. Values are checked against the column types;
// binary cells are given as Value{Kind: Stream} and named here after the
// row's key (set their data with SetStream). A row whose key another row
// has is refused.
func (t *Table) AddRow(vals ...Value) (Row, error) {
	if len(vals) != len(t.Columns) {
		return Row{}, fmt.Errorf("%w: table %s: %d values for %d columns", ErrInvalid, t.Name, len(vals), len(t.Columns))
	}
	vals = append([]Value(nil), vals...)
	for i, c := range t.Columns {
		if err := checkValue(c, vals[i]); err != nil {
			return Row{}, fmt.Errorf("%w: table %s, column %s: %v", ErrInvalid, t.Name, c.Name, err)
		}
	}
	var key []string
	for i, c := range t.Columns {
		if c.Type.Key() {
			key = append(key, vals[i].String())
		}
	}
	if _, dup := t.Lookup(key...); dup {
		return Row{}, fmt.Errorf("%w: table %s: a row with key %s exists", ErrInvalid, t.Name, strings.Join(key, "/"))
	}
	for i, c := range t.Columns {
		if c.Type.IsBinary() && vals[i].Kind == Stream {
			vals[i].Str = t.streamName(vals)
		}
	}
	r := Row{Table: t, Values: vals}
	t.Rows = append(t.Rows, r)
	return r, nil
}

func checkValue(c Column, v Value) error {
	switch {
	case v.Kind == Null:
		if !c.Type.Nullable() {
			return fmt.Errorf("null in a column that is not nullable")
		}
	case c.Type.IsBinary():
		if v.Kind != Stream {
			return fmt.Errorf("a binary column takes a stream")
		}
	case c.Type.IsString():
		if v.Kind != String {
			return fmt.Errorf("a string column takes a string")
		}
	default:
		if v.Kind != Integer {
			return fmt.Errorf("an integer column takes an integer")
		}
		if c.Type.Width() <= 2 && (v.Int < -32767 || v.Int > 32767) {
			return fmt.Errorf("%d does not fit a 2-byte integer", v.Int)
		}
		if v.Int == -2147483648 {
			return fmt.Errorf("%d is the null value of a 4-byte integer", v.Int)
		}
	}
	return nil
}

// SetStream sets a root stream's bytes (a Binary row's data, a cabinet).
func (db *Database) SetStream(name string, data []byte) {
	db.streams[name] = &dbStream{data: data, size: int64(len(data))}
}

// SetStreamFunc sets a root stream read from open when the database is
// saved, so that a large stream (a cabinet) is never held in memory.
func (db *Database) SetStreamFunc(name string, size int64, open func() (io.ReadCloser, error)) {
	db.streams[name] = &dbStream{size: size, open: open}
}

// OpenStream returns a reader over a root stream's bytes, and its size.
// Close it when done.
func (db *Database) OpenStream(name string) (io.ReadCloser, int64, error) {
	s, ok := db.streams[name]
	if !ok {
		return nil, 0, fmt.Errorf("stream %s: %w", quoteName(name), ErrNotFound)
	}
	if s.open == nil {
		return io.NopCloser(bytes.NewReader(s.data)), s.size, nil
	}
	r, err := s.open()
	if err != nil {
		return nil, 0, err
	}
	return r, s.size, nil
}

// DeleteStream removes a root stream.
func (db *Database) DeleteStream(name string) bool {
	_, ok := db.streams[name]
	delete(db.streams, name)
	return ok
}

// Streams lists the root streams (not tables), sorted.
func (db *Database) Streams() []StreamInfo {
	out := make([]StreamInfo, 0, len(db.streams))
	for n, s := range db.streams {
		out = append(out, StreamInfo{Name: n, Size: s.size})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// SetStorage adds the root sub-storage name, holding streams (given by
// their decoded names) in memory, with the class ID clsid ("{...}"): a
// transform a patch carries, say. A storage of that name must not exist.
func (db *Database) SetStorage(name, clsid string, streams map[string][]byte) error {
	if strings.ContainsAny(name, "/") || name == "" || streamname.Units(streamname.Stored(name)) > maxNameUnits {
		return fmt.Errorf("%w: storage name %q", ErrInvalid, name)
	}
	for _, st := range db.storages {
		if strings.EqualFold(st.path, name) {
			return fmt.Errorf("%w: storage %s exists", ErrInvalid, name)
		}
	}
	st := &dbStorage{path: name, raw: []string{streamname.Stored(name)}, clsid: clsid}
	for n, data := range streams {
		raw := streamname.Stored(n)
		if n == "" || strings.Contains(n, "/") || streamname.Units(raw) > maxNameUnits {
			return fmt.Errorf("%w: storage %s: stream name %q", ErrInvalid, name, quoteName(n))
		}
		st.streams = append(st.streams, dbStorageStream{raw: raw, size: int64(len(data)), open: func() (io.ReadCloser, error) {
			return io.NopCloser(bytes.NewReader(data)), nil
		}})
	}
	db.storages = append(db.storages, st)
	return nil
}

// maxNameUnits is how long a compound file entry's name may be, in
// UTF-16 code units.
const maxNameUnits = 31

// Database reads the whole package into a Database: every table, and the
// streams and sub-storages as references to the package (read again when
// the database is saved, so the package must stay open until then).
//
// It holds the package as Windows reads it: of two directory entries
// Windows takes for one name, only the one Windows reads is kept, so a
// saved copy drops the other (Warnings lists them). A table that has no
// rows keeps the zero-length stream the package gave it, if any.
func (p *Package) Database() (*Database, error) {
	if p.kind == KindTransform {
		return nil, p.errorf("", fmt.Errorf("%w: a transform holds changes to a database, not a database", ErrUnsupported))
	}
	db := NewDatabase(0)
	db.Kind = p.kind
	if db.Kind == KindUnknown {
		db.Kind = KindDatabase
	}
	cp, err := p.Codepage()
	if err != nil {
		return nil, err
	}
	db.Codepage = cp
	if p.HasStream(summaryStream) {
		if db.Summary, err = p.SummaryInfo(); err != nil {
			return nil, err
		}
	}
	names, err := p.Tables()
	if err != nil {
		return nil, err
	}
	for _, n := range names {
		t, err := p.Table(n)
		if err != nil {
			return nil, err
		}
		c := &Table{Name: t.Name, Columns: append([]Column(nil), t.Columns...)}
		c.Rows = make([]Row, len(t.Rows))
		for i, r := range t.Rows {
			c.Rows[i] = Row{Table: c, Values: append([]Value(nil), r.Values...)}
		}
		db.tables = append(db.tables, c)
		if len(t.Rows) == 0 && p.HasStream(TableMark+n) {
			if db.emptyStreams == nil {
				db.emptyStreams = map[string]bool{}
			}
			db.emptyStreams[n] = true
		}
	}
	storages := map[string]*dbStorage{}
	for _, e := range p.entries {
		path := e.path()
		switch {
		case e.storage == "" && !e.isDir:
			if strings.HasPrefix(e.name, TableMark) || e.name == summaryStream {
				continue
			}
			db.streams[e.name] = &dbStream{raw: e.raw, size: e.size, open: p.opener(path)}
		case e.isDir:
			st := &dbStorage{path: path, clsid: e.f.ID()}
			if parent, ok := storages[e.storage]; ok {
				st.raw = append(append([]string(nil), parent.raw...), e.raw)
			} else {
				st.raw = []string{e.raw}
			}
			storages[path] = st
			db.storages = append(db.storages, st)
		default:
			st, ok := storages[e.storage]
			if !ok {
				return nil, p.errorf("storage "+e.storage, formatErr("stream %s comes before its storage", quoteName(path)))
			}
			st.streams = append(st.streams, dbStorageStream{raw: e.raw, size: e.size, open: p.opener(path)})
		}
	}
	return db, nil
}

func (p *Package) opener(path string) func() (io.ReadCloser, error) {
	return func() (io.ReadCloser, error) {
		r, _, err := p.OpenStream(path)
		if err != nil {
			return nil, err
		}
		return io.NopCloser(r), nil
	}
}

// SetProperty sets a row of the Property table, adding the row (and the
// table, with its standard columns) when missing.
func (db *Database) SetProperty(name, value string) error {
	t := db.table("Property")
	if t == nil {
		var err error
		t, err = db.CreateTable("Property", StandardColumns("Property")[0])
		if err != nil {
			return err
		}
	}
	if r, ok := t.Lookup(name); ok {
		r.Values[t.Index("Value")] = StringValue(value)
		return nil
	}
	_, err := t.AddRow(StringValue(name), StringValue(value))
	return err
}
