package mszip

import (
	"bytes"
	"compress/flate"
	"errors"
	"testing"
)

// roundTrip compresses data in 32 KiB blocks with one Encoder and decodes
// every block with a fresh flate reader given only the previous 32 KiB:
// each block must stand alone given its dictionary, as [MS-CAB] requires,
// and also decode with the package's own Decoder.
func roundTrip(t *testing.T, data []byte, level int) int {
	t.Helper()
	e, err := NewEncoder(level)
	if err != nil {
		t.Fatal(err)
	}
	d := NewDecoder()
	total := 0
	for off := 0; off < len(data); off += maxBlock {
		src := data[off:min(off+maxBlock, len(data))]
		blk, err := e.Compress(nil, src)
		if err != nil {
			t.Fatal(err)
		}
		total += len(blk)
		if string(blk[:2]) != "CK" {
			t.Fatalf("block at %d: no CK signature", off)
		}
		dict := data[max(0, off-historySize):off]
		fr := flate.NewReaderDict(bytes.NewReader(blk[2:]), dict)
		var out bytes.Buffer
		if _, err := out.ReadFrom(fr); err != nil {
			t.Fatalf("block at %d: standalone decode: %v", off, err)
		}
		if !bytes.Equal(out.Bytes(), src) {
			t.Fatalf("block at %d: standalone decode differs", off)
		}
		dst := make([]byte, len(src))
		if err := d.Decompress(dst, blk); err != nil || !bytes.Equal(dst, src) {
			t.Fatalf("block at %d: Decoder: %v", off, err)
		}
	}
	return total
}

func TestEncoderRoundTrip(t *testing.T) {
	data := testData(300000)
	for _, level := range []int{flate.HuffmanOnly, flate.NoCompression, flate.BestSpeed, 4, flate.DefaultCompression, flate.BestCompression} {
		n := roundTrip(t, data, level)
		if level >= flate.BestSpeed && n > len(data)*3/4 {
			t.Errorf("level %d: %d bytes for %d of text", level, n, len(data))
		}
	}
	// Incompressible data stays within the CFDATA limit of 32 KiB + 6 KiB.
	rnd := make([]byte, 70000)
	for i := range rnd {
		rnd[i] = byte(i*7919 + i>>3*31)
	}
	roundTrip(t, rnd, flate.DefaultCompression)
}

// TestEncoderReset starts a new folder: the first block after Reset must
// decode with no dictionary.
func TestEncoderReset(t *testing.T) {
	e, _ := NewEncoder(flate.DefaultCompression)
	data := testData(maxBlock)
	e.Compress(nil, data)
	e.Reset()
	blk, err := e.Compress(nil, data)
	if err != nil {
		t.Fatal(err)
	}
	d := NewDecoder()
	dst := make([]byte, len(data))
	if err := d.Decompress(dst, blk); err != nil || !bytes.Equal(dst, data) {
		t.Fatalf("block after Reset: %v", err)
	}
}

func TestEncoderBlockSize(t *testing.T) {
	e, _ := NewEncoder(flate.DefaultCompression)
	for _, n := range []int{0, maxBlock + 1} {
		if _, err := e.Compress(nil, make([]byte, n)); !errors.Is(err, ErrBlockSize) {
			t.Errorf("%d bytes: %v, want ErrBlockSize", n, err)
		}
	}
	if _, err := NewEncoder(42); err == nil {
		t.Error("level 42 accepted")
	}
}

func BenchmarkEncoder(b *testing.B) {
	data := testData(1 << 20)
	e, _ := NewEncoder(flate.DefaultCompression)
	b.SetBytes(int64(len(data)))
	var dst []byte
	for b.Loop() {
		e.Reset()
		for off := 0; off < len(data); off += maxBlock {
			dst, _ = e.Compress(dst[:0], data[off:off+maxBlock])
		}
	}
}
