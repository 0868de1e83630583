// Command benchgen writes a deterministic tree of mixed text-like and
// binary-like files for `make bench`: the same arguments always give the
// same bytes, so timings compare across runs and machines.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
)

var words = []string{
	"cabinet", "folder", "block", "window", "installer", "package", "stream",
	"table", "component", "feature", "registry", "property", "sequence", "action",
	"Microsoft", "Windows", "hotfix", "update", "version", "1.0.2.3", "x64", "{", "}",
	"<File Id=\"", "\" Name=\"", "\"/>", "\r\n", "\t", "=", ";", "0x00000000",
}

func main() {
	out := flag.String("o", "bench-src", "output directory")
	sizeMB := flag.Int("size", 200, "total size in MB")
	nfiles := flag.Int("files", 10000, "number of files")
	flag.Parse()
	if err := generate(*out, int64(*sizeMB)<<20, *nfiles); err != nil {
		fmt.Fprintln(os.Stderr, "benchgen:", err)
		os.Exit(1)
	}
}

func generate(dir string, total int64, n int) error {
	rng := rand.New(rand.NewPCG(1, 2))
	avg := total / int64(n)
	var written int64
	for i := 0; i < n; i++ {
		// Sizes vary from tiny to ~4x the average, and the last file
		// takes up the remainder so the total is exact.
		size := int64(rng.Float64() * rng.Float64() * float64(avg) * 4)
		if i == n-1 {
			size = max(0, total-written)
		}
		size = min(size, total-written)
		p := filepath.Join(dir, fmt.Sprintf("d%02d", i%50), fmt.Sprintf("s%d", i%7), fmt.Sprintf("file%05d.%s", i, []string{"txt", "bin"}[i%2]))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		f, err := os.Create(p)
		if err != nil {
			return err
		}
		w := bufio.NewWriterSize(f, 64<<10)
		if i%2 == 0 {
			writeText(w, rng, size)
		} else {
			writeBinary(w, rng, size)
		}
		if err := w.Flush(); err != nil {
			return err
		}
		if err := f.Close(); err != nil {
			return err
		}
		written += size
	}
	return nil
}

// writeText writes word soup: compresses about 4:1, like source or XML.
func writeText(w *bufio.Writer, rng *rand.Rand, size int64) {
	for size > 0 {
		s := words[rng.IntN(len(words))]
		if int64(len(s)) > size {
			s = s[:size]
		}
		w.WriteString(s)
		size -= int64(len(s))
		if size > 0 {
			w.WriteByte(' ')
			size--
		}
	}
}

// writeBinary writes executable-like data: runs of random bytes mixed with
// repeats of earlier runs and zero padding, so it compresses somewhat.
func writeBinary(w *bufio.Writer, rng *rand.Rand, size int64) {
	var recent [4096]byte
	for size > 0 {
		k := min(int64(16+rng.IntN(240)), size)
		switch rng.IntN(3) {
		case 0:
			for j := int64(0); j < k; j++ {
				b := byte(rng.Uint32())
				recent[(j+int64(rng.IntN(8)))%int64(len(recent))] = b
				w.WriteByte(b)
			}
		case 1:
			off := rng.IntN(len(recent) - 256)
			w.Write(recent[off : off+int(k)])
		default:
			for j := int64(0); j < k; j++ {
				w.WriteByte(0)
			}
		}
		size -= k
	}
}
