package msi

import (
	"fmt"

	"github.com/msikit/msikit/msi/internal/streamname"
	"github.com/msikit/msikit/msi/internal/stringpool"
)

// TableMark is the prefix of table streams' decoded names ("!File").
const TableMark = streamname.TableMark

// DigitalSignatureStream holds a package's Authenticode signature, when it
// is signed.
const DigitalSignatureStream = "\x05DigitalSignature"

// Names of the streams that hold the database's structure.
const (
	streamStringPool = TableMark + "_StringPool"
	streamStringData = TableMark + "_StringData"
	streamTables     = TableMark + "_Tables"
	streamColumns    = TableMark + "_Columns"
)

// stringPool returns the database's string pool, reading it on first use.
func (p *Package) stringPool() (*stringpool.Pool, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.poolLocked()
}

func (p *Package) poolLocked() (*stringpool.Pool, error) {
	if p.pool != nil || p.poolErr != nil {
		return p.pool, p.poolErr
	}
	pool, err := p.optionalStream(streamStringPool)
	if err != nil {
		p.poolErr = err
		return nil, err
	}
	data, err := p.optionalStream(streamStringData)
	if err != nil {
		p.poolErr = err
		return nil, err
	}
	sp, err := stringpool.Parse(pool, data)
	if err != nil {
		p.poolErr = p.errorf("string pool", formatErr("%v", err))
		return nil, p.poolErr
	}
	p.pool = sp
	return sp, nil
}

// optionalStream reads a stream that may be absent (read as empty).
func (p *Package) optionalStream(path string) ([]byte, error) {
	if e, ok := p.byPath[path]; !ok || e.isDir {
		return nil, nil
	}
	return p.readStreamLocked(path)
}

// Codepage is the code page of the database's strings (0: neutral).
func (p *Package) Codepage() (int, error) {
	sp, err := p.stringPool()
	if err != nil {
		return 0, err
	}
	return sp.Codepage, nil
}

// errTransformTables is what reading a transform's tables as a
// database's gives: its _Tables and _Columns list changes (a dropped
// table is a row with no name), which package transform decodes.
var errTransformTables = fmt.Errorf("%w: a transform holds changes to a database's tables, not rows of its own (Transform reads them)", ErrUnsupported)

func (p *Package) catalogLocked() (*catalog, error) {
	if p.catalog != nil {
		return p.catalog, nil
	}
	if p.kind == KindTransform {
		return nil, p.errorf("", errTransformTables)
	}
	pool, err := p.poolLocked()
	if err != nil {
		return nil, err
	}
	tables, err := p.optionalStream(streamTables)
	if err != nil {
		return nil, err
	}
	columns, err := p.optionalStream(streamColumns)
	if err != nil {
		return nil, err
	}
	cat, err := buildCatalog(tables, columns, pool)
	if err != nil {
		return nil, p.errorf("table catalog", err)
	}
	p.catalog = cat
	return cat, nil
}

// Tables lists the database's tables in the order _Tables stores them.
// The system tables (_Tables, _Columns, _Streams, _Storages) are not
// listed, as Windows Installer does not list them. A transform holds
// changes, not tables: package transform reads them.
func (p *Package) Tables() ([]string, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	cat, err := p.catalogLocked()
	if err != nil {
		return nil, err
	}
	return append([]string(nil), cat.names...), nil
}

// HasTable reports whether the database has the named table. It is false
// also when the table catalog cannot be read: Tables returns that error.
func (p *Package) HasTable(name string) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	cat, err := p.catalogLocked()
	if err != nil {
		return false
	}
	_, ok := cat.columns[name]
	return ok && contains(cat.names, name)
}

// optionalTable decodes a table the package may lack: nil and no error when
// _Tables does not list it, but an error when the catalog is damaged, so
// that a damaged package is never taken for one without files.
func (p *Package) optionalTable(name string) (*Table, error) {
	if p.kind == KindTransform {
		return nil, nil // its tables hold changes: it has no files, media or directories
	}
	p.mu.Lock()
	cat, err := p.catalogLocked()
	p.mu.Unlock()
	if err != nil {
		return nil, err
	}
	if _, ok := cat.columns[name]; !ok || !contains(cat.names, name) {
		return nil, nil
	}
	return p.Table(name)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// Table decodes the named table (cached after the first call). Besides the
// tables _Tables lists, it serves the system tables _Tables, _Columns,
// _Streams and _Storages. A table with no stream has no rows.
func (p *Package) Table(name string) (*Table, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if t, ok := p.tables[name]; ok {
		return t, nil
	}
	t, err := p.loadTable(name)
	if err != nil {
		return nil, err
	}
	p.tables[name] = t
	return t, nil
}

func (p *Package) loadTable(name string) (*Table, error) {
	pool, err := p.poolLocked()
	if err != nil {
		return nil, err
	}
	switch name {
	case "_Tables", "_Columns":
		cols := tablesColumns
		if name == "_Columns" {
			cols = columnsColumns
		}
		data, err := p.optionalStream(TableMark + name)
		if err != nil {
			return nil, err
		}
		t, err := decodeTable(name, cols, data, pool)
		if err != nil {
			return nil, p.errorf("table "+name, err)
		}
		return t, nil
	case "_Streams":
		return p.storageTable(name, p.Streams()), nil
	case "_Storages":
		return p.storageTable(name, p.Storages()), nil
	}
	cat, err := p.catalogLocked()
	if err != nil {
		return nil, err
	}
	cols, ok := cat.columns[name]
	if !ok || !contains(cat.names, name) {
		return nil, p.errorf("table "+name, ErrNotFound)
	}
	data, err := p.optionalStream(TableMark + name)
	if err != nil {
		return nil, err
	}
	t, err := decodeTable(name, cols, data, pool)
	if err != nil {
		return nil, p.errorf("table "+name, err)
	}
	return t, nil
}

// storageTable makes the _Streams or _Storages view: one row per entry,
// its name and the entry itself as the binary cell.
func (p *Package) storageTable(name string, entries []StreamInfo) *Table {
	t := &Table{Name: name, Columns: streamsColumns}
	for _, e := range entries {
		vals := []Value{StringValue(e.Name), {Kind: Stream, Str: e.Name}}
		t.Rows = append(t.Rows, Row{Table: t, Values: vals})
	}
	return t
}

// columnsOf returns the named table's columns without decoding its rows.
func (p *Package) columnsOf(name string) ([]Column, error) {
	switch name {
	case "_Tables":
		return tablesColumns, nil
	case "_Columns":
		return columnsColumns, nil
	case "_Streams", "_Storages":
		return streamsColumns, nil
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	cat, err := p.catalogLocked()
	if err != nil {
		return nil, err
	}
	cols, ok := cat.columns[name]
	if !ok {
		return nil, p.errorf("table "+name, ErrNotFound)
	}
	return cols, nil
}
