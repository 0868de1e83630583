package transform_test

import (
	"bytes"
	"fmt"
	"math/rand"
	"testing"

	"github.com/msikit/msikit/msi"
	"github.com/msikit/msikit/msi/internal/msitest"
	"github.com/msikit/msikit/msi/transform"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// copies saves db and loads it back n times: independent databases with
// the same content.
func copies(t testing.TB, db *msi.Database, n int) []*msi.Database {
	var buf bytes.Buffer
	require.NoError(t, db.Save(&buf))
	var out []*msi.Database
	for range n {
		p, err := msi.NewPackage(bytes.NewReader(buf.Bytes()), int64(buf.Len()), "copy.msi")
		require.NoError(t, err)
		c, err := p.Database()
		require.NoError(t, err)
		out = append(out, c)
	}
	return out
}

// mutate changes a database at random: cells updated (binary data too),
// rows deleted and inserted, columns appended, a table dropped, tables
// added (one wider than a 16-bit update mask, one whose first column is
// not its key).
func mutate(t testing.TB, rng *rand.Rand, db *msi.Database) {
	for _, tb := range db.Tables() {
		if rng.Intn(4) == 0 && len(tb.Columns) < 30 {
			tb.Columns = append(tb.Columns, msi.Column{Name: "Added", Number: len(tb.Columns) + 1, Type: msi.TypeValid | msi.TypeString | msi.TypeNoBinary | msi.TypeNullable | 40})
			for i := range tb.Rows {
				v := msi.Value{}
				if rng.Intn(2) == 0 {
					v = msi.StringValue(fmt.Sprintf("added %d", i))
				}
				tb.Rows[i].Values = append(tb.Rows[i].Values, v)
			}
		}
		kept := tb.Rows[:0]
		for i, r := range tb.Rows {
			switch rng.Intn(6) {
			case 0:
				for _, v := range r.Values {
					if v.Kind == msi.Stream {
						db.DeleteStream(v.Str)
					}
				}
				continue // deleted
			case 1:
				for c, col := range tb.Columns {
					if col.Type.Key() || rng.Intn(2) == 0 {
						continue
					}
					switch v := r.Values[c]; {
					case col.Type.IsBinary():
						if v.Kind == msi.Stream {
							db.SetStream(v.Str, []byte(fmt.Sprintf("new data %d", rng.Int())))
						}
					case col.Type.IsString():
						r.Values[c] = msi.StringValue(fmt.Sprintf("changed %d", i))
					case col.Type.Nullable() && rng.Intn(3) == 0:
						r.Values[c] = msi.Value{}
					default:
						r.Values[c] = msi.IntValue(int32(rng.Intn(30000)))
					}
				}
			}
			kept = append(kept, r)
		}
		tb.Rows = kept
		for n := range rng.Intn(4) {
			vals := make([]msi.Value, len(tb.Columns))
			vals[0] = msi.StringValue(fmt.Sprintf("inserted%d", n))
			for c, col := range tb.Columns[1:] {
				switch {
				case col.Type.IsBinary():
					vals[c+1] = msi.Value{Kind: msi.Stream}
				case col.Type.IsString():
					vals[c+1] = msi.StringValue("ins")
				default:
					vals[c+1] = msi.IntValue(7)
				}
			}
			r, err := tb.AddRow(vals...)
			require.NoError(t, err)
			for _, v := range r.Values {
				if v.Kind == msi.Stream {
					db.SetStream(v.Str, []byte("inserted stream"))
				}
			}
		}
	}
	if ts := db.Tables(); len(ts) > 1 {
		db.DropTable(ts[rng.Intn(len(ts))].Name)
	}
	var wide []msi.Column
	for i := range 20 {
		typ := msi.TypeString | msi.TypeNoBinary | msi.TypeNullable | 20
		if i == 0 {
			typ = msi.TypeString | msi.TypeNoBinary | msi.TypeKey | 20
		}
		if i == 5 {
			typ = 4 | msi.TypeNullable
		}
		wide = append(wide, msi.Column{Name: fmt.Sprintf("W%d", i), Type: typ})
	}
	w, err := db.CreateTable(fmt.Sprintf("Wide%d", rng.Intn(1000)), wide)
	require.NoError(t, err)
	vals := make([]msi.Value, 20)
	vals[0], vals[5], vals[19] = msi.StringValue("row"), msi.IntValue(-5), msi.StringValue("last")
	_, err = w.AddRow(vals...)
	require.NoError(t, err)
	odd, err := db.CreateTable(fmt.Sprintf("Odd%d", rng.Intn(1000)), []msi.Column{
		{Name: "Value", Type: 2 | msi.TypeNoBinary | msi.TypeNullable},
		{Name: "Name", Type: msi.TypeString | msi.TypeNoBinary | msi.TypeKey | 20},
	})
	require.NoError(t, err)
	_, err = odd.AddRow(msi.IntValue(3), msi.StringValue("three"))
	require.NoError(t, err)
}

// later changes the tables mutate added: a high column of the wide table
// (past a 16-bit update mask) and the value of the keyless-first one.
func later(db *msi.Database) {
	for _, tb := range db.Tables() {
		if len(tb.Rows) == 0 {
			continue
		}
		switch {
		case len(tb.Columns) == 20 && tb.Columns[0].Name == "W0":
			tb.Rows[0].Values[19] = msi.StringValue("changed last")
		case tb.Columns[0].Name == "Value":
			tb.Rows[0].Values[0] = msi.IntValue(4)
		}
	}
}

// sameDatabase checks two databases hold the same tables (in order),
// cells and streams.
func sameDatabase(t testing.TB, want, got *msi.Database) {
	t.Helper()
	var wn, gn []string
	for _, tb := range want.Tables() {
		wn = append(wn, tb.Name)
	}
	for _, tb := range got.Tables() {
		gn = append(gn, tb.Name)
	}
	require.Equal(t, wn, gn, "tables")
	for _, wt := range want.Tables() {
		gt := dbTable(got, wt.Name)
		require.Equal(t, len(wt.Columns), len(gt.Columns), wt.Name)
		for i, c := range wt.Columns {
			require.Equal(t, c.Name, gt.Columns[i].Name, wt.Name)
			require.Equal(t, c.Type|msi.TypeValid, gt.Columns[i].Type|msi.TypeValid, "%s.%s", wt.Name, c.Name)
		}
		byKey := map[string][]msi.Value{}
		for _, r := range gt.Rows {
			byKey[fmt.Sprint(keyText(gt, r.Values))] = r.Values
		}
		require.Equal(t, len(wt.Rows), len(gt.Rows), wt.Name)
		for _, r := range wt.Rows {
			require.Equal(t, r.Values, byKey[fmt.Sprint(keyText(wt, r.Values))], wt.Name)
		}
	}
	require.Equal(t, want.Streams(), got.Streams())
	for _, s := range want.Streams() {
		require.Equal(t, streamOf(t, want, s.Name), streamOf(t, got, s.Name), s.Name)
	}
}

func keyText(tb *msi.Table, vals []msi.Value) []string {
	var k []string
	for i, c := range tb.Columns {
		if c.Type.Key() {
			k = append(k, vals[i].String())
		}
	}
	return k
}

// checkTransformRoundTrip: Diff(A, B) written as an .mst, read back and
// applied to A gives B, and Diff then finds nothing.
func checkTransformRoundTrip(t testing.TB, a, b *msi.Database, target *msi.Database) {
	d, err := transform.Diff(a, b)
	require.NoError(t, err)
	var mst bytes.Buffer
	require.NoError(t, d.WriteTransform(&mst, transform.Options{Validation: transform.Validation{Checks: 0x0922, Ignore: transform.IgnoreDelMissingRow}}))
	p, err := msi.NewPackage(bytes.NewReader(mst.Bytes()), int64(mst.Len()), "roundtrip.mst")
	require.NoError(t, err)
	require.Equal(t, msi.KindTransform, p.Kind())
	tr, err := transform.Open(p)
	require.NoError(t, err)
	assert.Equal(t, transform.Checks(0x0922), tr.Validation().Checks)
	assert.Equal(t, transform.IgnoreDelMissingRow, tr.Validation().Ignore)
	// What the transform says is what Diff found, table by table.
	cs, err := tr.ChangesFor(target)
	require.NoError(t, err)
	counts := func(cs []transform.TableChange) map[string][3]int {
		out := map[string][3]int{}
		for _, c := range cs {
			if c.Dropped {
				continue
			}
			out[c.Table] = [3]int{len(c.Inserted), len(c.Updated), len(c.Deleted)}
		}
		return out
	}
	want := counts(d.Tables)
	got := counts(cs)
	for name, n := range got {
		if n != want[name] {
			// Updates a 16-bit mask cannot carry are a delete and an insert.
			w := want[name]
			require.Equal(t, [3]int{w[0] + w[1], 0, w[2] + w[1]}, n, name)
		}
	}
	require.NoError(t, tr.ApplyWith(target, 0))
	sameDatabase(t, b, target)
	again, err := transform.Diff(target, b)
	require.NoError(t, err)
	require.True(t, again.Empty(), "differences left: %+v", again.Tables)
}

func TestTransformRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewSource(11))
	for range 25 {
		a := msitest.RandomDatabase(rng, 1+rng.Intn(5), 30)
		dbs := copies(t, a, 3)
		mutate(t, rng, dbs[1])
		checkTransformRoundTrip(t, dbs[0], dbs[1], dbs[2])
		// Then changes to the tables the first transform added.
		next := copies(t, dbs[1], 2)
		later(next[1])
		checkTransformRoundTrip(t, dbs[1], next[1], next[0])
	}
}

func TestTransformRoundTripLongReferences(t *testing.T) {
	a := msi.NewDatabase(65001)
	tb, err := a.CreateTable("Big", []msi.Column{{Name: "K", Type: msi.TypeString | msi.TypeNoBinary | msi.TypeKey | 72}, {Name: "V", Type: msi.TypeString | msi.TypeNoBinary | msi.TypeNullable}})
	require.NoError(t, err)
	_, err = tb.AddRow(msi.StringValue("first"), msi.StringValue("één"))
	require.NoError(t, err)
	dbs := copies(t, a, 3)
	big := dbTable(dbs[1], "Big")
	for i := range 34000 {
		_, err := big.AddRow(msi.StringValue(fmt.Sprintf("k%d", i)), msi.StringValue(fmt.Sprintf("värde %d", i)))
		require.NoError(t, err)
	}
	big.Rows[0].Values[1] = msi.StringValue("twee")
	d, err := transform.Diff(dbs[0], dbs[1])
	require.NoError(t, err)
	require.Len(t, d.Tables, 1)
	assert.Len(t, d.Tables[0].Inserted, 34000)
	assert.Len(t, d.Tables[0].Updated, 1)
	checkTransformRoundTrip(t, dbs[0], dbs[1], dbs[2])
}

func TestDiffReportsLayoutChanges(t *testing.T) {
	a := msi.NewDatabase(0)
	_, err := a.CreateTable("T", []msi.Column{{Name: "K", Type: msi.TypeString | msi.TypeNoBinary | msi.TypeKey | 72}, {Name: "V", Type: 2 | msi.TypeNoBinary}})
	require.NoError(t, err)
	b := msi.NewDatabase(0)
	_, err = b.CreateTable("T", []msi.Column{{Name: "K", Type: msi.TypeString | msi.TypeNoBinary | msi.TypeKey | 72}, {Name: "V", Type: 4}})
	require.NoError(t, err)
	d, err := transform.Diff(a, b)
	require.NoError(t, err)
	require.Len(t, d.Tables, 1)
	require.ErrorIs(t, d.Tables[0].Err, msi.ErrUnsupported)
	assert.Contains(t, d.Tables[0].Err.Error(), "K:s72* V:i2 to K:s72* V:i4")
	err = d.WriteTransform(&bytes.Buffer{}, transform.Options{})
	require.ErrorIs(t, err, msi.ErrUnsupported)
}
