package mszip

import (
	"bytes"
	"compress/flate"
	"errors"
	"math/rand"
	"testing"
)

// encode compresses data as MSZIP blocks of at most 32 KiB, each primed
// with the previous 32 KiB, as a cabinet writer does.
func encode(t testing.TB, data []byte, level int) [][]byte {
	var blocks [][]byte
	for off := 0; off < len(data); off += maxBlock {
		end := min(off+maxBlock, len(data))
		dict := data[max(0, off-historySize):off]
		var buf bytes.Buffer
		buf.WriteString("CK")
		w, err := flate.NewWriterDict(&buf, level, dict)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(data[off:end])
		w.Close()
		blocks = append(blocks, buf.Bytes())
	}
	return blocks
}

func testData(n int) []byte {
	rng := rand.New(rand.NewSource(7))
	b := make([]byte, n)
	words := [][]byte{[]byte("folder "), []byte("cabinet "), []byte("block\n"), []byte("deflate ")}
	for i := 0; i < n; {
		if rng.Intn(4) == 0 {
			b[i] = byte(rng.Intn(256))
			i++
			continue
		}
		i += copy(b[i:], words[rng.Intn(len(words))])
	}
	return b
}

func decodeAll(t testing.TB, d *Decoder, blocks [][]byte, total int) []byte {
	out := make([]byte, 0, total)
	for i, blk := range blocks {
		n := min(maxBlock, total-len(out))
		dst := make([]byte, n)
		if err := d.Decompress(dst, blk); err != nil {
			t.Fatalf("block %d: %v", i, err)
		}
		out = append(out, dst...)
	}
	return out
}

func TestRoundTrip(t *testing.T) {
	data := testData(200_000)
	for _, level := range []int{flate.NoCompression, flate.BestSpeed, flate.BestCompression} {
		blocks := encode(t, data, level)
		d := NewDecoder()
		if got := decodeAll(t, d, blocks, len(data)); !bytes.Equal(got, data) {
			t.Fatalf("level %d: output differs", level)
		}
		// After Reset the same decoder decodes the folder again.
		d.Reset()
		if got := decodeAll(t, d, blocks, len(data)); !bytes.Equal(got, data) {
			t.Fatalf("level %d: output differs after Reset", level)
		}
	}
}

// TestNeedsHistory checks that a block referring back into the previous
// block decodes only with that history.
func TestNeedsHistory(t *testing.T) {
	data := bytes.Repeat([]byte("0123456789abcdef"), 4096) // 64 KiB
	blocks := encode(t, data, flate.BestCompression)
	d := NewDecoder()
	if err := d.Decompress(make([]byte, maxBlock), blocks[1]); err == nil {
		t.Error("block 1 decoded without history")
	}
}

func TestCorrupt(t *testing.T) {
	data := testData(1000)
	blk := encode(t, data, flate.BestSpeed)[0]
	for name, tc := range map[string]struct {
		src []byte
		n   int
	}{
		"no signature": {append([]byte("XX"), blk[2:]...), len(data)},
		"short":        {blk[:len(blk)/2], len(data)},
		"too small":    {blk, len(data) + 1},
		"too large":    {blk, len(data) - 1},
		"empty":        {nil, 10},
		"oversize dst": {blk, maxBlock + 1},
	} {
		err := NewDecoder().Decompress(make([]byte, tc.n), tc.src)
		if !errors.Is(err, ErrCorrupt) {
			t.Errorf("%s: got %v, want ErrCorrupt", name, err)
		}
	}
}

func FuzzDecompress(f *testing.F) {
	data := testData(5000)
	f.Add(encode(f, data, flate.BestSpeed)[0], uint16(len(data)))
	f.Add([]byte("CK\x03\x00"), uint16(0))
	f.Fuzz(func(t *testing.T, src []byte, n uint16) {
		d := NewDecoder()
		dst := make([]byte, int(n)%(maxBlock+1))
		if err := d.Decompress(dst, src); err != nil && !errors.Is(err, ErrCorrupt) {
			t.Fatalf("error %v is not ErrCorrupt", err)
		}
		// The decoder stays usable after any input.
		d.Decompress(dst, src)
	})
}

func BenchmarkDecompress(b *testing.B) {
	data := testData(4 << 20)
	blocks := encode(b, data, flate.DefaultCompression)
	d := NewDecoder()
	dst := make([]byte, maxBlock)
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for range b.N {
		d.Reset()
		left := len(data)
		for _, blk := range blocks {
			n := min(maxBlock, left)
			if err := d.Decompress(dst[:n], blk); err != nil {
				b.Fatal(err)
			}
			left -= n
		}
	}
}
