package transform

import (
	"fmt"
	"strings"

	"github.com/msikit/msikit/msi"
	"github.com/msikit/msikit/msi/internal/stringpool"
	"github.com/msikit/msikit/msi/internal/tablecodec"
)

// What a transform record does to a row.
const (
	opInsert = tablecodec.Insert // a whole row, inserted or replacing the row with its key
	opUpdate = tablecodec.Update // chosen columns of the row with its key
	opDelete = tablecodec.Delete // the row with its key
)

// maskUpdateColumns is how many columns an update mask can name.
const maskUpdateColumns = tablecodec.MaskUpdateColumns

// record is one decoded transform record: vals has one cell per column of
// the table's layout, present says which the record stores.
type record struct {
	op      tablecodec.Op
	mask    uint16
	present []bool
	vals    []msi.Value
}

// records decodes the named table's stream against cols (no stream: no
// records). Records are stored row by row, each a 16-bit mask and then the
// cells it names, with the encodings of table streams and references to
// the transform's own string pool.
func (t *Transform) records(table string, cols []msi.Column) ([]record, error) {
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

func parseRecords(table string, cols []msi.Column, data []byte, pool *stringpool.Pool) ([]record, error) {
	raw, err := tablecodec.ParseRecords(codecColumns(cols), data, pool)
	if err != nil {
		return nil, formatErr("%v", err)
	}
	recs := make([]record, len(raw))
	for n, r := range raw {
		vals := make([]msi.Value, len(r.Cells))
		for i, c := range r.Cells {
			vals[i] = valueOf(c)
		}
		for i, c := range cols {
			if c.Type.IsBinary() && vals[i].Kind == msi.Stream {
				vals[i].Str = streamNameOf(table, cols, vals)
			}
		}
		recs[n] = record{op: r.Op, mask: r.Mask, present: r.Present, vals: vals}
	}
	return recs, nil
}

// streamNameOf names the stream a binary cell refers to: the table name and
// the row's key values, joined with dots.
func streamNameOf(table string, cols []msi.Column, vals []msi.Value) string {
	parts := []string{table}
	for i, c := range cols {
		if c.Type.Key() && i < len(vals) {
			parts = append(parts, vals[i].String())
		}
	}
	return strings.Join(parts, ".")
}

// keyOf is a row's primary key as text, one string per key column.
func keyOf(cols []msi.Column, vals []msi.Value) []string {
	var key []string
	for i, c := range cols {
		if c.Type.Key() && i < len(vals) {
			key = append(key, vals[i].String())
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
