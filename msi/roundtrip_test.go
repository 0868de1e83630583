package msi_test

import (
	"bytes"
	"fmt"
	"github.com/msikit/msikit/internal/testutil"
	"io"
	"math/rand"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/msikit/msikit/msi"
	"github.com/msikit/msikit/msi/internal/msitest"
	"github.com/stretchr/testify/require"
)

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
	for _, st := range db.Streams() {
		s := st.Name
		b, err := p.ReadStream(s)
		require.NoError(t, err, s)
		require.Equal(t, string(streamOf(t, db, s)), string(b), s) // an empty stream reads back as empty, not nil
	}
}

func streamOf(t testing.TB, db *msi.Database, name string) []byte {
	r, _, err := db.OpenStream(name)
	require.NoError(t, err)
	defer r.Close()
	b, err := io.ReadAll(r)
	require.NoError(t, err)
	return b
}

func TestDatabaseRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewSource(7))
	for i := 0; i < 20; i++ {
		checkRoundTrip(t, msitest.RandomDatabase(rng, 1+rng.Intn(5), 40))
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
		checkRoundTrip(t, msitest.RandomDatabase(rng, 1+int(tables%6), int(rows%50)))
	})
}

// TestWrittenDatabaseReadByMsiinfo: msiinfo lists the tables we write and
// exports them as we do.
func TestWrittenDatabaseReadByMsiinfo(t *testing.T) {
	if _, err := exec.LookPath("msiinfo"); err != nil {
		testutil.Skip(t, "msiinfo not installed: skipping the comparison with it")
	}
	rng := rand.New(rand.NewSource(11))
	db := msitest.RandomDatabase(rng, 4, 30)
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
