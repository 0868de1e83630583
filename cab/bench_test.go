package cab

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// BenchmarkExtractMSZIP measures Extract on a gcab-built MSZIP cabinet of
// mixed files (MB/s of uncompressed output).
func BenchmarkExtractMSZIP(b *testing.B) {
	if _, err := exec.LookPath("gcab"); err != nil {
		b.Skip("gcab not installed")
	}
	src := b.TempDir()
	files := writeTree(b, src)
	var names []string
	var total int64
	for n, data := range files {
		names = append(names, n)
		total += int64(len(data))
	}
	cabPath := filepath.Join(b.TempDir(), "b.cab")
	cmd := exec.Command("gcab", append([]string{"-cz", cabPath}, names...)...)
	cmd.Dir = src
	if out, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("gcab: %v\n%s", err, out)
	}
	benchExtract(b, cabPath, total)
}

// BenchmarkExtractLZX21 measures Extract on the corpus's LZX:21 cabinet.
func BenchmarkExtractLZX21(b *testing.B) {
	p := filepath.Join(corpusDir(b), "lessmsi", "vcredis1.cab")
	if _, err := os.Stat(p); err != nil {
		b.Skip(err)
	}
	benchExtract(b, p, 0)
}

func benchExtract(b *testing.B, path string, total int64) {
	rc, err := Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer rc.Close()
	if total == 0 {
		for _, f := range rc.File {
			total += f.Size
		}
	}
	b.SetBytes(total)
	b.ResetTimer()
	for range b.N {
		err := rc.Extract(nil, 1, func(f *File, c io.Reader) error {
			_, err := io.Copy(io.Discard, c)
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkExtractPipelined measures Extract with two workers, each
// folder decoded ahead of delivery (two MSZIP decoders on one folder), on
// 8 MiB written by our writer (MSZIP with history, so decoders start
// without it); the Concurrent variant also hands files to two goroutines.
func BenchmarkExtractPipelined(b *testing.B) { benchPipelined(b, false) }

func BenchmarkExtractPipelinedConcurrent(b *testing.B) { benchPipelined(b, true) }

func benchPipelined(b *testing.B, concurrent bool) {
	var buf bytes.Buffer
	w := NewWriter(&buf)
	var total int64
	for i, data := range benchData() {
		fw, err := w.Create(fmt.Sprintf("f%03d.bin", i), time.Time{})
		if err != nil {
			b.Fatal(err)
		}
		fw.Write(data)
		total += int64(len(data))
	}
	if err := w.Close(); err != nil {
		b.Fatal(err)
	}
	r, err := NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(total)
	b.ReportAllocs()
	for b.Loop() {
		err := r.ExtractWith(nil, ExtractOptions{Workers: 2, Concurrent: concurrent}, func(f *File, c io.Reader) error {
			_, err := io.Copy(io.Discard, c)
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}
