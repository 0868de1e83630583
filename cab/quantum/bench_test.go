package quantum

import (
	"math/rand/v2"
	"testing"
)

func BenchmarkDecompress(b *testing.B) {
	r := rand.New(rand.NewPCG(10, 10))
	const size = 1 << 20
	for _, bc := range []struct {
		name string
		bits int
		data []byte
	}{
		{"text/w21", 21, genText(r, size)},
		{"records/w16", 16, genRecords(r, size)},
		{"mixed/w18", 18, genMixed(r, size)},
		{"random/w15", 15, genRandom(r, size)},
	} {
		blocks := newTestEncoder(bc.bits, 1).compress(bc.data)
		b.Run(bc.name, func(b *testing.B) {
			d, err := NewDecoder(bc.bits)
			if err != nil {
				b.Fatal(err)
			}
			out := make([]byte, frameSize)
			b.SetBytes(int64(len(bc.data)))
			b.ReportAllocs()
			for b.Loop() {
				d.Reset()
				for i, blk := range blocks {
					n := min(frameSize, len(bc.data)-i*frameSize)
					if err := d.Decompress(out[:n], blk); err != nil {
						b.Fatal(err)
					}
				}
			}
		})
	}
}
