package cab

import (
	"bytes"
	"errors"
	"fmt"
	"testing"
	"time"
)

// fuzzEntries turns fuzz input into options and a set of files: a byte
// of flags, then per file a length byte, a name byte and that many data
// bytes (repeated up to 64 times, so blocks fill up). Names are unique.
func fuzzEntries(b []byte) (opts []WriterOption, maxSize int64, es []wEntry) {
	if len(b) == 0 {
		return nil, 0, nil
	}
	flags := b[0]
	b = b[1:]
	if flags&1 != 0 {
		opts = append(opts, WithCompression(MethodNone))
	}
	if flags&2 != 0 {
		opts = append(opts, FolderThreshold(int64(flags>>4)*4096+1))
	}
	if flags&4 != 0 {
		opts = append(opts, Reserve(int(flags>>4), int(flags>>5), int(flags>>3)))
	}
	if flags&8 != 0 {
		maxSize = 1500 + int64(flags>>4)*700
	}
	for i := 0; len(b) >= 2 && i < 200; i++ {
		n, c := int(b[0]), b[1]
		b = b[2:]
		n = min(n, len(b))
		data := bytes.Repeat(b[:n], 1+int(c%64))
		b = b[n:]
		name := fmt.Sprintf("d%d\\f%d-%c.bin", c%3, i, 'a'+rune(c%26))
		if c%5 == 0 {
			name = fmt.Sprintf("ü%d", i)
		}
		es = append(es, wEntry{name: name, data: data, mod: time.Date(1990+int(c%100), time.Month(1+c%12), 1+int(c%28), int(c%24), int(c%60), int(c%30)*2, 0, time.Local)})
	}
	return opts, maxSize, es
}

// FuzzWriteRead writes a random set of files, as one cabinet or a
// spanned set, and reads it back: the files must come back equal.
func FuzzWriteRead(f *testing.F) {
	f.Add([]byte{0, 3, 1, 'a', 'b', 'c', 0, 7, 200, 9})
	f.Add([]byte{9, 255, 63, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 0, 0, 10, 40, 'x', 'y', 'z', 'w', 'v', 'u', 't', 's', 'r', 'q'})
	f.Add([]byte{0xfe, 64, 62, 'h', 'e', 'l', 'l', 'o', ' ', 'c', 'a', 'b', 'i', 'n', 'e', 't', 10})
	f.Fuzz(func(t *testing.T, b []byte) {
		opts, maxSize, es := fuzzEntries(b)
		var r *Reader
		if maxSize == 0 {
			var buf bytes.Buffer
			w := NewWriter(&buf, opts...)
			writeEntries(t, w, es)
			if len(es) == 0 {
				return
			}
			var err error
			if r, err = NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len())); err != nil {
				t.Fatal(err)
			}
		} else {
			m := map[string][]byte{}
			w := NewSetWriter("f.cab", maxSize, memParts(m), opts...)
			for _, e := range es {
				fw, err := w.Create(e.name, e.mod)
				if err == nil {
					_, err = fw.Write(e.data)
				}
				if errors.Is(err, ErrTooLarge) {
					return // a limit too small for the reserves: refused, not mangled
				}
				if err != nil {
					t.Fatal(err)
				}
			}
			if err := w.Close(); errors.Is(err, ErrTooLarge) {
				return
			} else if err != nil {
				t.Fatal(err)
			}
			for n, p := range m {
				if int64(len(p)) > maxSize {
					t.Fatalf("%s: %d bytes, limit %d", n, len(p), maxSize)
				}
			}
			if len(es) == 0 {
				return
			}
			rc, err := openMemSet(t, m, "f.cab")
			if err != nil {
				t.Fatal(err)
			}
			r = &rc.Reader
		}
		checkReader(t, r, es)
	})
}
