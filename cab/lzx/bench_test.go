package lzx_test

import (
	"testing"

	"github.com/msikit/msikit/cab/lzx"
)

func benchmarkCorpus(b *testing.B, rel string) {
	folders := lzxFolders(b, corpusFile(b, rel))
	f := folders[0]
	d, err := lzx.NewDecoder(windowBits(f))
	if err != nil {
		b.Fatal(err)
	}
	total := 0
	for _, blk := range f.Blocks {
		total += blk.USize
	}
	b.SetBytes(int64(total))
	b.ReportAllocs()
	dst := make([]byte, testFrame)
	for b.Loop() {
		d.Reset()
		for _, blk := range f.Blocks {
			if err := d.Decompress(dst[:blk.USize], blk.Data); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// BenchmarkDecompress decodes large-files-cab.cab (14.7 MB out of 26 KB,
// so mostly long matches); the Real variant decodes a compiled DLL.
func BenchmarkDecompress(b *testing.B) {
	benchmarkCorpus(b, "libmspack-cabextract/large-files-cab.cab")
}

func BenchmarkDecompressReal(b *testing.B) {
	benchmarkCorpus(b, "lessmsi/vcredis1.cab")
}
