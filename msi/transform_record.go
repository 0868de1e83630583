package msi

import (
	"encoding/binary"
	"fmt"
)

// opKind is what a transform record does to a row.
type opKind uint8

const (
	opInsert opKind = iota + 1 // a whole row, inserted or replacing the row with its key
	opUpdate                   // chosen columns of the row with its key
	opDelete                   // the row with its key
)

func (o opKind) String() string {
	switch o {
	case opInsert:
		return "insert"
	case opUpdate:
		return "update"
	case opDelete:
		return "delete"
	}
	return "?"
}

// Bits of a record's 16-bit mask.
const (
	// maskInsert marks a whole row; the high byte then counts its columns.
	maskInsert = 0x0001
	// maskUpdateColumns is how many columns an update mask can name.
	maskUpdateColumns = 16
)

// record is one decoded transform record: vals has one cell per column of
// the table's layout, present says which the record stores.
type record struct {
	op      opKind
	mask    uint16
	present []bool
	vals    []Value
}

// records decodes the named table's stream against cols (no stream: no
// records). Records are stored row by row, each a 16-bit mask and then the
// cells it names, with the encodings of table streams and references to
// the transform's own string pool.
func (t *Transform) records(table string, cols []Column) ([]record, error) {
	data, ok := t.data[table]
	if !ok || len(data) == 0 {
		return nil, nil
	}
	recs, err := parseRecords(table, cols, data, t.pool)
	if err != nil {
		return nil, t.errorf("table "+table, err)
	}
	return recs, nil
}

func parseRecords(table string, cols []Column, data []byte, pool *StringPool) ([]record, error) {
	if len(cols) == 0 {
		return nil, formatErr("no columns to decode the records with")
	}
	var keys []int
	for i, c := range cols {
		if c.Type.Key() {
			keys = append(keys, i)
		}
	}
	if len(keys) == 0 {
		return nil, formatErr("the table has no key column")
	}
	refSize := pool.RefSize()
	var recs []record
	for off := 0; off < len(data); {
		n := len(recs) + 1
		start := off
		if len(data)-off < 2 {
			return nil, formatErr("record %d at offset %d: 1 byte left, a mask takes 2", n, off)
		}
		mask := binary.LittleEndian.Uint16(data[off:])
		off += 2
		r := record{mask: mask, present: make([]bool, len(cols)), vals: make([]Value, len(cols))}
		switch {
		case mask&maskInsert != 0:
			r.op = opInsert
			count := int(mask >> 8)
			if count == 0 || count > len(cols) {
				return nil, formatErr("record %d at offset %d (mask 0x%04x): inserts %d columns, the table has %d", n, start, mask, count, len(cols))
			}
			if keys[len(keys)-1] >= count {
				return nil, formatErr("record %d at offset %d (mask 0x%04x): inserts %d columns, not every key column", n, start, mask, count)
			}
			for i := range count {
				r.present[i] = true
			}
		case mask == 0:
			r.op = opDelete
		default:
			r.op = opUpdate
			for i := range maskUpdateColumns {
				if mask&(1<<i) == 0 {
					continue
				}
				if i >= len(cols) {
					return nil, formatErr("record %d at offset %d (mask 0x%04x): updates column %d, the table has %d", n, start, mask, i+1, len(cols))
				}
				r.present[i] = true
			}
		}
		for _, k := range keys {
			r.present[k] = true
		}
		for i, c := range cols {
			if !r.present[i] {
				continue
			}
			size := c.Type.storageSize(refSize)
			if len(data)-off < size {
				return nil, formatErr("record %d at offset %d (%s): truncated in column %s", n, start, r.op, c.Name)
			}
			v, err := decodeCell(c.Type, data[off:off+size], pool)
			if err != nil {
				return nil, formatErr("record %d at offset %d (%s), column %s: %v", n, start, r.op, c.Name, err)
			}
			off += size
			r.vals[i] = v
		}
		for _, k := range keys {
			if r.vals[k].IsNull() && !cols[k].Type.Nullable() {
				return nil, formatErr("record %d at offset %d (%s): key column %s is null", n, start, r.op, cols[k].Name)
			}
		}
		for i, c := range cols {
			if c.Type.IsBinary() && r.vals[i].Kind == Stream {
				r.vals[i].Str = streamNameOf(table, cols, r.vals)
			}
		}
		recs = append(recs, r)
	}
	return recs, nil
}

// streamNameOf names the stream a binary cell refers to: the table name and
// the row's key values, joined with dots.
func streamNameOf(table string, cols []Column, vals []Value) string {
	t := Table{Name: table, Columns: cols}
	return t.streamName(vals)
}

// keyOf is a row's primary key as text, one string per key column.
func keyOf(cols []Column, vals []Value) []string {
	var key []string
	for i, c := range cols {
		if c.Type.Key() && i < len(vals) {
			key = append(key, vals[i].Text())
		}
	}
	return key
}

// keyString joins a key for map lookups, with NUL, which the string pool
// cannot tell from the end of a string anyway.
func keyString(key []string) string {
	switch len(key) {
	case 0:
		return ""
	case 1:
		return key[0]
	}
	n := 0
	for _, k := range key {
		n += len(k) + 1
	}
	b := make([]byte, 0, n)
	for i, k := range key {
		if i > 0 {
			b = append(b, 0)
		}
		b = append(b, k...)
	}
	return string(b)
}

// describeKey shows a key in messages.
func describeKey(key []string) string {
	if len(key) == 1 {
		return fmt.Sprintf("%q", key[0])
	}
	return fmt.Sprintf("%q", key)
}
