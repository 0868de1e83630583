package transform

import (
	"bytes"
	"encoding/binary"
	"errors"
	"testing"

	"github.com/msikit/msikit/internal/cfb"
	"github.com/msikit/msikit/msi"
	"github.com/msikit/msikit/msi/internal/streamname"
	"github.com/msikit/msikit/msi/internal/stringpool"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// buildMST writes a transform file holding the given streams (decoded
// names) and a string pool of strs.
func buildMST(t testing.TB, strs []string, streams map[string][]byte) []byte {
	pb := stringpool.NewBuilder(0)
	for _, s := range strs {
		pb.Ref(s)
	}
	pool, data, err := pb.Encode()
	require.NoError(t, err)
	return buildMSTRaw(t, pool, data, streams)
}

func buildMSTRaw(t testing.TB, pool, data []byte, streams map[string][]byte) []byte {
	b := cfb.New()
	b.Root().SetCLSID(cfb.MustParseCLSID(msi.CLSIDTransform))
	add := func(name string, v []byte) {
		if err := b.Root().AddStream(streamname.Encode(name), v); err != nil {
			t.Fatal(err)
		}
	}
	add(streamStringPool, pool)
	add(streamStringData, data)
	for name, v := range streams {
		add(name, v)
	}
	var out bytes.Buffer
	if _, err := b.WriteTo(&out); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

func openMST(b []byte) (*Transform, error) {
	p, err := msi.NewPackage(bytes.NewReader(b), int64(len(b)), "hostile.mst")
	if err != nil {
		return nil, err
	}
	return Open(p)
}

// smallDB is the database the hostile transforms and the fuzz target
// apply to: Property, File and Binary rows.
func smallDB() *msi.Database {
	db := msi.NewDatabase(0)
	prop, _ := db.CreateTable("Property", msi.StandardColumns("Property")[0])
	prop.AddRow(msi.StringValue("ProductVersion"), msi.StringValue("1.0"))
	prop.AddRow(msi.StringValue("ProductName"), msi.StringValue("Small"))
	file, _ := db.CreateTable("File", msi.StandardColumns("File")[0])
	file.AddRow(msi.StringValue("f1"), msi.StringValue("c1"), msi.StringValue("a.txt"), msi.IntValue(10), msi.Value{}, msi.Value{}, msi.IntValue(512), msi.IntValue(1))
	bin, _ := db.CreateTable("Binary", msi.StandardColumns("Binary")[0])
	bin.AddRow(msi.StringValue("icon"), msi.Value{Kind: msi.Stream})
	db.SetStream("Binary.icon", []byte("old icon"))
	fc, _ := db.CreateTable("FeatureComponents", msi.StandardColumns("FeatureComponents")[0])
	fc.AddRow(msi.StringValue("Complete"), msi.StringValue("c1"))
	return db
}

func u16s(v ...uint16) []byte {
	var b []byte
	for _, x := range v {
		b = binary.LittleEndian.AppendUint16(b, x)
	}
	return b
}

func TestHostileTransforms(t *testing.T) {
	strs := []string{"ProductVersion", "2.0", "NewTable", "Col"}
	for _, tc := range []struct {
		name    string
		streams map[string][]byte
		want    string // in the error
		is      error
	}{
		{"truncated record", map[string][]byte{"!Property": u16s(2, 1)}, "truncated in column Value", msi.ErrFormat},
		{"odd byte", map[string][]byte{"!Property": append(u16s(2, 1, 2), 0)}, "1 byte left", msi.ErrFormat},
		{"mask past the columns", map[string][]byte{"!Property": u16s(4, 1, 2)}, "updates column 3, the table has 2", msi.ErrFormat},
		{"insert of too many columns", map[string][]byte{"!Property": u16s(0x0301, 1, 2, 2)}, "inserts 3 columns, the table has 2", msi.ErrFormat},
		{"insert without its key", map[string][]byte{"!FeatureComponents": u16s(0x0101, 1)}, "not every key column", msi.ErrFormat},
		{"string outside the pool", map[string][]byte{"!Property": u16s(2, 1, 99)}, "string reference 99 is outside the string pool (4 strings)", msi.ErrFormat},
		{"null key", map[string][]byte{"!Property": u16s(2, 0, 2)}, "key column Property is null", msi.ErrFormat},
		{"table without columns", map[string][]byte{"!_Tables": u16s(0x0101, 3), "!NewTable": u16s(0x0101, 4)}, "adds the table without columns", msi.ErrFormat},
		{"column added twice", map[string][]byte{"!_Columns": append(u16s(0x0401, 1, 0, 4, 0x8d48), u16s(0x0401, 1, 0, 4, 0x8d48)...)}, "", ErrConflict},
		{"column numbered wrong", map[string][]byte{"!_Tables": u16s(0x0101, 3), "!_Columns": u16s(0x0401, 3, 0x8005, 4, 0xad48)}, "column Col is number 5, want 1", msi.ErrFormat},
		{"column changed", map[string][]byte{"!_Columns": u16s(0x0004, 1, 0x8001, 4)}, "transforms only add columns", msi.ErrUnsupported},
		{"system table added", map[string][]byte{"!_Tables": u16s(0x0101, 3)}, "", nil}, // placeholder replaced below
		{"unknown table", map[string][]byte{"!Mystery": u16s(0)}, "changing rows of a table the database does not have", ErrConflict},
		{"binary data missing", map[string][]byte{"!Binary": u16s(0x0201, 1, 1)}, "names stream Binary.ProductVersion, which the transform lacks", msi.ErrFormat},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.is == nil {
				return
			}
			tr, err := openMST(buildMST(t, strs, tc.streams))
			if err == nil {
				db := smallDB()
				before := snapshot(db)
				err = tr.ApplyWith(db, 0)
				assert.Equal(t, before, snapshot(db), "a failed Apply leaves the database as it was")
			}
			require.Error(t, err)
			assert.True(t, errors.Is(err, tc.is), "%v is not %v", err, tc.is)
			assert.Contains(t, err.Error(), "hostile.mst: transform")
			assert.Contains(t, err.Error(), tc.want)
		})
	}
	// A damaged string pool is refused when the transform is opened.
	_, err := openMST(buildMSTRaw(t, []byte{0, 0, 0, 0, 9, 0, 1, 0}, []byte("abc"), nil))
	require.ErrorIs(t, err, msi.ErrFormat)
	assert.Contains(t, err.Error(), "transform, string pool")
	// A transform adding _Tables itself is refused.
	_, err = openMST(buildMST(t, []string{"_Tables"}, map[string][]byte{"!_Tables": u16s(0x0101, 1)}))
	require.ErrorIs(t, err, msi.ErrFormat)
	assert.Contains(t, err.Error(), "adds or drops a system table")
	// A database is not a transform.
	var buf bytes.Buffer
	require.NoError(t, smallDB().Save(&buf))
	p, err := msi.NewPackage(bytes.NewReader(buf.Bytes()), int64(buf.Len()), "small.msi")
	require.NoError(t, err)
	_, err = Open(p)
	require.ErrorIs(t, err, msi.ErrUnsupported)
	_, err = FromStorage(p, "nope")
	require.ErrorIs(t, err, msi.ErrNotFound)
}

func TestApplyConflictsAndIgnoredErrors(t *testing.T) {
	strs := []string{"Missing", "x", "ProductVersion", "icon"}
	for _, tc := range []struct {
		name   string
		stream string
		data   []byte
		ignore ErrorConditions
		want   string
	}{
		{"update of a missing row", "!Property", u16s(2, 1, 2), IgnoreUpdateMissingRow, "updates row \"Missing\", which does not exist"},
		{"delete of a missing row", "!Property", u16s(0, 1), IgnoreDelMissingRow, "deletes row \"Missing\", which does not exist"},
		{"insert of an existing row", "!Property", u16s(0x0201, 3, 2), IgnoreAddExistingRow, "inserts row \"ProductVersion\", which exists"},
		{"drop of a missing table", "!_Tables", u16s(0, 1), IgnoreDelMissingTable, "dropping a table the database does not have"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tr, err := openMST(buildMST(t, strs, map[string][]byte{tc.stream: tc.data}))
			require.NoError(t, err)
			db := smallDB()
			err = tr.ApplyWith(db, IgnoreAll&^tc.ignore)
			require.ErrorIs(t, err, ErrConflict)
			assert.Contains(t, err.Error(), tc.want)
			require.NoError(t, tr.ApplyWith(db, tc.ignore))
		})
	}
	// Ignored, an insert replaces the row.
	tr, err := openMST(buildMST(t, strs, map[string][]byte{"!Property": u16s(0x0201, 3, 2)}))
	require.NoError(t, err)
	db := smallDB()
	require.NoError(t, tr.ApplyWith(db, IgnoreAddExistingRow))
	r, _ := lookupTable(db, "Property").Lookup("ProductVersion")
	assert.Equal(t, "x", r.String("Value"))
	assert.Len(t, lookupTable(db, "Property").Rows, 2)

	// A binary cell takes its data from the transform; deleting the row
	// removes its stream.
	tr, err = openMST(buildMST(t, strs, map[string][]byte{"!Binary": u16s(0x0002, 4, 1), "Binary.icon": []byte("new icon")}))
	require.NoError(t, err)
	require.NoError(t, tr.ApplyWith(db, 0))
	got, err := readStream(db, "Binary.icon")
	require.NoError(t, err)
	assert.Equal(t, "new icon", string(got))
	tr, err = openMST(buildMST(t, strs, map[string][]byte{"!Binary": u16s(0, 4)}))
	require.NoError(t, err)
	require.NoError(t, tr.ApplyWith(db, 0))
	assert.Empty(t, lookupTable(db, "Binary").Rows)
	assert.False(t, db.HasStream("Binary.icon"))

	// Code pages: 1252 against a 932 database is a conflict; against a
	// neutral one, the database takes the transform's.
	pb := stringpool.NewBuilder(1252)
	pb.Ref("ProductVersion")
	pool, data, err := pb.Encode()
	require.NoError(t, err)
	tr, err = openMST(buildMSTRaw(t, pool, data, map[string][]byte{"!Property": u16s(0, 1)}))
	require.NoError(t, err)
	db = smallDB()
	db.Codepage = 932
	err = tr.ApplyWith(db, 0)
	require.ErrorIs(t, err, ErrConflict)
	assert.Contains(t, err.Error(), "code page 1252 is not the database's, 932")
	require.NoError(t, tr.ApplyWith(db, IgnoreChangeCodepage))
	assert.Equal(t, 932, db.Codepage)
	db = smallDB()
	require.NoError(t, tr.ApplyWith(db, 0))
	assert.Equal(t, 1252, db.Codepage)
	_, ok := lookupTable(db, "Property").Lookup("ProductVersion")
	assert.False(t, ok)
}
