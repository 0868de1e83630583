package tablecodec

import (
	"testing"

	"github.com/msikit/msikit/msi/internal/stringpool"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Column types as _Columns stores them.
const (
	s72key = Type(0x2d48) // s72, key
	l0     = Type(0x1f00) // L0
	i2     = Type(0x1502) // I2
	i4     = Type(0x0104) // i4
	v0     = Type(0x1900) // V0
)

func TestTypeKinds(t *testing.T) {
	assert.True(t, s72key.IsString() && s72key.Key() && s72key.Width() == 72 && !s72key.Nullable())
	assert.True(t, l0.IsString() && l0.Localizable() && l0.Nullable() && l0.Width() == 0)
	assert.True(t, i2.IsInteger() && i2.Size(3) == 2 && i4.Size(3) == 4)
	assert.True(t, v0.IsBinary() && !v0.IsString() && v0.Size(3) == 2)
	assert.Equal(t, 3, s72key.Size(3))
}

func TestTableRoundTrip(t *testing.T) {
	pb := stringpool.NewBuilder(1252)
	rows := [][]Cell{
		{{Kind: String, Str: "a"}, {Kind: String, Str: "text"}, {Kind: Integer, Int: -5}, {Kind: Integer, Int: 1 << 20}, {Kind: Stream}},
		{{Kind: String, Str: "b"}, {}, {}, {Kind: Integer, Int: -1}, {}},
	}
	types := []Type{s72key, l0, i2, i4, v0}
	ids := make([][]int, len(rows))
	for i, r := range rows {
		ids[i] = make([]int, len(r))
		for j, c := range r {
			if c.Kind == String {
				ids[i][j] = pb.Ref(c.Str)
			}
		}
	}
	pool, data, err := pb.Encode()
	require.NoError(t, err)
	sp, err := stringpool.Parse(pool, data)
	require.NoError(t, err)
	stream := EncodeTable(types, rows, ids, pb.RefSize())
	assert.Len(t, stream, 2*(2+2+2+4+2))
	cols := []Column{{"Key", s72key}, {"Text", l0}, {"Small", i2}, {"Big", i4}, {"Data", v0}}
	tab, err := NewTable("T", cols, stream, sp)
	require.NoError(t, err)
	require.Equal(t, 2, tab.Rows())
	for ri, r := range rows {
		for ci, want := range r {
			assert.Equal(t, want, tab.Cell(ri, ci), "row %d, column %d", ri, ci)
		}
	}

	_, err = NewTable("T", cols, stream[:len(stream)-1], sp)
	assert.ErrorContains(t, err, "not a multiple of the row size 12")
	_, err = NewTable("T", nil, stream, sp)
	assert.ErrorContains(t, err, "no columns")
	bad := append([]byte{9, 0}, stream[2:]...)
	_, err = NewTable("T", cols, bad, sp)
	assert.ErrorContains(t, err, "table T, row 1, column Key: string reference 9 is outside the string pool (3 strings)")
}

func TestRecordsRoundTrip(t *testing.T) {
	pb := stringpool.NewBuilder(0)
	for _, s := range []string{"k1", "v1", "k2"} {
		pb.Ref(s)
	}
	pool, data, err := pb.Encode()
	require.NoError(t, err)
	sp, err := stringpool.Parse(pool, data)
	require.NoError(t, err)
	types := []Type{s72key, l0, i2}
	cols := []Column{{"Key", s72key}, {"Value", l0}, {"N", i2}}
	var out []byte
	out = AppendRecord(out, 3<<8|MaskInsert, types, []Cell{{Kind: String, Str: "k1"}, {Kind: String, Str: "v1"}, {Kind: Integer, Int: 7}}, []int{0, 1, 2}, pb.ID, 2)
	out = AppendRecord(out, 1<<2, types, []Cell{{Kind: String, Str: "k2"}, {}, {Kind: Integer, Int: -3}}, []int{0, 2}, pb.ID, 2)
	out = AppendRecord(out, 0, types, []Cell{{Kind: String, Str: "k2"}}, []int{0}, pb.ID, 2)
	recs, err := ParseRecords(cols, out, sp)
	require.NoError(t, err)
	require.Len(t, recs, 3)
	assert.Equal(t, Insert, recs[0].Op)
	assert.Equal(t, []Cell{{Kind: String, Str: "k1"}, {Kind: String, Str: "v1"}, {Kind: Integer, Int: 7}}, recs[0].Cells)
	assert.Equal(t, Update, recs[1].Op)
	assert.Equal(t, []bool{true, false, true}, recs[1].Present)
	assert.Equal(t, int32(-3), recs[1].Cells[2].Int)
	assert.Equal(t, Delete, recs[2].Op)
	assert.Equal(t, "k2", recs[2].Cells[0].Str)

	_, err = ParseRecords(cols, out[:len(out)-1], sp)
	assert.ErrorContains(t, err, "record 3 at offset")
	_, err = ParseRecords(cols, []byte{0x01, 0x09}, sp)
	assert.ErrorContains(t, err, "inserts 9 columns, the table has 3")
	_, err = ParseRecords(nil, out, sp)
	assert.ErrorContains(t, err, "no columns")
}
