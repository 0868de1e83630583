package stringpool

import (
	"bytes"
	"encoding/binary"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// pool builds the two string-pool streams from raw strings.
func pool(cp uint32, strs ...[]byte) (p, d []byte) {
	p = binary.LittleEndian.AppendUint32(nil, cp)
	for _, s := range strs {
		if len(s) >= 1<<16 {
			p = binary.LittleEndian.AppendUint16(p, 0)
			p = binary.LittleEndian.AppendUint16(p, uint16(len(s)>>16))
		}
		p = binary.LittleEndian.AppendUint16(p, uint16(len(s)))
		p = binary.LittleEndian.AppendUint16(p, 1)
		d = append(d, s...)
	}
	return p, d
}

func TestStringPoolCodepages(t *testing.T) {
	cases := []struct {
		cp   uint32
		raw  []byte
		want string
	}{
		{1252, []byte("caf\xe9 \x80"), "café €"},
		{1251, []byte("\xcf\xf0\xe8\xe2\xe5\xf2"), "Привет"},
		{932, []byte("\x83\x65\x83\x58\x83\x67"), "テスト"},
		{936, []byte("\xd6\xd0\xce\xc4"), "中文"},
		{949, []byte("\xc7\xd1\xb1\xdb"), "한글"},
		{950, []byte("\xa4\xa4\xa4\xe5"), "中文"},
		{65001, []byte("naïve ✓"), "naïve ✓"},
		{0, []byte("plain"), "plain"},
	}
	for _, c := range cases {
		p, d := pool(c.cp, []byte("first"), c.raw)
		sp, err := Parse(p, d)
		require.NoError(t, err, "code page %d", c.cp)
		assert.Equal(t, int(c.cp), sp.Codepage)
		s, ok := sp.String(2)
		assert.True(t, ok)
		assert.Equal(t, c.want, s, "code page %d", c.cp)
		assert.Equal(t, c.raw, sp.Bytes(2), "raw bytes kept for code page %d", c.cp)
	}
}

func TestStringPoolStructure(t *testing.T) {
	long := bytes.Repeat([]byte("z"), 70000)
	p, d := pool(1252|LongRefsFlag, []byte("a"), long, []byte("b"))
	// an empty entry (0, 0) still takes an ID
	p = append(p, 0, 0, 0, 0)
	p2, d2 := pool(0, []byte("c"))
	p = append(p, p2[4:]...)
	d = append(d, d2...)
	sp, err := Parse(p, d)
	require.NoError(t, err)
	assert.True(t, sp.LongRefs)
	assert.Equal(t, 3, sp.RefSize())
	assert.Equal(t, 1252, sp.Codepage)
	assert.Equal(t, 6, sp.Len(), "ID 0, a, long, b, empty, c")
	for id, want := range []string{"", "a", string(long), "b", "", "c"} {
		s, ok := sp.String(id)
		assert.True(t, ok)
		assert.Equal(t, want, s, "ID %d", id)
	}
	assert.Equal(t, 1, sp.RefCount(2))
	_, ok := sp.String(6)
	assert.False(t, ok)

	_, err = Parse(p, d[:len(d)-1])
	assert.Error(t, err, "data shorter than the lengths say")
	_, err = Parse(p[:len(p)-2], d)
	assert.Error(t, err, "pool not a multiple of 4")
	_, err = Parse([]byte{0xe4, 0x04, 0, 0, 0, 0, 5, 0}, nil)
	assert.Error(t, err, "long entry with no second half")
}

func FuzzStringPool(f *testing.F) {
	f.Add([]byte{0xe4, 0x04, 0, 0, 3, 0, 1, 0, 0, 0, 0, 0, 2, 0, 5, 0}, []byte("abcde"))
	f.Add([]byte{0, 0, 0, 0x80, 0, 0, 1, 0, 0x70, 0x11, 1, 0}, bytes.Repeat([]byte("x"), 70000))
	f.Add([]byte{1}, []byte{})
	f.Fuzz(func(t *testing.T, pool, data []byte) {
		sp, err := Parse(pool, data)
		if err != nil {
			return
		}
		total := 0
		for id := 1; id < sp.Len(); id++ {
			total += len(sp.Bytes(id))
		}
		if total > len(data) {
			t.Fatalf("strings hold %d bytes, the data only %d", total, len(data))
		}
	})
}

func TestBuilderRoundTrip(t *testing.T) {
	long := string(bytes.Repeat([]byte("y"), 70000))
	pb := NewBuilder(1252)
	for _, s := range []string{"a", "café", long, "a", ""} {
		pb.Ref(s)
	}
	assert.Equal(t, 0, pb.ID(""))
	assert.Equal(t, 2, pb.ID("café"))
	assert.Equal(t, 2, pb.RefSize())
	p, d, err := pb.Encode()
	require.NoError(t, err)
	sp, err := Parse(p, d)
	require.NoError(t, err)
	assert.Equal(t, 4, sp.Len())
	for id, want := range []string{"", "a", "café", long} {
		s, _ := sp.String(id)
		assert.Equal(t, want, s, "ID %d", id)
	}
	assert.Equal(t, 2, sp.RefCount(1), "a is referred to twice")
	_, _, err = NewBuilder(932).Encode()
	require.NoError(t, err)
	bad := NewBuilder(1252)
	bad.Ref("日本")
	_, _, err = bad.Encode()
	assert.Error(t, err, "a string code page 1252 cannot hold")
}
