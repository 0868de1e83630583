package cab

import (
	"bytes"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/msikit/msikit/internal/testutil"
)

// wEntry is a file to write: its stored name, bytes and time.
type wEntry struct {
	name string
	data []byte
	mod  time.Time
}

var testTime = time.Date(2024, 5, 1, 12, 34, 56, 0, time.Local)

// textData is word soup that compresses like source code.
func textData(rng *rand.Rand, n int) []byte {
	words := strings.Fields("cabinet folder block deflate window installer package stream table row Microsoft {0x00} <File/>\r\n")
	var b bytes.Buffer
	for b.Len() < n {
		b.WriteString(words[rng.Intn(len(words))])
		b.WriteByte(" \n"[rng.Intn(2)])
	}
	return b.Bytes()[:n]
}

func randData(rng *rand.Rand, n int) []byte {
	b := make([]byte, n)
	rng.Read(b)
	return b
}

// mixedSet has what a cabinet writer must get right: empty files (first,
// in the middle and last), a file of exactly one block and one just over,
// many small files, several MB of random and of text data, and
// non-ASCII names in subdirectories.
func mixedSet(large int) []wEntry {
	rng := rand.New(rand.NewSource(42))
	es := []wEntry{
		{name: "empty-first.txt"},
		{name: "block.bin", data: randData(rng, 32768)},
		{name: "block+1.txt", data: textData(rng, 32769)},
		{name: `sub\empty.txt`},
		{name: `sub\héllo wörld.txt`, data: []byte("grüße\n")},
		{name: `日本語\ファイル.txt`, data: textData(rng, 5000)},
		{name: `big\random.bin`, data: randData(rng, large)},
		{name: `big\text.txt`, data: textData(rng, large)},
		// Runs at one period, which compress/flate codes with a single
		// distance code (see mszip/complete.go).
		{name: "zeros.bin", data: make([]byte, 100000)},
		{name: "period.txt", data: bytes.Repeat([]byte("alpha beta gamma\n"), 5000)},
	}
	for i := 0; i < 300; i++ {
		es = append(es, wEntry{name: fmt.Sprintf(`many\f%03d.txt`, i), data: textData(rng, rng.Intn(3000))})
	}
	es = append(es, wEntry{name: "zz-empty-last"})
	for i := range es {
		es[i].mod = testTime.Add(time.Duration(i) * 2 * time.Second)
	}
	return es
}

// writeEntries writes es through w and closes it.
func writeEntries(t testing.TB, w *Writer, es []wEntry) {
	t.Helper()
	for _, e := range es {
		fw, err := w.Create(e.name, e.mod)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := fw.Write(e.data); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
}

func writeSingle(t testing.TB, es []wEntry, opts ...WriterOption) []byte {
	t.Helper()
	var buf bytes.Buffer
	writeEntries(t, NewWriter(&buf, opts...), es)
	return buf.Bytes()
}

// checkReader compares what r holds with es: names, bytes, dates and
// attributes, in order.
func checkReader(t testing.TB, r *Reader, es []wEntry) {
	t.Helper()
	if len(r.File) != len(es) {
		t.Fatalf("%d files, want %d", len(r.File), len(es))
	}
	err := r.Extract(nil, 1, func(f *File, c io.Reader) error {
		i := -1
		for k, e := range es {
			if e.name == f.Name {
				i = k
			}
		}
		if i < 0 {
			return fmt.Errorf("unexpected file %q", f.Name)
		}
		b, err := io.ReadAll(c)
		if err != nil {
			return err
		}
		e := es[i]
		if !bytes.Equal(b, e.data) {
			return fmt.Errorf("%s: %d bytes differ from the %d written", f.Name, len(b), len(e.data))
		}
		if !f.Modified.Equal(e.mod.Truncate(2 * time.Second)) {
			return fmt.Errorf("%s: modified %v, want %v", f.Name, f.Modified, e.mod)
		}
		wantAttr := uint16(AttrArchive)
		for _, c := range e.name {
			if c >= 0x80 {
				wantAttr |= AttrNameIsUTF
				break
			}
		}
		if f.Attributes != wantAttr {
			return fmt.Errorf("%s: attributes %#x, want %#x", f.Name, f.Attributes, wantAttr)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestWriteReadBack(t *testing.T) {
	es := mixedSet(3 << 20)
	for _, tc := range []struct {
		name string
		opts []WriterOption
	}{
		{"none", []WriterOption{WithCompression(MethodNone)}},
		{"mszip", nil},
		{"mszip-folders", []WriterOption{FolderThreshold(100000)}},
		{"reserve", []WriterOption{Reserve(20, 5, 9), WithCompression(MethodNone)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := writeSingle(t, es, tc.opts...)
			r, err := NewReader(bytes.NewReader(b), int64(len(b)))
			if err != nil {
				t.Fatal(err)
			}
			checkReader(t, r, es)
			if r.Size != uint32(len(b)) || r.NumFiles != len(es) {
				t.Errorf("header: size %d files %d, want %d, %d", r.Size, r.NumFiles, len(b), len(es))
			}
			switch tc.name {
			case "mszip-folders":
				// The two 3 MiB files have a folder each; the 300 small
				// ones (450 KB) fill 4 or 5.
				if len(r.Folders) < 6 || len(r.Folders) > 9 {
					t.Errorf("%d folders with a 100000-byte threshold", len(r.Folders))
				}
			case "reserve":
				if len(r.HeaderReserve) != 20 || r.FolderReserveSize != 5 || r.DataReserveSize != 9 {
					t.Errorf("reserve %d/%d/%d, want 20/5/9", len(r.HeaderReserve), r.FolderReserveSize, r.DataReserveSize)
				}
			default:
				if len(r.Folders) != 1 {
					t.Errorf("%d folders, want 1", len(r.Folders))
				}
			}
			want := Compression(MethodMSZIP)
			if tc.name == "none" || tc.name == "reserve" {
				want = MethodNone
			}
			for _, fo := range r.Folders {
				if fo.Compression != want {
					t.Errorf("folder %d: %s, want %s", fo.Index, fo.Compression, want)
				}
			}
		})
	}
}

// TestWriteBlocks checks the block structure [MS-CAB] asks for: 32768
// uncompressed bytes in every block but a folder's last, "CK" before each
// MSZIP payload, checksums the reader verifies (it does, in Extract).
func TestWriteBlocks(t *testing.T) {
	es := mixedSet(100000)
	b := writeSingle(t, es)
	r, err := NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	var total int64
	for _, e := range es {
		total += int64(len(e.data))
	}
	fo := r.Folders[0]
	if want := int((total + 32767) / 32768); fo.NumBlocks != want {
		t.Fatalf("%d blocks for %d bytes, want %d", fo.NumBlocks, total, want)
	}
	pos := fo.segs[0].dataOff
	for i := 0; i < fo.NumBlocks; i++ {
		var hdr [8]byte
		copy(hdr[:], b[pos:])
		csize, usize := int(le.Uint16(hdr[4:])), int(le.Uint16(hdr[6:]))
		payload := b[pos+8 : pos+8+int64(csize)]
		if want := min(32768, int(total-int64(i)*32768)); usize != want {
			t.Errorf("block %d: %d bytes uncompressed, want %d", i, usize, want)
		}
		if string(payload[:2]) != "CK" {
			t.Errorf("block %d: no CK signature", i)
		}
		if got := blockChecksum(hdr[:], payload); got != le.Uint32(hdr[:]) {
			t.Errorf("block %d: checksum %08x, stored %08x", i, got, le.Uint32(hdr[:]))
		}
		pos += 8 + int64(csize)
	}
	if pos != int64(len(b)) {
		t.Errorf("blocks end at %d, cabinet at %d", pos, len(b))
	}
}

func TestWriteDeterministic(t *testing.T) {
	es := mixedSet(1 << 20)
	for _, opts := range [][]WriterOption{nil, {WithCompression(MethodNone), Reserve(8, 8, 8)}} {
		a, b := writeSingle(t, es, opts...), writeSingle(t, es, opts...)
		if !bytes.Equal(a, b) {
			t.Fatal("two cabinets of the same files differ")
		}
	}
	// Sets too, part by part.
	parts := func() map[string][]byte {
		m := map[string][]byte{}
		w := NewSetWriter("d.cab", 300000, memParts(m))
		writeEntries(t, w, es)
		return m
	}
	p1, p2 := parts(), parts()
	if len(p1) < 3 || len(p1) != len(p2) {
		t.Fatalf("%d and %d parts", len(p1), len(p2))
	}
	for n, b := range p1 {
		if !bytes.Equal(b, p2[n]) {
			t.Fatalf("part %s differs between runs", n)
		}
	}
}

// memParts collects the parts of a set in m.
func memParts(m map[string][]byte) PartCreator {
	return func(name string) (io.WriteCloser, error) {
		return &memPart{m: m, name: name}, nil
	}
}

type memPart struct {
	bytes.Buffer
	m    map[string][]byte
	name string
}

func (p *memPart) Close() error { p.m[p.name] = p.Bytes(); return nil }

// openMemSet reads the set in m from its first part.
func openMemSet(t testing.TB, m map[string][]byte, first string) (*ReadCloser, error) {
	t.Helper()
	open := func(name string) (*Part, error) {
		b, ok := m[name]
		if !ok {
			return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
		}
		return &Part{R: bytes.NewReader(b), Size: int64(len(b)), Name: name}, nil
	}
	p, err := open(first)
	if err != nil {
		return nil, err
	}
	return NewSetReader(p, open)
}

func TestWriteSpanned(t *testing.T) {
	es := mixedSet(1 << 20)
	for _, tc := range []struct {
		max  int64
		opts []WriterOption
	}{
		{30000, nil},
		{100000, []WriterOption{WithCompression(MethodNone)}},
		{65536, []WriterOption{Reserve(100, 50, 10), FolderThreshold(50000)}},
		{1 << 30, nil}, // one part
	} {
		t.Run(fmt.Sprint(tc.max), func(t *testing.T) {
			m := map[string][]byte{}
			w := NewSetWriter("s.cab", tc.max, memParts(m), tc.opts...)
			writeEntries(t, w, es)
			names := w.Parts()
			if len(names) != len(m) {
				t.Fatalf("Parts() lists %d, %d written", len(names), len(m))
			}
			for i, n := range names {
				if n != PartName("s.cab", i) {
					t.Errorf("part %d named %s", i, n)
				}
				if int64(len(m[n])) > tc.max {
					t.Errorf("%s: %d bytes, over %d", n, len(m[n]), tc.max)
				}
				// Every part but the last is filled to the limit, as
				// makecab fills them.
				if i < len(names)-1 && int64(len(m[n])) != tc.max {
					t.Logf("%s: %d bytes of %d", n, len(m[n]), tc.max)
				}
			}
			rc, err := openMemSet(t, m, "s.cab")
			if err != nil {
				t.Fatal(err)
			}
			if len(rc.Parts) != len(names) {
				t.Fatalf("reader found %d parts, want %d", len(rc.Parts), len(names))
			}
			for i, h := range rc.Parts {
				if int(h.Index) != i || (i > 0) != (h.PrevCabinet != "") || (i < len(names)-1) != (h.NextCabinet != "") {
					t.Errorf("part %d: index %d prev %q next %q", i, h.Index, h.PrevCabinet, h.NextCabinet)
				}
			}
			checkReader(t, &rc.Reader, es)
			// Reading from a middle part gives the whole set too.
			if len(names) > 2 {
				rc, err := openMemSet(t, m, names[len(names)/2])
				if err != nil {
					t.Fatal(err)
				}
				checkReader(t, &rc.Reader, es)
			}
		})
	}
}

func TestPartName(t *testing.T) {
	for _, tc := range []struct {
		first string
		i     int
		want  string
	}{
		{"foo.cab", 0, "foo.cab"}, {"foo.cab", 1, "foo2.cab"}, {"foo.cab", 9, "foo10.cab"},
		{"data", 2, "data3"}, {"a.b.CAB", 1, "a.b2.CAB"},
	} {
		if got := PartName(tc.first, tc.i); got != tc.want {
			t.Errorf("PartName(%q, %d) = %q, want %q", tc.first, tc.i, got, tc.want)
		}
	}
}

func TestWriteErrors(t *testing.T) {
	w := NewWriter(io.Discard)
	for _, name := range []string{"", strings.Repeat("x", 256), "bad\xffutf8", "nul\x00"} {
		if _, err := w.Create(name, testTime); !errors.Is(err, ErrInvalidName) {
			t.Errorf("Create(%q): %v, want ErrInvalidName", name, err)
		}
	}
	f1, _ := w.Create("a", testTime)
	w.Create("b", testTime)
	if _, err := f1.Write([]byte("x")); !errors.Is(err, ErrWriterClosed) {
		t.Errorf("write to a replaced file: %v", err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Create("c", testTime); !errors.Is(err, ErrWriterClosed) {
		t.Errorf("Create after Close: %v", err)
	}
	if _, err := NewWriter(io.Discard, WithCompression(MethodLZX)).Create("a", testTime); !errors.Is(err, ErrUnsupported) {
		t.Errorf("LZX: %v, want ErrUnsupported", err)
	}
	if err := NewWriter(io.Discard, Reserve(70000, 0, 0)).Close(); !errors.Is(err, ErrTooLarge) {
		t.Errorf("header reserve 70000: %v, want ErrTooLarge", err)
	}
	// A limit below what one part's headers need.
	sw := NewSetWriter("x.cab", 40, memParts(map[string][]byte{}))
	if _, err := sw.Create("a", testTime); !errors.Is(err, ErrTooLarge) {
		t.Errorf("40-byte cabinets: %v, want ErrTooLarge", err)
	}
	sw = NewSetWriter("x.cab", 200, memParts(map[string][]byte{}))
	fw, _ := sw.Create(strings.Repeat("n", 200), testTime)
	fw.Write([]byte("data"))
	if err := sw.Close(); !errors.Is(err, ErrTooLarge) {
		t.Errorf("entry larger than the cabinet: %v, want ErrTooLarge", err)
	}
	if err := NewSetWriter("dir/x.cab", 1000, nil).Close(); !errors.Is(err, ErrInvalidName) {
		t.Errorf("first name with a directory: %v, want ErrInvalidName", err)
	}
}

func TestToDOSTime(t *testing.T) {
	for _, tc := range []struct {
		t          time.Time
		date, time uint16
	}{
		{time.Date(2024, 5, 1, 12, 34, 57, 0, time.UTC), 44<<9 | 5<<5 | 1, 12<<11 | 34<<5 | 28},
		{time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC), 1<<5 | 1, 0},
		{time.Date(2200, 1, 1, 0, 0, 0, 0, time.UTC), 127<<9 | 12<<5 | 31, 23<<11 | 59<<5 | 29},
	} {
		d, tm := toDOSTime(tc.t)
		if d != tc.date || tm != tc.time {
			t.Errorf("%v: %#x %#x, want %#x %#x", tc.t, d, tm, tc.date, tc.time)
		}
	}
}

// TestWriteMemoryFlat writes 64 MiB of data: the compressed data must
// spill to a temporary file (removed at Close), not stay in memory.
func TestWriteMemoryFlat(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	tmp := t.TempDir()
	rng := rand.New(rand.NewSource(3))
	chunk := randData(rng, 1<<20)
	h := md5.New()
	w := NewWriter(h, TempDir(tmp), WithCompression(MethodNone))
	fw, _ := w.Create("big", testTime)
	spilled := false
	for i := 0; i < 64; i++ {
		fw.Write(chunk)
		if w.sp.f != nil {
			spilled = true
		}
	}
	if !spilled || w.sp.mem.Len() != 0 {
		t.Fatalf("compressed data kept in memory: spilled %v, %d bytes in memory", spilled, w.sp.mem.Len())
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if left, _ := os.ReadDir(tmp); len(left) != 0 {
		t.Errorf("temporary files left behind: %v", left)
	}
}

// extractWith runs a peer on cabPath into a new directory and returns
// the MD5 and modification time of each file, by slash path.
func extractWith(t *testing.T, tool, cabPath string) map[string]string {
	t.Helper()
	testutil.Tool(t, tool)
	out := t.TempDir()
	var args []string
	switch tool {
	case "cabextract":
		args = []string{"-q", "-d", out, cabPath}
	case "gcab":
		args = []string{"-x", "-C", out, cabPath}
	case "7z":
		args = []string{"x", "-y", "-o" + out, cabPath}
	}
	if _, err := testutil.Run(t, nil, tool, args...); err != nil {
		t.Fatalf("%s %s: %v", tool, cabPath, err)
	}
	got := map[string]string{}
	filepath.WalkDir(out, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, _ := os.ReadFile(p)
		fi, _ := d.Info()
		rel, _ := filepath.Rel(out, p)
		s := md5.Sum(b)
		v := hex.EncodeToString(s[:])
		if tool != "gcab" { // gcab -x leaves the time of extraction
			v += " " + fi.ModTime().Format(time.DateTime)
		}
		got[filepath.ToSlash(rel)] = v
		return nil
	})
	return got
}

func wantTree(es []wEntry) map[string]string {
	m := map[string]string{}
	for _, e := range es {
		s := md5.Sum(e.data)
		m[strings.ReplaceAll(e.name, `\`, "/")] = hex.EncodeToString(s[:]) + " " + e.mod.Format(time.DateTime)
	}
	return m
}

func diffTrees(t *testing.T, tool string, got, want map[string]string) {
	t.Helper()
	if tool == "gcab" {
		w := map[string]string{}
		for k, v := range want {
			w[k], _, _ = strings.Cut(v, " ")
		}
		want = w
	}
	var keys []string
	for k := range want {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	bad := 0
	for _, k := range keys {
		if got[k] != want[k] && bad < 5 {
			t.Errorf("%s: %s: got %q, want %q", tool, k, got[k], want[k])
			bad++
		}
	}
	if len(got) != len(want) {
		t.Errorf("%s: %d files, want %d", tool, len(got), len(want))
	}
}

// TestWritePeers has cabextract, gcab and 7-Zip extract cabinets we
// write: names, bytes and dates must be those written.
func TestWritePeers(t *testing.T) {
	es := mixedSet(3 << 20)
	want := wantTree(es)
	for _, comp := range []Compression{MethodNone, MethodMSZIP} {
		b := writeSingle(t, es, WithCompression(comp))
		p := filepath.Join(t.TempDir(), "w.cab")
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		for _, tool := range []string{"cabextract", "gcab", "7z"} {
			t.Run(comp.String()+"/"+tool, func(t *testing.T) {
				diffTrees(t, tool, extractWith(t, tool, p), want)
			})
		}
	}
}

// TestWriteSpannedPeers has cabextract and 7-Zip extract spanned sets we
// write, from the first part. gcab (1.5) has no support for files
// continued across cabinets ("Invalid folder index"), so it is left out.
func TestWriteSpannedPeers(t *testing.T) {
	es := mixedSet(1 << 20)
	want := wantTree(es)
	for _, tc := range []struct {
		max  int64
		opts []WriterOption
	}{
		{30000, nil},
		{200000, []WriterOption{WithCompression(MethodNone)}},
		{50000, []WriterOption{Reserve(100, 50, 10), FolderThreshold(70000)}},
	} {
		dir := t.TempDir()
		w := CreateSet(dir, "span.cab", tc.max, tc.opts...)
		writeEntries(t, w, es)
		if len(w.Parts()) < 3 {
			t.Fatalf("%d parts", len(w.Parts()))
		}
		for _, tool := range []string{"cabextract", "7z"} {
			t.Run(fmt.Sprint(tc.max, "/", tool), func(t *testing.T) {
				diffTrees(t, tool, extractWith(t, tool, filepath.Join(dir, "span.cab")), want)
			})
		}
		// cabextract must not even warn: libmspack checks that the
		// files continued on both sides of each boundary agree.
		if testutil.Tool(t, "cabextract") != "" {
			out, _ := testutil.Run(t, []string{"LC_ALL=C"}, "sh", "-c", "cabextract -t "+filepath.Join(dir, "span.cab")+" 2>&1")
			if bytes.Contains(out, []byte("WARNING")) || !bytes.Contains(out, []byte("All done, no errors")) {
				t.Errorf("cabextract -t:\n%s", out)
			}
		}
	}
}
