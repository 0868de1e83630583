package msi

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/msikit/msikit/internal/cfb"
	"github.com/msikit/msikit/internal/codepage"
)

// poolBuilder assigns string IDs in order of first use and counts
// references, as the _StringPool stream records them.
type poolBuilder struct {
	cp   int
	ids  map[string]int
	strs []string
	refs []int
}

func newPoolBuilder(cp int) *poolBuilder {
	return &poolBuilder{cp: cp, ids: map[string]int{}, strs: []string{""}, refs: []int{0}}
}

// ref returns the ID of s, adding it on first use; "" is null (ID 0).
func (pb *poolBuilder) ref(s string) int {
	if s == "" {
		return 0
	}
	id, ok := pb.ids[s]
	if !ok {
		id = len(pb.strs)
		pb.ids[s] = id
		pb.strs = append(pb.strs, s)
		pb.refs = append(pb.refs, 0)
	}
	pb.refs[id]++
	return id
}

// encode produces the _StringPool and _StringData streams.
func (pb *poolBuilder) encode() (pool, data []byte, err error) {
	long := len(pb.strs) > 0xFFFF
	if len(pb.strs) > maxStrings {
		return nil, nil, fmt.Errorf("%w: %d strings, more than 3-byte references can name", ErrInvalid, len(pb.strs))
	}
	hdr := uint32(pb.cp)
	if long {
		hdr |= longRefsFlag
	}
	pool = binary.LittleEndian.AppendUint32(nil, hdr)
	for id, s := range pb.strs[1:] {
		b, err := codepage.Encode(pb.cp, s)
		if err != nil {
			return nil, nil, fmt.Errorf("%w: string %q: %v", ErrInvalid, s, err)
		}
		refs := min(pb.refs[id+1], 0xFFFF)
		if len(b) > 0xFFFF {
			// A long string: a null entry carrying the high word first.
			pool = binary.LittleEndian.AppendUint16(pool, 0)
			pool = binary.LittleEndian.AppendUint16(pool, uint16(len(b)>>16))
		}
		pool = binary.LittleEndian.AppendUint16(pool, uint16(len(b)))
		pool = binary.LittleEndian.AppendUint16(pool, uint16(refs))
		data = append(data, b...)
	}
	return pool, data, nil
}

func (pb *poolBuilder) refSize() int {
	if len(pb.strs) > 0xFFFF {
		return 3
	}
	return 2
}

// encodeTable stores rows column by column, as table streams do.
func encodeTable(cols []Column, rows [][]Value, pb *poolBuilder, ids [][]int) []byte {
	refSize := pb.refSize()
	var out []byte
	for ci, c := range cols {
		size := c.Type.storageSize(refSize)
		for ri, r := range rows {
			out = appendCell(out, c.Type, size, r[ci], ids[ri][ci])
		}
	}
	return out
}

// appendCell stores one cell as tables and transforms hold it: a string
// by its pool ID (id), an integer with its bias, a binary cell as 1 (its
// stream is named after the row's key), null as 0.
func appendCell(out []byte, t ColumnType, size int, v Value, id int) []byte {
	var raw uint32
	switch {
	case v.Kind == Null:
	case t.IsBinary():
		raw = 1
	case t.IsString():
		raw = uint32(id)
	case size == 2:
		raw = uint32(uint16(v.Int) ^ 0x8000)
	default:
		raw = uint32(v.Int) ^ 0x80000000
	}
	switch size {
	case 2:
		return binary.LittleEndian.AppendUint16(out, uint16(raw))
	case 3:
		return append(out, byte(raw), byte(raw>>8), byte(raw>>16))
	}
	return binary.LittleEndian.AppendUint32(out, raw)
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
	pb := newPoolBuilder(db.Codepage)
	// The catalog's strings first, then each table's cells, column by
	// column as they are stored.
	var tablesRows, columnsRows [][]Value
	var tablesIDs, columnsIDs [][]int
	for _, t := range db.tables {
		tablesRows = append(tablesRows, []Value{StringValue(t.Name)})
		tablesIDs = append(tablesIDs, []int{pb.ref(t.Name)})
	}
	for _, t := range db.tables {
		for _, c := range t.Columns {
			columnsRows = append(columnsRows, []Value{StringValue(t.Name), IntValue(int32(c.Number)), StringValue(c.Name), IntValue(int32(int16(c.Type)))})
			columnsIDs = append(columnsIDs, []int{pb.ref(t.Name), 0, pb.ref(c.Name), 0})
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
					e.ids[ri][ci] = pb.ref(v.Str)
				}
			}
		}
		tables = append(tables, e)
	}
	pool, data, err := pb.encode()
	if err != nil {
		return nil, err
	}
	add := func(name string, data []byte) error {
		return root.AddStream(EncodeStreamName(name), data)
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
	for _, name := range db.Streams() {
		s := db.streams[name]
		raw := s.raw
		if raw == "" {
			raw = EncodeStreamName(name)
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
