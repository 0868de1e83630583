package lzx

import (
	"bytes"
	"encoding/hex"
	"testing"
)

func TestHuffmanBuild(t *testing.T) {
	tests := []struct {
		name string
		lens []uint8
		want error
	}{
		{"complete", []uint8{1, 2, 3, 3}, nil},
		{"over-subscribed", []uint8{1, 1, 1}, errOversubscribed},
		{"incomplete", []uint8{1, 2}, errIncomplete},
		{"single code", []uint8{0, 1, 0}, errIncomplete},
		{"empty", []uint8{0, 0, 0}, errEmptyTree},
	}
	for _, tc := range tests {
		var h huffman
		if err := h.build(tc.lens, 4); err != tc.want {
			t.Errorf("%s: %v, want %v", tc.name, err, tc.want)
		}
	}
}

// TestHuffmanLongCodes decodes a code with lengths 1..16 (each symbol one
// bit longer than the last) through a 4-bit primary table, so most
// symbols need a sub-table.
func TestHuffmanLongCodes(t *testing.T) {
	lens := make([]uint8, 17)
	for i := range 16 {
		lens[i] = uint8(i + 1)
	}
	lens[16] = 16
	var h huffman
	if err := h.build(lens, 4); err != nil {
		t.Fatal(err)
	}
	// Canonical codes: symbol i < 16 is i ones then a zero; 16 is 16 ones.
	for sym := range 17 {
		code := uint64(1)<<sym - 1
		n := uint(lens[sym])
		if sym < 16 {
			code <<= 1
		}
		e := h.lookup(code << (64 - n))
		if got, gotLen := e>>entrySymShift, e&entryLenMask; int(got) != sym || uint(gotLen) != n {
			t.Errorf("code for %d decodes to %d (%d bits), want %d bits", sym, got, gotLen, n)
		}
	}
}

// TestTranslateE8 checks translation against values worked out by hand
// from [MS-PATCH]: the operand at frame position i becomes abs - (off+i) if
// 0 <= abs < size, abs + size if -(off+i) <= abs < 0, else stays.
func TestTranslateE8(t *testing.T) {
	h := func(s string) []byte {
		b, err := hex.DecodeString(s)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	tests := []struct {
		name string
		in   string
		off  int64
		size int32
		want string
	}{
		// abs 0x10 at i=0, off 0: rel 0x10. abs 0x64 at i=5: 0x64-5 = 0x5f.
		{"positive", "e810000000" + "e864000000" + "0000000000000000000000", 0, 1000, "e810000000" + "e85f000000" + "0000000000000000000000"},
		// abs -1 at i=0, off 100: -1 >= -100, so rel = -1 + 1000 = 999 (0x3e7).
		{"negative", "e8ffffffff" + "00000000000000000000", 100, 1000, "e8e7030000" + "00000000000000000000"},
		// abs 1000 is not below size: unchanged. abs -200 < -(100+5): unchanged.
		{"out of range", "e8e8030000" + "e838ffffff" + "00000000000000000000", 100, 1000, "e8e8030000" + "e838ffffff" + "00000000000000000000"},
		// An E8 at len-10 or later is left alone.
		{"tail", "0000000000" + "e810000000" + "0000000000", 0, 1000, "0000000000" + "e810000000" + "0000000000"},
		{"short frame", "e810000000", 0, 1000, "e810000000"},
	}
	for _, tc := range tests {
		b := h(tc.in)
		translateE8(b, tc.off, tc.size)
		if want := h(tc.want); !bytes.Equal(b, want) {
			t.Errorf("%s: % x, want % x", tc.name, b, want)
		}
	}
}
