package cab

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/msikit/msikit/internal/burn"
)

// truncFixture is an "executable" made at test time: some prefix bytes,
// then two cabinets written by our Writer. The second holds a small file
// in its first block and an incompressible one over several blocks, so
// that a cut in its data loses the big file but not the small one.
type truncFixture struct {
	b          []byte
	off1, off2 int64 // where the cabinets start
	len1, len2 int64
	want       map[string]string // name -> MD5 of every file
}

func writeCab(t testing.TB, files [][2]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := NewWriter(&buf)
	mod := time.Date(2024, 5, 1, 12, 0, 0, 0, time.Local)
	for _, f := range files {
		fw, err := w.Create(f[0], mod)
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(fw, f[1])
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func truncCabinets(t testing.TB) (cab1, cab2 []byte, want map[string]string) {
	noise := make([]byte, 100000)
	rand.New(rand.NewSource(1)).Read(noise)
	files1 := [][2]string{{"one.txt", strings.Repeat("first cabinet\n", 50)}, {"two.txt", "second file\n"}}
	files2 := [][2]string{{"small.txt", "in the first block\n"}, {"big.bin", string(noise)}}
	want = map[string]string{}
	for _, f := range append(files1, files2...) {
		want[f[0]] = md5hex([]byte(f[1]))
	}
	return writeCab(t, files1), writeCab(t, files2), want
}

func newTruncFixture(t testing.TB, prefix []byte) *truncFixture {
	cab1, cab2, want := truncCabinets(t)
	x := &truncFixture{want: want, len1: int64(len(cab1)), len2: int64(len(cab2))}
	x.off1 = int64(len(prefix))
	x.off2 = x.off1 + x.len1
	x.b = append(append(append([]byte{}, prefix...), cab1...), cab2...)
	return x
}

// exePrefix is stand-in executable code: no "MSCF" in it.
func exePrefix(n int) []byte {
	b := bytes.Repeat([]byte("MZ\x90\x00stub code "), n/14+1)
	return b[:n]
}

// readAllFiles reads every file of rs, returning the MD5 of each one read
// whole and the error of each one that failed.
func readAllFiles(t *testing.T, rs []*Reader) (sums map[string]string, failed map[string]error) {
	t.Helper()
	sums, failed = map[string]string{}, map[string]error{}
	for _, r := range rs {
		for _, f := range r.File {
			rc, err := f.Open()
			if err != nil {
				failed[f.Name] = err
				continue
			}
			b, err := io.ReadAll(rc)
			rc.Close()
			if err != nil {
				failed[f.Name] = err
				continue
			}
			sums[f.Name] = md5hex(b)
		}
	}
	return sums, failed
}

// truncations returns the TruncatedErrors joined in err.
func truncations(t *testing.T, err error) []*TruncatedError {
	t.Helper()
	if err == nil {
		return nil
	}
	if !errors.Is(err, ErrTruncated) {
		t.Fatalf("error does not wrap ErrTruncated: %v", err)
	}
	var out []*TruncatedError
	for _, e := range err.(interface{ Unwrap() []error }).Unwrap() {
		var te *TruncatedError
		if !errors.As(e, &te) {
			t.Fatalf("joined error is no *TruncatedError: %v", e)
		}
		out = append(out, te)
	}
	return out
}

func TestSearchTruncatedCabinet(t *testing.T) {
	x := newTruncFixture(t, exePrefix(1000))
	all := len(x.want)
	for _, c := range []struct {
		name     string
		cut      int64 // bytes kept
		cabs     int
		missing  int64 // 0: no truncation can be seen
		readable []string
	}{
		{"whole", int64(len(x.b)), 2, 0, []string{"one.txt", "two.txt", "small.txt", "big.bin"}},
		{"in the data", int64(len(x.b)) - 5000, 2, 5000, []string{"one.txt", "two.txt", "small.txt"}},
		{"in the file table", x.off2 + 50, 1, x.len2 - 50, []string{"one.txt", "two.txt"}},
		{"in the header", x.off2 + 20, 1, x.len2 - 20, []string{"one.txt", "two.txt"}},
		// Too little of the header to tell it from a stray "MSCF", and
		// nothing else says a cabinet should be there.
		{"after 8 header bytes", x.off2 + 8, 1, 0, []string{"one.txt", "two.txt"}},
		{"at the second cabinet", x.off2, 1, 0, []string{"one.txt", "two.txt"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			b := x.b[:c.cut]
			rs, err := Search(bytes.NewReader(b), int64(len(b)))
			if len(rs) != c.cabs {
				t.Fatalf("%d cabinets (error %v), want %d", len(rs), err, c.cabs)
			}
			if rs[0].Offset != x.off1 || (c.cabs == 2 && rs[1].Offset != x.off2) {
				t.Errorf("cabinets at %d, ...; want %d, %d", rs[0].Offset, x.off1, x.off2)
			}
			ts := truncations(t, err)
			if c.missing == 0 {
				if err != nil {
					t.Errorf("unexpected error: %v", err)
				}
			} else {
				if len(ts) != 1 {
					t.Fatalf("truncations: %v", err)
				}
				te := ts[0]
				if te.What != "cabinet" || te.Offset != x.off2 || te.Size != x.len2 || te.Missing != c.missing {
					t.Errorf("got %+v, want cabinet at %d of %d bytes, %d missing", *te, x.off2, x.len2, c.missing)
				}
				msg := fmt.Sprintf("cabinet at offset %d is truncated: %d of its %d bytes are missing", x.off2, c.missing, x.len2)
				if te.Error() != msg {
					t.Errorf("message %q\nwant %q", te.Error(), msg)
				}
			}
			sums, failed := readAllFiles(t, rs)
			for _, name := range c.readable {
				if sums[name] != x.want[name] {
					t.Errorf("%s: md5 %s, want %s (error %v)", name, sums[name], x.want[name], failed[name])
				}
			}
			if len(sums)+len(failed) != c.cabs*2 || len(sums) != len(c.readable) {
				t.Errorf("%d files read, %d failed (%v); want %d read of %d", len(sums), len(failed), failed, len(c.readable), all)
			}
			if c.cabs == 2 && c.missing > 0 && !errors.Is(failed["big.bin"], ErrFormat) {
				t.Errorf("big.bin: %v, want a truncation error", failed["big.bin"])
			}
		})
	}
}

// TestSearchTruncatedData: a cabinet whose header says it fits (its size
// field was made to match the cut) but whose last data block runs past
// the end of the file.
func TestSearchTruncatedData(t *testing.T) {
	x := newTruncFixture(t, exePrefix(300))
	b := bytes.Clone(x.b[:len(x.b)-100])
	le.PutUint32(b[x.off2+8:], uint32(x.len2-100))
	rs, err := Search(bytes.NewReader(b), int64(len(b)))
	ts := truncations(t, err)
	if len(rs) != 2 || len(ts) != 1 {
		t.Fatalf("%d cabinets, error %v", len(rs), err)
	}
	te := ts[0]
	if te.Offset != x.off2 || te.Missing != 100 || !strings.Contains(te.Detail, "100 bytes past the end of the file") {
		t.Errorf("got %+v", *te)
	}
	if !strings.Contains(te.Error(), fmt.Sprintf("cabinet at offset %d is truncated: data block", x.off2)) {
		t.Errorf("message %q", te.Error())
	}
}

func TestSearchTruncatedBurnBundle(t *testing.T) {
	cab1, cab2, want := truncCabinets(t)
	stub := burn.BuildStub(burn.Section{ContainerSizes: []uint32{uint32(len(cab1)), uint32(len(cab2))}})
	x := &truncFixture{want: want, off1: int64(len(stub)), len1: int64(len(cab1)), len2: int64(len(cab2))}
	x.off2 = x.off1 + x.len1
	x.b = append(append(append([]byte{}, stub...), cab1...), cab2...)
	type trunc struct {
		what         string
		off, missing int64
	}
	for _, c := range []struct {
		name   string
		cut    int64
		cabs   int
		truncs []trunc
	}{
		{"whole", int64(len(x.b)), 2, nil},
		{"at the attached container", x.off2, 1,
			[]trunc{{"Burn attached container 1 of 1", x.off2, x.len2}}},
		{"after 8 bytes of it", x.off2 + 8, 1,
			[]trunc{{"Burn attached container 1 of 1", x.off2, x.len2 - 8}}},
		{"in its data", int64(len(x.b)) - 5000, 2,
			[]trunc{{"cabinet (Burn attached container 1 of 1)", x.off2, 5000}}},
		// The first cabinet's tables are whole, its data is not.
		{"in the first container", x.off1 + 100, 1, []trunc{
			{"cabinet (Burn bootstrapper application container)", x.off1, x.len1 - 100},
			{"Burn attached container 1 of 1", x.off2, x.len2}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			b := x.b[:c.cut]
			rs, err := Search(bytes.NewReader(b), int64(len(b)))
			if len(rs) != c.cabs {
				t.Fatalf("%d cabinets (error %v), want %d", len(rs), err, c.cabs)
			}
			ts := truncations(t, err)
			if len(ts) != len(c.truncs) {
				t.Fatalf("truncations %v, want %v", err, c.truncs)
			}
			for i, w := range c.truncs {
				if te := ts[i]; te.What != w.what || te.Offset != w.off || te.Missing != w.missing {
					t.Errorf("truncation %d: %+v, want %+v", i, *te, w)
				}
			}
			sums, failed := readAllFiles(t, rs[:1])
			if c.cut >= x.off2 && (sums["one.txt"] != want["one.txt"] || sums["two.txt"] != want["two.txt"]) {
				t.Errorf("first cabinet: %v, %v", sums, failed)
			}
			if c.cut < x.off2 && (len(sums) != 0 || !errors.Is(failed["one.txt"], ErrFormat)) {
				t.Errorf("first cabinet, cut: read %v, failed %v", sums, failed)
			}
		})
	}
	if ts := truncations(t, func() error {
		b := x.b[:x.off2]
		_, err := Search(bytes.NewReader(b), int64(len(b)))
		return err
	}()); ts[0].Error() != fmt.Sprintf("Burn attached container 1 of 1 at offset %d is truncated: all %d bytes are missing", x.off2, x.len2) {
		t.Errorf("message %q", ts[0].Error())
	}
}

// TestSearchBurnContainersMissing: with three attached containers, a cut
// at the second reports it and the third, where Burn would look for them.
func TestSearchBurnContainersMissing(t *testing.T) {
	cab1, cab2, _ := truncCabinets(t)
	sizes := []uint32{uint32(len(cab1)), uint32(len(cab2)), 5000, 7000}
	stub := burn.BuildStub(burn.Section{ContainerSizes: sizes})
	b := append(append(append([]byte{}, stub...), cab1...), cab2...)
	rs, err := Search(bytes.NewReader(b), int64(len(b)))
	ts := truncations(t, err)
	if len(rs) != 2 || len(ts) != 2 {
		t.Fatalf("%d cabinets, error %v", len(rs), err)
	}
	end := int64(len(b))
	if ts[0].What != "Burn attached container 2 of 3" || ts[0].Offset != end || ts[0].Size != 5000 || ts[0].Missing != 5000 {
		t.Errorf("first: %+v", *ts[0])
	}
	if ts[1].What != "Burn attached container 3 of 3" || ts[1].Offset != end+5000 || ts[1].Missing != 7000 {
		t.Errorf("second: %+v", *ts[1])
	}
}

// TestSearchCompoundFileNotTruncated: in a compound file a cabinet stream
// need not be contiguous, so a cabinet running past the end is passed
// over, as before, rather than reported cut.
func TestSearchCompoundFileNotTruncated(t *testing.T) {
	prefix := append([]byte("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1"), exePrefix(504)...)
	x := newTruncFixture(t, prefix)
	b := x.b[:len(x.b)-5000]
	rs, err := Search(bytes.NewReader(b), int64(len(b)))
	if err != nil || len(rs) != 1 || rs[0].Offset != x.off1 {
		t.Errorf("%d cabinets, error %v; want the first alone", len(rs), err)
	}
}

// TestSearchStrayMSCFNotTruncated: "MSCF" in other data near the end of
// the file, even with a size field running past it, is no cabinet.
func TestSearchStrayMSCFNotTruncated(t *testing.T) {
	for _, tail := range []string{
		"MSCF",
		"MSCF\x00\x00\x00\x00",
		"MSCF\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00",      // size 0
		"MSCF\x00\x00\x00\x00\x00\x00\x01\x00\x01\x00\x00\x00",      // reserved field set
		"MSCF\x01\x00\x00\x00\x00\x00\x01\x00\x00\x00\x00\x00 code", // reserved field set
		"MSCF\x00\x00\x00\x00\x00\x00\x01\x00\x00\x00\x00\x00\x10\x00\x00\x00" + // file entries before
			"\x00\x00\x00\x00\x00\x00\x00\x00\x03\x01\x01\x00\x01\x00\x00\x00\x00\x00\x00\x00",
	} {
		b := append(exePrefix(2000), tail...)
		rs, err := Search(bytes.NewReader(b), int64(len(b)))
		if len(rs) != 0 || !errors.Is(err, ErrNoCabinet) || errors.Is(err, ErrTruncated) {
			t.Errorf("%q: %d cabinets, error %v; want ErrNoCabinet", tail, len(rs), err)
		}
	}
}

// TestSearchTruncatedV3Bundle cuts a real WiX 3 bundle inside its attached
// container and exactly where it starts: the bootstrapper application's
// cabinet still reads whole, and what is missing is reported with the
// file's name, the offset and the bytes missing.
func TestSearchTruncatedV3Bundle(t *testing.T) {
	full, err := os.ReadFile(corpusFile(t, "wix4/v3bundle.exe"))
	if err != nil {
		t.Fatal(err)
	}
	rs, err := Search(bytes.NewReader(full), int64(len(full)))
	if err != nil || len(rs) != 2 {
		t.Fatalf("whole bundle: %d cabinets, %v", len(rs), err)
	}
	want, failed := readAllFiles(t, rs[:1])
	if len(want) != 8 || len(failed) != 0 {
		t.Fatalf("whole bundle's first cabinet: %v, %v", want, failed)
	}
	for _, c := range []struct {
		cut     int64
		cabs    int
		message string
	}{
		{600000, 2, "v3bundle-cut.exe: cabinet (Burn attached container 1 of 1) at offset 571971 is truncated: 48397 of its 76426 bytes are missing"},
		{571971, 1, "v3bundle-cut.exe: Burn attached container 1 of 1 at offset 571971 is truncated: all 76426 bytes are missing"},
		{571990, 1, "v3bundle-cut.exe: cabinet (Burn attached container 1 of 1) at offset 571971 is truncated: 76407 of its 76426 bytes are missing"},
	} {
		t.Run(fmt.Sprint(c.cut), func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "v3bundle-cut.exe")
			if err := os.WriteFile(p, full[:c.cut], 0o644); err != nil {
				t.Fatal(err)
			}
			rs, cl, err := SearchFile(p)
			if cl == nil {
				t.Fatalf("no Closer: %v", err)
			}
			defer cl.Close()
			if len(rs) != c.cabs || err == nil || err.Error() != c.message {
				t.Fatalf("%d cabinets, error %v\nwant %d, %s", len(rs), err, c.cabs, c.message)
			}
			got, failed := readAllFiles(t, rs[:1])
			if len(got) != 8 || len(failed) != 0 {
				t.Errorf("first cabinet: %d files read, failed %v", len(got), failed)
			}
			for name, sum := range want {
				if got[name] != sum {
					t.Errorf("%s: md5 %s, want %s", name, got[name], sum)
				}
			}
		})
	}
}

// FuzzSearch searches arbitrary bytes, bundles cut short among them: no
// input may panic, and a truncation reported is one the file shows.
func FuzzSearch(f *testing.F) {
	cab1 := writeCab(f, [][2]string{{"a.txt", "aaaa"}})
	cab2 := writeCab(f, [][2]string{{"b.txt", strings.Repeat("b", 200)}})
	stub := burn.BuildStub(burn.Section{ContainerSizes: []uint32{uint32(len(cab1)), uint32(len(cab2))}})
	bundle := append(append(append([]byte{}, stub...), cab1...), cab2...)
	f.Add(bundle)
	f.Add(bundle[:len(bundle)-20])
	f.Add(bundle[:len(stub)+len(cab1)+14])
	f.Fuzz(func(t *testing.T, b []byte) {
		rs, err := Search(bytes.NewReader(b), int64(len(b)))
		if err != nil && !errors.Is(err, ErrTruncated) {
			if len(rs) != 0 {
				t.Fatalf("readers with error %v", err)
			}
			return
		}
		if err != nil {
			for _, e := range err.(interface{ Unwrap() []error }).Unwrap() {
				te := e.(*TruncatedError)
				// Without a detail, the bytes missing are those declared
				// beyond the end of the file.
				bad := te.Missing <= 0 ||
					te.Detail == "" && te.Missing != te.Offset+te.Size-max(int64(len(b)), te.Offset)
				if bad {
					t.Fatalf("truncation %+v in %d bytes", *te, len(b))
				}
			}
		}
		for _, r := range rs {
			r.Extract(nil, 1, func(f *File, c io.Reader) error {
				_, err := io.Copy(io.Discard, c)
				return err
			})
		}
	})
}
