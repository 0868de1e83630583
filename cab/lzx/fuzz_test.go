package lzx_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"testing"

	"github.com/msikit/msikit/cab/lzx"
)

// Fuzz input: byte 0 picks the window (15 + b%7); then up to maxFuzzBlocks
// blocks, each a 4-byte header (uint16 compressed size, uint16 output size;
// an output size with the top bit clear means a full 32768-byte frame)
// followed by its payload. Output is capped so each input runs fast.
const maxFuzzBlocks = 4

type fuzzBlock struct {
	src  []byte
	size int
}

func splitFuzz(data []byte) (int, []fuzzBlock) {
	if len(data) == 0 {
		return 15, nil
	}
	wb := 15 + int(data[0])%7
	data = data[1:]
	var blocks []fuzzBlock
	for len(data) >= 4 && len(blocks) < maxFuzzBlocks {
		clen := int(binary.LittleEndian.Uint16(data))
		u := int(binary.LittleEndian.Uint16(data[2:]))
		data = data[4:]
		clen = min(clen, len(data))
		size := testFrame
		if u&0x8000 != 0 {
			size = u & 0x7fff
		}
		blocks = append(blocks, fuzzBlock{data[:clen], size})
		data = data[clen:]
	}
	return wb, blocks
}

// joinFuzz is the inverse of splitFuzz, for seeds.
func joinFuzz(wb int, frames [][]byte, total int) []byte {
	out := []byte{byte(wb - 15)}
	for i, f := range frames {
		n := min(testFrame, total-i*testFrame)
		u := uint16(0)
		if n < testFrame {
			u = 0x8000 | uint16(n)
		}
		out = binary.LittleEndian.AppendUint16(out, uint16(len(f)))
		out = binary.LittleEndian.AppendUint16(out, u)
		out = append(out, f...)
	}
	return out
}

func fuzzRun(d *lzx.Decoder, blocks []fuzzBlock) ([]byte, error) {
	var out []byte
	for _, b := range blocks {
		dst := make([]byte, b.size)
		if err := d.Decompress(dst, b.src); err != nil {
			return out, err
		}
		out = append(out, dst...)
	}
	return out, nil
}

// checkFuzzRun decodes blocks: an error must wrap ErrCorrupt, and
// decoding is a function of the input: the same again after Reset.
func checkFuzzRun(t *testing.T, d *lzx.Decoder, blocks []fuzzBlock) {
	out, err := fuzzRun(d, blocks)
	if err != nil && !errors.Is(err, lzx.ErrCorrupt) {
		t.Fatalf("error not wrapping ErrCorrupt: %v", err)
	}
	d.Reset()
	out2, err2 := fuzzRun(d, blocks)
	if (err == nil) != (err2 == nil) || !bytes.Equal(out, out2) {
		t.Fatalf("second run differs: %v / %v", err, err2)
	}
}

func FuzzDecompress(f *testing.F) {
	toks, _ := literals(40)
	f.Add(joinFuzz(15, encodeStream(1, 15, false, 0, []blockSpec{{typ: 1, toks: toks}}), 40))
	raw := []byte("\xe8\x01\x02\x03\x04 uncompressed, odd")
	f.Add(joinFuzz(15, encodeStream(1, 15, true, 1000, []blockSpec{
		{typ: 3, raw: raw},
		{typ: 2, toks: append(toks, tok{length: 30, off: 17}, tok{length: 5, off: 17})},
	}), len(raw)+40+35))
	f.Add(joinFuzz(18, encodeStream(2, 18, false, 0, []blockSpec{
		{typ: 1, toks: append(toks[:2:2], tok{length: 257, off: 1}, tok{length: 100, off: 2})},
	}), 2+257+100))
	f.Add([]byte{6, 4, 0, 0x85, 0x80, 0xff, 0xff, 0xff, 0xff})

	f.Fuzz(func(t *testing.T, data []byte) {
		wb, blocks := splitFuzz(data)
		d, err := lzx.NewDecoder(wb)
		if err != nil {
			t.Fatal(err)
		}
		checkFuzzRun(t, d, blocks)
	})
}

// FuzzDeltaDecompress is FuzzDecompress for LZX DELTA: a reference of
// refSize bytes, byte 0 of data picking a window of 2^17 to 2^19 bytes.
func FuzzDeltaDecompress(f *testing.F) {
	enc := newTestEncoder(1, 17)
	enc.delta = true
	toks := []tok{{lit: 1}, {length: 300, off: 50}, {length: 600, off: 1}, {length: 40, off: 1000}}
	// joinFuzz(15, …) writes byte 0 as 0: the 2^17 window here.
	f.Add(uint16(100), joinFuzz(15, encode(enc, true, 5000, []blockSpec{{typ: 2, toks: toks}}), 941))
	f.Add(uint16(0), []byte{1, 4, 0, 0x85, 0x80, 0xff, 0xff, 0xff, 0xff})
	f.Fuzz(func(t *testing.T, refSize uint16, data []byte) {
		wb := 17
		if len(data) > 0 {
			wb += int(data[0]) % 3
		}
		_, blocks := splitFuzz(data)
		ref := bytes.Repeat([]byte{0xE8, 1, 2, 3}, int(refSize%4096))
		d, err := lzx.NewDeltaDecoder(wb, ref)
		if err != nil {
			t.Fatal(err)
		}
		checkFuzzRun(t, d, blocks)
	})
}
