package msi

import (
	"bytes"
	"encoding/binary"
	"errors"
	"github.com/msikit/msikit/msi/internal/stringpool"
	"os"
	"testing"
)

func FuzzDecodeTable(f *testing.F) {
	f.Add([]byte{0x48, 0x0d, 0x02, 0x05, 0x04, 0x01, 0x00, 0x09}, []byte{1, 0, 2, 0, 0, 0x80, 1, 0x80, 0, 0, 0, 0x80, 1, 0, 0, 0})
	f.Add([]byte{0x48, 0x3d}, []byte{1, 0, 0, 0})
	f.Fuzz(func(t *testing.T, types, data []byte) {
		var cols []Column
		for i := 0; i+1 < len(types) && len(cols) < 40; i += 2 {
			cols = append(cols, Column{Name: "c", Number: len(cols) + 1, Type: ColumnType(binary.LittleEndian.Uint16(types[i:]))})
		}
		pool, _ := stringpool.Parse([]byte{0xe4, 0x04, 0, 0, 1, 0, 1, 0, 2, 0, 1, 0}, []byte("abc"))
		tab, err := decodeTable("T", cols, data, pool)
		if err != nil {
			if !errors.Is(err, ErrFormat) {
				t.Fatalf("error not ErrFormat: %v", err)
			}
			return
		}
		for _, r := range tab.Rows {
			if len(r.Values) != len(cols) {
				t.Fatalf("row has %d values for %d columns", len(r.Values), len(cols))
			}
		}
	})
}

// FuzzOpen reads whole packages: the compound file, the catalog and every
// table. Seeds are the committed fixture and small damaged copies of it.
func FuzzOpen(f *testing.F) {
	if b, err := os.ReadFile("../fixtures/hello.msi"); err == nil {
		f.Add(b)
		f.Add(b[:4096])
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := NewPackage(bytes.NewReader(b), int64(len(b)), "fuzz.msi")
		if err != nil {
			return
		}
		names, err := p.Tables()
		if err != nil {
			return
		}
		for _, n := range names {
			p.Table(n)
		}
		for _, s := range p.Streams() {
			p.ReadStream(s.Name)
		}
	})
}
