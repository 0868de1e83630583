package cfb

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/richardlehane/mscfb"
)

func TestReadBackMscfb(t *testing.T) {
	b := New()
	root := b.Root()
	root.SetCLSID(CLSIDPatch)
	must(t, root.AddStream("\x05SummaryInformation", pattern(300, 1)))
	must(t, root.AddStream(packName("!_StringPool"), pattern(40, 2)))
	must(t, root.AddStream(packName("Binary.Icon"), pattern(5000, 3)))
	must(t, root.AddStream("plain", nil))
	tr, err := root.AddStorage("#RTM.1")
	must(t, err)
	tr.SetCLSID(CLSIDTransform)
	must(t, tr.AddStream("\x05SummaryInformation", pattern(200, 4)))
	must(t, tr.AddStream(packName("!Property"), pattern(4096, 5)))
	sub, err := tr.AddStorage("\x06Nested")
	must(t, err)
	must(t, sub.AddStream("deep", pattern(17, 6)))
	_, err = root.AddStorage("empty")
	must(t, err)

	file := build(t, b)
	got, clsid := readBack(t, file)
	if clsid != CLSIDPatch.String() {
		t.Errorf("root CLSID %s, want %s", clsid, CLSIDPatch)
	}
	sameTree(t, got, want(root))
	if _, ok := got["#RTM.1/Nested/deep"]; !ok {
		t.Errorf("nested stream not at the path mscfb gives: have %v", keys(got))
	}

}

func TestSubStorageCLSIDAndTimes(t *testing.T) {
	b := New()
	b.Root().SetCLSID(CLSIDDatabase)
	mod := time.Date(2010, 3, 4, 5, 6, 7, 800, time.UTC)
	b.Root().SetTimes(mod, mod)
	s, err := b.Root().AddStorage("sub")
	must(t, err)
	s.SetCLSID(CLSIDTransform)
	s.SetStateBits(0xA5A5)
	created := time.Date(2001, 1, 1, 0, 0, 0, 0, time.UTC)
	s.SetTimes(created, mod)
	must(t, s.AddStream("x", []byte("hello")))
	file := build(t, b)
	r, err := mscfb.New(bytes.NewReader(file))
	must(t, err)
	if got := strings.ToUpper(r.ID()); got != CLSIDDatabase.String() {
		t.Errorf("root CLSID %s", got)
	}
	// mscfb keeps whole seconds only; the raw FILETIMEs are checked below.
	if !r.Modified().Equal(mod.Truncate(time.Second)) {
		t.Errorf("root modified %v, want %v", r.Modified(), mod)
	}
	for _, f := range r.File {
		if f.Name != "sub" {
			continue
		}
		if strings.ToUpper(f.ID()) != CLSIDTransform.String() || !f.Created().Equal(created) || !f.Modified().Equal(mod.Truncate(time.Second)) {
			t.Errorf("sub: CLSID %s created %v modified %v", f.ID(), f.Created(), f.Modified())
		}
	}
	dir := file[512*(1+int(le32(file[48:]))):]
	// 2010-03-04 05:06:07.0000008 is 12912152767 s and 8 ticks after 1601.
	const modFT, createdFT = 129121527670000008, 126227808000000000
	if c, m := le64(dir[100:]), le64(dir[108:]); c != 0 || m != modFT {
		t.Errorf("root times %d %d, want 0 (always, for the root) and %d", c, m, modFT)
	}
	if c, m := le64(dir[128+100:]), le64(dir[128+108:]); c != createdFT || m != modFT {
		t.Errorf("sub times %d %d, want %d %d", c, m, createdFT, modFT)
	}
	// State bits at offset 96 of the sub-storage's entry (entry 1).
	if got := le32(dir[128+96:]); got != 0xA5A5 {
		t.Errorf("state bits %#x", got)
	}
}

func TestSizes(t *testing.T) {
	for _, n := range []int{0, 1, 63, 64, 65, 511, 512, 513, 4095, 4096, 4097, 8192, 100000} {
		for _, v := range []int{3, 4} {
			t.Run(fmt.Sprintf("v%d/%d", v, n), func(t *testing.T) {
				b := New()
				must(t, b.SetVersion(v))
				must(t, b.Root().AddStream("s", pattern(n, byte(n))))
				// A neighbour on each side of the mini cutoff, so that a
				// stream put in the wrong place shows.
				must(t, b.Root().AddStream("small", pattern(100, 7)))
				must(t, b.Root().AddStream("large", pattern(5000, 8)))
				file := build(t, b)
				got, _ := readBack(t, file)
				sameTree(t, got, want(b.Root()))
			})
		}
	}
}

func TestMiniCutoffPlacement(t *testing.T) {
	// 4095 bytes go to the mini stream (64 mini sectors), 4096 to regular
	// sectors: the root entry's size is the mini stream's.
	for _, tc := range []struct{ n, mini int }{{4095, 4096}, {4096, 0}, {4097, 0}, {1, 64}, {0, 0}} {
		b := New()
		must(t, b.Root().AddStream("s", pattern(tc.n, 1)))
		file := build(t, b)
		dir := file[512*(1+int(le32(file[48:]))):]
		if got := int(le32(dir[120:])); got != tc.mini {
			t.Errorf("%d-byte stream: mini stream is %d bytes, want %d", tc.n, got, tc.mini)
		}
		got, _ := readBack(t, file)
		sameTree(t, got, want(b.Root()))
	}
}

func TestLargeStreamDIFAT(t *testing.T) {
	if testing.Short() {
		t.Skip("writes a 10 MB file")
	}
	const n = 10<<20 + 12345
	data := pattern(n, 9)
	b := New()
	must(t, b.Root().AddStream("big", data))
	must(t, b.Root().AddStream("tiny", []byte("x")))
	file := build(t, b)
	// 20,505 sectors of stream, 3 of directory, MiniFAT and mini stream,
	// and 162 FAT sectors (128 entries each) with one DIFAT sector for the
	// 53 beyond the header's 109: 20,671 sectors.
	if got := le32(file[72:]); got != 1 {
		t.Errorf("%d DIFAT sectors, want 1", got)
	}
	if got := le32(file[44:]); got != 162 {
		t.Errorf("%d FAT sectors, want 162", got)
	}
	if len(file) != 512*(1+20671) {
		t.Errorf("file is %d bytes, want %d", len(file), 512*(1+20671))
	}
	got, _ := readBack(t, file)
	sameTree(t, got, want(b.Root()))
	if md5hex(got["big"].data) != md5hex(data) {
		t.Errorf("big stream md5 differs")
	}
}

func TestStreamReaderFlat(t *testing.T) {
	if testing.Short() {
		t.Skip("writes a 12 MB file")
	}
	// A reader-backed stream goes straight to the output.
	const n = 12 << 20
	b := New()
	must(t, b.Root().AddStreamReader("cab", io.LimitReader(&patternReader{}, n), n))
	must(t, b.Root().AddStream("a", []byte("abc")))
	file := build(t, b)
	got, _ := readBack(t, file)
	h := md5hex(got["cab"].data)
	var want bytes.Buffer
	io.Copy(&want, io.LimitReader(&patternReader{}, n))
	if h != md5hex(want.Bytes()) || string(got["a"].data) != "abc" {
		t.Errorf("cab md5 %s, want %s", h, md5hex(want.Bytes()))
	}
	// The reader is spent: a second write is refused, not silently wrong.
	if _, err := b.WriteTo(io.Discard); !errors.Is(err, ErrStreamSize) {
		t.Errorf("second write: %v, want ErrStreamSize", err)
	}
}

// TestStreamReaderMemory checks that memory stays flat: writing a 256 MiB
// reader-backed stream allocates a small, fixed amount, not the stream.
func TestStreamReaderMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("streams 256 MiB")
	}
	const n = 256 << 20
	b := New()
	must(t, b.Root().AddStreamReader("cab", io.LimitReader(&patternReader{}, n), n))
	must(t, b.Root().AddStream("small", pattern(1000, 1)))
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	written, err := b.WriteTo(io.Discard)
	runtime.ReadMemStats(&after)
	must(t, err)
	// Header, 524,288 sectors of stream, 4,129 of FAT (128 entries each,
	// mapping themselves too), 32 of DIFAT for the 4,020 FAT sectors past
	// the header's 109, and directory, MiniFAT and two of mini stream.
	if want := int64(512 * (1 + 524288 + 4129 + 32 + 1 + 1 + 2)); written != want {
		t.Errorf("wrote %d bytes, want %d", written, want)
	}
	alloc := after.TotalAlloc - before.TotalAlloc
	t.Logf("allocated %d bytes writing %d", alloc, written)
	if alloc > 1<<20 {
		t.Errorf("writing allocated %d bytes for a %d-byte stream", alloc, n)
	}
}

type patternReader struct{ x uint32 }

func (p *patternReader) Read(b []byte) (int, error) {
	for i := range b {
		p.x = p.x*1664525 + 1013904223
		b[i] = byte(p.x >> 24)
	}
	return len(b), nil
}

func TestStreamFuncSizeMismatch(t *testing.T) {
	for _, tc := range []struct {
		name     string
		declared int64
		actual   int
	}{{"short-mini", 100, 99}, {"long-mini", 100, 101}, {"short", 10000, 9999}, {"long", 10000, 10001}} {
		b := New()
		data := pattern(tc.actual, 1)
		must(t, b.Root().AddStreamFunc("s", tc.declared, func() (io.ReadCloser, error) {
			return io.NopCloser(bytes.NewReader(data)), nil
		}))
		_, err := b.WriteTo(io.Discard)
		if !errors.Is(err, ErrStreamSize) || !strings.Contains(err.Error(), "stream s") {
			t.Errorf("%s: %v, want ErrStreamSize naming the stream", tc.name, err)
		}
	}
	// An open error is passed on.
	boom := errors.New("boom")
	b := New()
	must(t, b.Root().AddStreamFunc("s", 5, func() (io.ReadCloser, error) { return nil, boom }))
	if _, err := b.WriteTo(io.Discard); !errors.Is(err, boom) {
		t.Errorf("open error: %v", err)
	}
	if err := b.Root().AddStreamFunc("neg", -1, nil); !errors.Is(err, ErrInvalidSize) {
		t.Errorf("negative size: %v", err)
	}
}

func TestStreamFuncWritesTwice(t *testing.T) {
	b := New()
	opened := 0
	data := pattern(9000, 3)
	must(t, b.Root().AddStreamFunc("f", int64(len(data)), func() (io.ReadCloser, error) {
		opened++
		return io.NopCloser(bytes.NewReader(data)), nil
	}))
	one, two := build(t, b), build(t, b)
	if !bytes.Equal(one, two) || opened != 2 {
		t.Errorf("two writes differ (%v) or opened %d times", !bytes.Equal(one, two), opened)
	}
	got, _ := readBack(t, one)
	if !bytes.Equal(got["f"].data, data) {
		t.Error("stream from func differs")
	}
}

func TestManyEntries(t *testing.T) {
	b := New()
	for i := 0; i < 1000; i++ {
		must(t, b.Root().AddStream(fmt.Sprintf("stream%04d", i), pattern(i*7, byte(i))))
	}
	file := build(t, b)
	// 1001 entries of 128 bytes: 251 directory sectors.
	got, _ := readBack(t, file)
	if len(got) != 1000 {
		t.Errorf("%d entries read back", len(got))
	}
	sameTree(t, got, want(b.Root()))
}

func TestDeepNesting(t *testing.T) {
	b := New()
	s := b.Root()
	for i := 0; i < 200; i++ {
		must(t, s.AddStream("data", pattern(i, byte(i))))
		var err error
		s, err = s.AddStorage(fmt.Sprintf("level%d", i))
		must(t, err)
	}
	must(t, s.AddStream("bottom", pattern(5000, 1)))
	file := build(t, b)
	got, _ := readBack(t, file)
	sameTree(t, got, want(b.Root()))
	if len(got) != 401 {
		t.Errorf("%d entries", len(got))
	}
}

func TestDeterministic(t *testing.T) {
	names := []string{"b", "A", "ccc", "\x05Summary", "Ab", "aC", "zzzz", "Z"}
	mk := func(order []int) []byte {
		b := New()
		b.Root().SetCLSID(CLSIDDatabase)
		for _, i := range order {
			must(t, b.Root().AddStream(names[i], pattern(i*1000, byte(i))))
		}
		s, err := b.Root().AddStorage("st")
		must(t, err)
		must(t, s.AddStream("x", []byte("y")))
		return build(t, b)
	}
	a := mk([]int{0, 1, 2, 3, 4, 5, 6, 7})
	c := mk([]int{7, 6, 5, 4, 3, 2, 1, 0})
	d := mk([]int{3, 1, 7, 0, 5, 2, 6, 4})
	if !bytes.Equal(a, c) || !bytes.Equal(a, d) {
		t.Fatalf("insertion order changes the output: md5 %s %s %s", md5hex(a), md5hex(c), md5hex(d))
	}
	if !bytes.Equal(a, mk([]int{0, 1, 2, 3, 4, 5, 6, 7})) {
		t.Fatal("two builds differ")
	}
}

func TestRemoveAndLookup(t *testing.T) {
	b := New()
	must(t, b.Root().AddStream("keep", []byte("1")))
	must(t, b.Root().AddStream("drop", []byte("2")))
	s, err := b.Root().AddStorage("Store")
	must(t, err)
	must(t, s.AddStream("inner", []byte("3")))
	if b.Root().Storage("STORE") != s || b.Root().Storage("keep") != nil {
		t.Error("Storage lookup")
	}
	if !b.Root().Remove("DROP") || b.Root().Remove("drop") || b.Root().Remove("bad/name") {
		t.Error("Remove results")
	}
	if got := strings.Join(b.Root().Names(), ","); got != "keep,Store" {
		t.Errorf("Names = %s", got)
	}
	if s.Path() != "Store" {
		t.Errorf("Path = %q", s.Path())
	}
	// Re-adding after a remove is allowed.
	must(t, b.Root().AddStream("Drop", []byte("4")))
	got, _ := readBack(t, build(t, b))
	if string(got["Drop"].data) != "4" || string(got["Store/inner"].data) != "3" || len(got) != 4 {
		t.Errorf("after remove: %v", keys(got))
	}
}

func TestTooLarge(t *testing.T) {
	b := New()
	must(t, b.Root().AddStreamFunc("huge", maxV3Stream+1, func() (io.ReadCloser, error) {
		t.Fatal("opened a stream of a file that cannot be written")
		return nil, nil
	}))
	if _, err := b.WriteTo(io.Discard); !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "huge") {
		t.Errorf("v3 with a 2 GiB+ stream: %v", err)
	}
	if _, err := b.Size(); !errors.Is(err, ErrTooLarge) {
		t.Errorf("Size: %v", err)
	}
	must(t, b.SetVersion(4))
	size, err := b.Size()
	must(t, err)
	// Version 4: header sector, ~524289 data sectors, their FAT and DIFAT.
	if want := int64(4096) * (1 + 524289 + 513 + 0 + 1 + 1); size != want {
		t.Errorf("v4 size %d, want %d", size, want)
	}
	if err := b.SetVersion(5); !errors.Is(err, ErrVersion) {
		t.Errorf("SetVersion(5): %v", err)
	}
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func le64(b []byte) uint64 { return uint64(le32(b)) | uint64(le32(b[4:]))<<32 }

func le32(b []byte) uint32 {
	return uint32(b[0]) | uint32(b[1])<<8 | uint32(b[2])<<16 | uint32(b[3])<<24
}

func keys(m map[string]item) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return sortedCopy(out)
}
