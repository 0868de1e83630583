package transform

import (
	"errors"
	"testing"

	"github.com/msikit/msikit/msi"
	"github.com/msikit/msikit/msi/internal/stringpool"
)

// FuzzTransform builds a transform from a string pool and the streams of
// _Tables, _Columns, Property and File, reads it, decodes its changes and
// applies it to a small database: errors wrap a sentinel, a failed Apply
// leaves the database unchanged, and nothing panics.
func FuzzTransform(f *testing.F) {
	pb := stringpool.NewBuilder(0)
	for _, s := range []string{"ProductVersion", "2.0", "Extra", "Col", "f1", "b.txt"} {
		pb.Ref(s)
	}
	pool, data, _ := pb.Encode()
	f.Add(pool, data, []byte{}, []byte{}, u16s(2, 1, 2), []byte{})
	f.Add(pool, data, u16s(0x0101, 3), u16s(0x0401, 3, 0, 4, 0xad48), u16s(0x0201, 3, 2), u16s(0x00c0, 5, 0x8200, 0x8001, 0x8000))
	f.Add(pool, data, u16s(0), u16s(0x0401, 1, 0, 4, 0x9d48), u16s(0, 1), u16s(0x0801, 5, 1, 6, 0x10, 0x8000, 0, 0, 0, 0x8002, 0x1, 0x8000))
	f.Add([]byte{0, 0, 0, 0x80}, []byte{}, []byte{1}, []byte{}, u16s(0xffff), u16s(0x2000))
	f.Fuzz(func(t *testing.T, pool, data, tables, columns, property, file []byte) {
		streams := map[string][]byte{}
		for name, b := range map[string][]byte{"!_Tables": tables, "!_Columns": columns, "!Property": property, "!File": file} {
			if len(b) > 0 {
				streams[name] = b
			}
		}
		tr, err := openMST(buildMSTRaw(t, pool, data, streams))
		if err != nil {
			if !errors.Is(err, msi.ErrFormat) && !errors.Is(err, msi.ErrUnsupported) {
				t.Fatalf("open: error wraps no sentinel: %v", err)
			}
			return
		}
		for _, c := range tr.Changes() {
			if c.Err != nil && !errors.Is(c.Err, msi.ErrFormat) && !errors.Is(c.Err, msi.ErrNotFound) {
				t.Fatalf("changes: error wraps no sentinel: %v", c.Err)
			}
		}
		for _, ignore := range []ErrorConditions{0, IgnoreAll} {
			db := smallDB()
			before := snapshot(db)
			if _, err := tr.ChangesFor(db); err != nil && !errors.Is(err, msi.ErrFormat) && !errors.Is(err, msi.ErrNotFound) {
				t.Fatalf("changes for: error wraps no sentinel: %v", err)
			}
			err := tr.ApplyWith(db, ignore)
			if err != nil {
				if !errors.Is(err, msi.ErrFormat) && !errors.Is(err, ErrConflict) && !errors.Is(err, msi.ErrUnsupported) && !errors.Is(err, msi.ErrNotFound) {
					t.Fatalf("apply: error wraps no sentinel: %v", err)
				}
				after := snapshot(db)
				if len(after) != len(before) {
					t.Fatalf("a failed Apply changed the tables")
				}
				for k, v := range before {
					if after[k] != v {
						t.Fatalf("a failed Apply changed table %s", k)
					}
				}
				continue
			}
			for _, tb := range db.Tables() {
				for _, r := range tb.Rows {
					if len(r.Values) != len(tb.Columns) {
						t.Fatalf("table %s: a row of %d values for %d columns", tb.Name, len(r.Values), len(tb.Columns))
					}
				}
			}
		}
	})
}
