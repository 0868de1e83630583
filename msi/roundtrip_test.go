package msi_test

import (
	"bytes"
	"fmt"
	"github.com/msikit/msikit/internal/testutil"
	"math/rand"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/msikit/msikit/msi"
	"github.com/stretchr/testify/require"
)

var columnKinds = []msi.ColumnType{
	msi.TypeString | 72, msi.TypeString | msi.TypeNullable | 255, msi.TypeString | msi.TypeLocalizable | msi.TypeNullable,
	2, 2 | msi.TypeNullable, 4, 4 | msi.TypeNullable, msi.TypeString | msi.TypeNullable, // the last: binary
}

// randomDatabase makes tables of every column type with random cells:
// strings with characters of code page 1252, empty (null) strings, strings
// over 64 KiB, integers at their limits, and binary streams.
func randomDatabase(rng *rand.Rand, tables, maxRows int) *msi.Database {
	db := msi.NewDatabase(1252)
	alphabet := []rune("abcXYZ09 _.éüß€ŒžÿÀ\t")
	str := func() string {
		n := rng.Intn(12)
		if rng.Intn(50) == 0 {
			n = 70000 + rng.Intn(100)
		}
		var b strings.Builder
		for i := 0; i < n; i++ {
			b.WriteRune(alphabet[rng.Intn(len(alphabet))])
		}
		return b.String()
	}
	for ti := 0; ti < tables; ti++ {
		var cols []msi.Column
		cols = append(cols, msi.Column{Name: "Key", Type: msi.TypeString | msi.TypeKey | 72})
		for ci := 0; ci < 1+rng.Intn(6); ci++ {
			typ := columnKinds[rng.Intn(len(columnKinds))]
			if typ == msi.TypeString|msi.TypeNullable {
				typ = 0x0900 | msi.TypeNullable // binary: string without the 0x400 bit, width 0
			} else if typ&msi.TypeString != 0 || typ&0xff == 2 {
				typ |= msi.TypeNoBinary
			}
			cols = append(cols, msi.Column{Name: fmt.Sprintf("C%d", ci), Type: typ})
		}
		t, err := db.CreateTable(fmt.Sprintf("T%d", ti), cols)
		if err != nil {
			panic(err)
		}
		for ri := 0; ri < rng.Intn(maxRows+1); ri++ {
			vals := []msi.Value{msi.StringValue(fmt.Sprintf("k%d", ri))}
			for _, c := range t.Columns[1:] {
				switch {
				case c.Type.IsBinary():
					if rng.Intn(3) == 0 {
						vals = append(vals, msi.Value{})
					} else {
						vals = append(vals, msi.Value{Kind: msi.Stream})
					}
				case c.Type.IsString():
					s := str()
					if s == "" && !c.Type.Nullable() {
						s = "x"
					}
					vals = append(vals, msi.StringValue(s))
				default:
					limit := int32(32767)
					if c.Type.Width() == 4 {
						limit = 2147483647
					}
					v := []int32{0, 1, -1, limit, -limit, rng.Int31n(limit)}[rng.Intn(6)]
					if c.Type.Nullable() && rng.Intn(4) == 0 {
						vals = append(vals, msi.Value{})
					} else {
						vals = append(vals, msi.IntValue(v))
					}
				}
			}
			r, err := t.AddRow(vals...)
			if err != nil {
				panic(err)
			}
			for _, v := range r.Values {
				if v.Kind == msi.Stream {
					data := make([]byte, rng.Intn(9000))
					rng.Read(data)
					db.SetStream(v.Str, data)
				}
			}
		}
	}
	return db
}

// checkRoundTrip saves db and reads it back: same tables, cells, streams.
func checkRoundTrip(t testing.TB, db *msi.Database) {
	var buf bytes.Buffer
	require.NoError(t, db.Save(&buf))
	var again bytes.Buffer
	require.NoError(t, db.Save(&again))
	require.Equal(t, buf.Bytes(), again.Bytes(), "saving twice gives the same bytes")
	p, err := msi.NewPackage(bytes.NewReader(buf.Bytes()), int64(buf.Len()), "roundtrip.msi")
	require.NoError(t, err)
	cp, err := p.Codepage()
	require.NoError(t, err)
	require.Equal(t, db.Codepage, cp)
	names, err := p.Tables()
	require.NoError(t, err)
	var want []string
	for _, tb := range db.Tables() {
		want = append(want, tb.Name)
	}
	require.Equal(t, want, names)
	for _, tb := range db.Tables() {
		got, err := p.Table(tb.Name)
		require.NoError(t, err)
		require.Equal(t, len(tb.Columns), len(got.Columns), tb.Name)
		for i, c := range tb.Columns {
			require.Equal(t, c.Name, got.Columns[i].Name)
			require.Equal(t, c.Type.IDT(), got.Columns[i].Type.IDT(), "%s.%s", tb.Name, c.Name)
		}
		require.Equal(t, len(tb.Rows), len(got.Rows), tb.Name)
		for i, r := range tb.Rows {
			require.Equal(t, r.Values, got.Rows[i].Values, "%s row %d", tb.Name, i)
		}
	}
	for _, s := range db.Streams() {
		b, err := p.ReadStream(s)
		require.NoError(t, err, s)
		require.Equal(t, string(streamOf(t, db, s)), string(b), s) // an empty stream reads back as empty, not nil
	}
}

func streamOf(t testing.TB, db *msi.Database, name string) []byte {
	var buf bytes.Buffer
	require.NoError(t, db.WriteStream(&buf, name))
	return buf.Bytes()
}

func TestDatabaseRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewSource(7))
	for i := 0; i < 20; i++ {
		checkRoundTrip(t, randomDatabase(rng, 1+rng.Intn(5), 40))
	}
}

// TestManyStringsRoundTrip needs 3-byte string references.
func TestManyStringsRoundTrip(t *testing.T) {
	db := msi.NewDatabase(65001)
	tb, err := db.CreateTable("Big", []msi.Column{{Name: "K", Type: msi.TypeString | msi.TypeNoBinary | msi.TypeKey | 72}, {Name: "V", Type: msi.TypeString | msi.TypeNoBinary | msi.TypeNullable}})
	require.NoError(t, err)
	for i := 0; i < 40000; i++ {
		_, err := tb.AddRow(msi.StringValue(fmt.Sprintf("k%d", i)), msi.StringValue(fmt.Sprintf("värde %d", i)))
		require.NoError(t, err)
	}
	checkRoundTrip(t, db)
}

func FuzzDatabaseRoundTrip(f *testing.F) {
	f.Add(int64(1), uint8(2), uint8(5))
	f.Add(int64(99), uint8(4), uint8(30))
	f.Fuzz(func(t *testing.T, seed int64, tables, rows uint8) {
		rng := rand.New(rand.NewSource(seed))
		checkRoundTrip(t, randomDatabase(rng, 1+int(tables%6), int(rows%50)))
	})
}

// TestWrittenDatabaseReadByMsiinfo: msiinfo lists the tables we write and
// exports them as we do.
func TestWrittenDatabaseReadByMsiinfo(t *testing.T) {
	if _, err := exec.LookPath("msiinfo"); err != nil {
		testutil.Skip(t, "msiinfo not installed: skipping the comparison with it")
	}
	rng := rand.New(rand.NewSource(11))
	db := randomDatabase(rng, 4, 30)
	path := filepath.Join(t.TempDir(), "written.msi")
	require.NoError(t, db.SaveFile(path))
	p, err := msi.Open(path)
	require.NoError(t, err)
	defer p.Close()
	out, err := msiinfo(t, "tables", path)
	require.NoError(t, err)
	require.Equal(t, []string{"T0", "T1", "T2", "T3", "_ForceCodepage", "_SummaryInformation"}, lines(out))
	for _, tb := range db.Tables() {
		want, err := msiinfo(t, "export", path, tb.Name)
		require.NoError(t, err, tb.Name)
		var got bytes.Buffer
		require.NoError(t, p.WriteIDT(&got, tb.Name))
		require.Equal(t, string(want), unescapeIDT.Replace(got.String()), tb.Name)
	}
}
