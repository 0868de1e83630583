package cab

import (
	"math/rand"
	"testing"
	"time"
)

// benchData is 8 MiB of half text-like, half binary-like data, as
// internal/benchgen makes for `make bench`.
func benchData() [][]byte {
	rng := rand.New(rand.NewSource(5))
	var files [][]byte
	for i := 0; i < 64; i++ {
		if i%2 == 0 {
			files = append(files, textData(rng, 128<<10))
			continue
		}
		b := make([]byte, 0, 128<<10)
		for len(b) < 128<<10 {
			switch k := 16 + rng.Intn(240); rng.Intn(3) {
			case 0:
				b = append(b, randData(rng, k)...)
			case 1:
				if len(b) > 4096 {
					off := len(b) - 4096 + rng.Intn(4096-k)
					b = append(b, b[off:off+k]...)
				}
			default:
				b = append(b, make([]byte, k)...)
			}
		}
		files = append(files, b[:128<<10])
	}
	return files
}

func benchmarkWrite(b *testing.B, opts ...WriterOption) {
	files := benchData()
	var total int64
	for _, f := range files {
		total += int64(len(f))
	}
	b.SetBytes(total)
	b.ReportAllocs()
	var size int64
	for b.Loop() {
		cw := &countWriter{}
		w := NewWriter(cw, opts...)
		for i, f := range files {
			fw, err := w.Create("f"+itoa(i), time.Time{})
			if err != nil {
				b.Fatal(err)
			}
			fw.Write(f)
		}
		if err := w.Close(); err != nil {
			b.Fatal(err)
		}
		size = cw.n
	}
	b.ReportMetric(100*float64(size)/float64(total), "%size")
}

func BenchmarkWriteMSZIP(b *testing.B) { benchmarkWrite(b) }

func BenchmarkWriteMSZIPBestSpeed(b *testing.B) { benchmarkWrite(b, MSZIPLevel(1)) }

func BenchmarkWriteStored(b *testing.B) { benchmarkWrite(b, WithCompression(MethodNone)) }
