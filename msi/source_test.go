package msi

import (
	"bytes"
	"io"
	"math/rand"
	"testing"
)

// TestStreamSeq reads a large stream through streamReaderAt at random
// offsets, forward, backward and across buffer boundaries, from several
// readers at once as parallel folder decoding does, and compares with the
// stream's bytes.
func TestStreamSeq(t *testing.T) {
	rng := rand.New(rand.NewSource(5))
	data := make([]byte, 3<<20+12345)
	rng.Read(data)
	db := NewDatabase(1252)
	db.SetStream("big.cab", data)
	db.SetStream("small.cab", data[:1000])
	var buf bytes.Buffer
	if err := db.Save(&buf); err != nil {
		t.Fatal(err)
	}
	p, err := NewPackage(bytes.NewReader(buf.Bytes()), int64(buf.Len()), "t.msi")
	if err != nil {
		t.Fatal(err)
	}
	ra, size, err := p.streamReaderAt("big.cab")
	if err != nil {
		t.Fatal(err)
	}
	defer ra.Close()
	if _, ok := ra.(*streamSeq); !ok || size != int64(len(data)) {
		t.Fatalf("got %T of %d bytes, want a streamSeq of %d", ra, size, len(data))
	}
	check := func(off int64, n int) {
		t.Helper()
		b := make([]byte, n)
		got, err := ra.ReadAt(b, off)
		want := min(n, len(data)-int(off))
		if got != want || !bytes.Equal(b[:got], data[off:off+int64(got)]) {
			t.Fatalf("ReadAt(%d bytes at %d): %d bytes, err %v, want %d", n, off, got, err, want)
		}
		if got < n && err != io.EOF {
			t.Fatalf("ReadAt(%d bytes at %d) short without io.EOF: %v", n, off, err)
		}
	}
	// Sequential reads of every size, as the header parser and the block
	// reader make them, including small steps back.
	off := int64(0)
	for off < int64(len(data)) {
		n := 1 + rng.Intn(300)
		if rng.Intn(20) == 0 {
			n = 256 << 10
		}
		check(off, n)
		off += int64(n) - int64(rng.Intn(min(n, 256)))
	}
	// Random reads, and interleaved readers far apart.
	for range 200 {
		check(rng.Int63n(int64(len(data))), 1+rng.Intn(100_000))
	}
	a, b := int64(0), int64(len(data)/2)
	for a < int64(len(data))/2 {
		check(a, 70_000)
		check(b, 70_000)
		a, b = a+70_000, b+70_000
	}
	check(int64(len(data))-10, 100)
	if n, err := ra.ReadAt(make([]byte, 1), int64(len(data))); n != 0 || err != io.EOF {
		t.Fatalf("ReadAt at the end: %d, %v", n, err)
	}

	small, size, err := p.streamReaderAt("small.cab")
	if err != nil || size != 1000 {
		t.Fatal(size, err)
	}
	if _, ok := small.(memReaderAt); !ok {
		t.Fatalf("a small stream is read through %T", small)
	}
}
