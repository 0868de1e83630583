package cfb

import (
	"fmt"
	"io"
	"testing"
)

// BenchmarkWriteLarge writes one 64 MiB stream from a reader, as a
// cabinet is written into an .msi.
func BenchmarkWriteLarge(b *testing.B) {
	const n = 64 << 20
	data := pattern(n, 1)
	b.SetBytes(n)
	for b.Loop() {
		w := New()
		if err := w.Root().AddStream("big.cab", data); err != nil {
			b.Fatal(err)
		}
		if _, err := w.WriteTo(io.Discard); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkWriteManySmall writes 5000 streams of 0..4 KiB (mostly the
// mini stream), like a database's tables.
func BenchmarkWriteManySmall(b *testing.B) {
	var total int64
	streams := make([][]byte, 5000)
	for i := range streams {
		streams[i] = pattern(i*37%5000, byte(i))
		total += int64(len(streams[i]))
	}
	b.SetBytes(total)
	for b.Loop() {
		w := New()
		for i, s := range streams {
			if err := w.Root().AddStream(fmt.Sprintf("s%d", i), s); err != nil {
				b.Fatal(err)
			}
		}
		if _, err := w.WriteTo(io.Discard); err != nil {
			b.Fatal(err)
		}
	}
}
