package cfb

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"unicode/utf16"
)

// TestReadStream writes small (mini stream) and large streams, in the
// root and in a storage, in both versions, and reads each back by entry
// number with its metadata.
func TestReadStream(t *testing.T) {
	for _, v := range []int{3, 4} {
		b := New()
		must(t, b.SetVersion(v))
		want := map[string][]byte{}
		add := func(s *Storage, name string, n int) {
			data := bytes.Repeat([]byte(name), n/len(name)+1)[:n]
			must(t, s.AddStream(name, data))
			want[name] = data
		}
		add(b.Root(), "small", 100)
		add(b.Root(), "edge", 4095)
		add(b.Root(), "big", 70000)
		sub, err := b.Root().AddStorage("sub")
		must(t, err)
		id := MustParseCLSID("{000C1084-0000-0000-C000-000000000046}")
		sub.SetCLSID(id)
		add(sub, "inner", 5000)
		add(sub, "tiny", 1)
		var buf bytes.Buffer
		_, err = b.WriteTo(&buf)
		must(t, err)

		f, err := Open(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
		must(t, err)
		seen := 0
		for i, d := range f.Dir {
			name := string(utf16.Decode(d.Name))
			switch d.Type {
			case typeStream:
				var got bytes.Buffer
				must(t, f.ReadStream(&got, uint32(i)))
				if !bytes.Equal(got.Bytes(), want[name]) {
					t.Errorf("v%d %s: read %d bytes, want %d", v, name, got.Len(), len(want[name]))
				}
				seen++
			case typeStorage:
				if d.CLSID != [16]byte(id) {
					t.Errorf("v%d %s: CLSID % x", v, name, d.CLSID)
				}
			}
		}
		if seen != len(want) {
			t.Errorf("v%d: %d streams read, want %d", v, seen, len(want))
		}
	}
}

// TestReadStreamDamaged cuts a file short: the read fails with ErrDamaged.
func TestReadStreamDamaged(t *testing.T) {
	b := New()
	must(t, b.Root().AddStream("big", []byte(strings.Repeat("x", 9000))))
	var buf bytes.Buffer
	_, err := b.WriteTo(&buf)
	must(t, err)
	f, err := Open(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	must(t, err)
	short := buf.Bytes()[:buf.Len()-1024]
	f.fr.r, f.fr.nSect = bytes.NewReader(short), int64(len(short))/512-1
	for i, d := range f.Dir {
		if d.Type == typeStream {
			if err := f.ReadStream(&bytes.Buffer{}, uint32(i)); !errors.Is(err, ErrDamaged) {
				t.Errorf("err = %v, want ErrDamaged", err)
			}
		}
	}
}
