package cfb

import (
	"bytes"
	"crypto/md5"
	"encoding/hex"
	"io"
	"strings"
	"testing"
	"unicode"

	"github.com/richardlehane/mscfb"
)

// item is what a reader sees of one entry.
type item struct {
	dir  bool
	data []byte
}

// readBack reads a compound file with mscfb, keyed by path. mscfb moves a
// leading non-printable character of a name into Initial; the name is
// restored here, but the storage part of a path (mscfb's Path) keeps the
// stripped names, which want() mirrors.
func readBack(t testing.TB, file []byte) (map[string]item, string) {
	t.Helper()
	r, err := mscfb.New(bytes.NewReader(file))
	if err != nil {
		t.Fatalf("mscfb.New: %v", err)
	}
	out := map[string]item{}
	clsid := strings.ToUpper(r.File[0].ID())
	for i, f := range r.File {
		if i == 0 {
			continue
		}
		name := f.Name
		if f.Initial != 0 && !unicode.IsPrint(rune(f.Initial)) {
			name = string(rune(f.Initial)) + name
		}
		p := strings.Join(append(append([]string(nil), f.Path...), name), "/")
		if _, dup := out[p]; dup {
			t.Fatalf("mscfb lists %q twice", p)
		}
		if f.FileInfo().IsDir() {
			out[p] = item{dir: true}
			continue
		}
		data, err := io.ReadAll(f)
		if err != nil {
			t.Fatalf("reading %q with mscfb: %v", p, err)
		}
		if int64(len(data)) != f.Size {
			t.Fatalf("%q: mscfb read %d bytes of %d", p, len(data), f.Size)
		}
		out[p] = item{data: data}
	}
	return out, clsid
}

// want lists a Builder's tree the way readBack reports it.
func want(s *Storage) map[string]item {
	out := map[string]item{}
	var walk func(s *Storage, prefix []string)
	walk = func(s *Storage, prefix []string) {
		for _, e := range s.children {
			p := strings.Join(append(append([]string(nil), prefix...), asMscfbReports(e.name)), "/")
			if e.dir != nil {
				out[p] = item{dir: true}
				walk(e.dir, append(append([]string(nil), prefix...), stripInitial(e.name)))
				continue
			}
			data := e.data
			if e.open != nil {
				r, err := e.open()
				if err != nil {
					panic(err)
				}
				data, _ = io.ReadAll(r)
			}
			out[p] = item{data: data}
		}
	}
	walk(s, nil)
	return out
}

// stripInitial is a storage name as mscfb puts it in Path: without a
// leading non-printable unit. A name that starts with a character outside
// the BMP loses its high surrogate, and the low one decodes as U+FFFD.
func stripInitial(name string) string {
	r := []rune(name)
	switch {
	case len(r) > 0 && r[0] >= 0x10000:
		return "\uFFFD" + string(r[1:])
	case len(r) > 0 && !unicode.IsPrint(r[0]):
		return string(r[1:])
	}
	return name
}

// asMscfbReports is a name as readBack rebuilds it from mscfb's Initial
// and Name: whole, except that a leading character outside the BMP comes
// back as two U+FFFD (mscfb splits its surrogate pair).
func asMscfbReports(name string) string {
	if r := []rune(name); len(r) > 0 && r[0] >= 0x10000 {
		return "\uFFFD\uFFFD" + string(r[1:])
	}
	return name
}

func sameTree(t testing.TB, got, want map[string]item) {
	t.Helper()
	for p, w := range want {
		g, ok := got[p]
		switch {
		case !ok:
			t.Errorf("%q missing from the read-back file", p)
		case g.dir != w.dir:
			t.Errorf("%q: storage=%v, want %v", p, g.dir, w.dir)
		case !bytes.Equal(g.data, w.data):
			t.Errorf("%q: read back %d bytes (md5 %s), want %d (md5 %s)", p, len(g.data), md5hex(g.data), len(w.data), md5hex(w.data))
		}
	}
	for p := range got {
		if _, ok := want[p]; !ok {
			t.Errorf("read-back file has %q, which was not written", p)
		}
	}
}

func md5hex(b []byte) string {
	s := md5.Sum(b)
	return hex.EncodeToString(s[:])
}

func build(t testing.TB, b *Builder) []byte {
	t.Helper()
	var buf bytes.Buffer
	n, err := b.WriteTo(&buf)
	if err != nil {
		t.Fatalf("WriteTo: %v", err)
	}
	if n != int64(buf.Len()) {
		t.Fatalf("WriteTo returned %d, wrote %d", n, buf.Len())
	}
	size, err := b.Size()
	if err != nil || size != n {
		t.Fatalf("Size() = %d, %v; WriteTo wrote %d", size, err, n)
	}
	checkStructure(t, buf.Bytes())
	return buf.Bytes()
}

// pattern is deterministic, position-dependent test data, so that a
// misplaced sector shows.
func pattern(n int, seed byte) []byte {
	b := make([]byte, n)
	x := uint32(seed) + 1
	for i := range b {
		x = x*1664525 + 1013904223
		b[i] = byte(x >> 24)
	}
	return b
}
