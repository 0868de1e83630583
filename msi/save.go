package msi

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/msikit/msikit/internal/cfb"
	"github.com/msikit/msikit/msi/internal/streamname"
	"github.com/msikit/msikit/msi/internal/stringpool"
	"github.com/msikit/msikit/msi/internal/tablecodec"
)

// encodeTable stores rows column by column, as table streams do.
func encodeTable(cols []Column, rows [][]Value, pb *stringpool.Builder, ids [][]int) []byte {
	types := make([]tablecodec.Type, len(cols))
	for i, c := range cols {
		types[i] = tablecodec.Type(c.Type)
	}
	cells := make([][]tablecodec.Cell, len(rows))
	for i, r := range rows {
		cells[i] = make([]tablecodec.Cell, len(r))
		for j, v := range r {
			cells[i][j] = cellOf(v)
		}
	}
	return tablecodec.EncodeTable(types, cells, ids, pb.RefSize())
}

// Save writes the database as a compound file. The same database gives
// the same bytes.
//
// A table with no rows gets no stream, as Windows Installer and msibuild
// write it, unless the package it was loaded from held a zero-length
// stream for it. A database loaded from a package holds no entry the
// package shadowed (see Package.Warnings), so saving it drops them: the
// copy holds what Windows reads, once.
func (db *Database) Save(w io.Writer) error {
	b, err := db.build()
	if err != nil {
		return err
	}
	_, err = b.WriteTo(w)
	return err
}

// SaveFile writes the database to path through a temporary file renamed
// into place, so that a failure leaves no partial package.
func (db *Database) SaveFile(path string) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	// CreateTemp makes the file private; a package is an ordinary file.
	if err := f.Chmod(0o644); err != nil {
		f.Close()
		os.Remove(f.Name())
		return err
	}
	bw := bufio.NewWriterSize(f, 1<<16)
	err = db.Save(bw)
	if err == nil {
		err = bw.Flush()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), path)
	}
	if err != nil {
		os.Remove(f.Name())
	}
	return err
}

var kindCLSID = map[Kind]string{KindDatabase: CLSIDDatabase, KindPatch: CLSIDPatch, KindTransform: CLSIDTransform}

func (db *Database) build() (*cfb.Builder, error) {
	b := cfb.New()
	root := b.Root()
	if id, ok := kindCLSID[db.Kind]; ok {
		root.SetCLSID(cfb.MustParseCLSID(id))
	}
	pb := stringpool.NewBuilder(db.Codepage)
	// The catalog's strings first, then each table's cells, column by
	// column as they are stored.
	var tablesRows, columnsRows [][]Value
	var tablesIDs, columnsIDs [][]int
	for _, t := range db.tables {
		tablesRows = append(tablesRows, []Value{StringValue(t.Name)})
		tablesIDs = append(tablesIDs, []int{pb.Ref(t.Name)})
	}
	for _, t := range db.tables {
		for _, c := range t.Columns {
			columnsRows = append(columnsRows, []Value{StringValue(t.Name), IntValue(int32(c.Number)), StringValue(c.Name), IntValue(int32(int16(c.Type)))})
			columnsIDs = append(columnsIDs, []int{pb.Ref(t.Name), 0, pb.Ref(c.Name), 0})
		}
	}
	type encoded struct {
		name string
		ids  [][]int
		rows [][]Value
		cols []Column
	}
	var tables []encoded
	for _, t := range db.tables {
		e := encoded{name: t.Name, cols: t.Columns}
		for _, r := range t.Rows {
			if len(r.Values) != len(t.Columns) {
				return nil, fmt.Errorf("%w: table %s has a row of %d values for %d columns", ErrInvalid, t.Name, len(r.Values), len(t.Columns))
			}
			e.rows = append(e.rows, r.Values)
			e.ids = append(e.ids, make([]int, len(t.Columns)))
		}
		for ci, c := range t.Columns {
			if !c.Type.IsString() {
				continue
			}
			for ri := range e.rows {
				v := e.rows[ri][ci]
				if v.Kind == String {
					e.ids[ri][ci] = pb.Ref(v.Str)
				}
			}
		}
		tables = append(tables, e)
	}
	pool, data, err := pb.Encode()
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	add := func(name string, data []byte) error {
		return root.AddStream(streamname.Encode(name), data)
	}
	if err := add(streamStringPool, pool); err != nil {
		return nil, err
	}
	if err := add(streamStringData, data); err != nil {
		return nil, err
	}
	if err := add(streamTables, encodeTable(tablesColumns, tablesRows, pb, tablesIDs)); err != nil {
		return nil, err
	}
	// _Columns stores Number and Type as 2-byte integers; the type's high
	// bit is the bias, so store the value as a signed 16-bit number.
	if err := add(streamColumns, encodeTable(columnsColumns, columnsRows, pb, columnsIDs)); err != nil {
		return nil, err
	}
	for _, e := range tables {
		if len(e.rows) == 0 && !db.emptyStreams[e.name] {
			continue // an empty table has no stream
		}
		if err := add(TableMark+e.name, encodeTable(e.cols, e.rows, pb, e.ids)); err != nil {
			return nil, fmt.Errorf("table %s: %w", e.name, err)
		}
	}
	if db.Summary != nil {
		sb, err := db.Summary.Bytes()
		if err != nil {
			return nil, err
		}
		if err := root.AddStream(summaryStream, sb); err != nil {
			return nil, err
		}
	}
	for _, st := range db.Streams() {
		name := st.Name
		s := db.streams[name]
		raw := s.raw
		if raw == "" {
			raw = streamname.Encode(name)
		}
		if s.open != nil {
			err = root.AddStreamFunc(raw, s.size, s.open)
		} else {
			err = root.AddStream(raw, s.data)
		}
		if err != nil {
			return nil, fmt.Errorf("stream %s: %w", quoteName(name), err)
		}
	}
	for _, st := range db.storages {
		parent := root
		for _, raw := range st.raw[:len(st.raw)-1] {
			if parent = parent.Storage(raw); parent == nil {
				return nil, fmt.Errorf("%w: storage %s: its parent is missing", ErrInvalid, st.path)
			}
		}
		s, err := parent.AddStorage(st.raw[len(st.raw)-1])
		if err != nil {
			return nil, fmt.Errorf("storage %s: %w", st.path, err)
		}
		if id, err := cfb.ParseCLSID(st.clsid); err == nil {
			s.SetCLSID(id)
		}
		for _, ss := range st.streams {
			if err := s.AddStreamFunc(ss.raw, ss.size, ss.open); err != nil {
				return nil, fmt.Errorf("storage %s: %w", st.path, err)
			}
		}
	}
	return b, nil
}
