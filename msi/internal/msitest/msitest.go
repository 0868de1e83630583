// Package msitest holds what the tests of the msi packages share.
package msitest

import (
	"fmt"
	"io"
	"math/rand"
	"strings"

	"github.com/msikit/msikit/msi"
)

var columnKinds = []msi.ColumnType{
	msi.TypeString | 72, msi.TypeString | msi.TypeNullable | 255, msi.TypeString | msi.TypeLocalizable | msi.TypeNullable,
	2, 2 | msi.TypeNullable, 4, 4 | msi.TypeNullable, msi.TypeString | msi.TypeNullable, // the last: binary
}

// RandomDatabase makes tables of every column type with random cells:
// strings with characters of code page 1252, empty (null) strings, strings
// over 64 KiB, integers at their limits, and binary streams.
func RandomDatabase(rng *rand.Rand, tables, maxRows int) *msi.Database {
	db := msi.NewDatabase(1252)
	alphabet := []rune("abcXYZ09 _.éüß€ŒžÿÀ\t")
	str := func() string {
		n := rng.Intn(12)
		if rng.Intn(50) == 0 {
			n = 70000 + rng.Intn(100)
		}
		var b strings.Builder
		for i := 0; i < n; i++ {
			b.WriteRune(alphabet[rng.Intn(len(alphabet))])
		}
		return b.String()
	}
	for ti := 0; ti < tables; ti++ {
		var cols []msi.Column
		cols = append(cols, msi.Column{Name: "Key", Type: msi.TypeString | msi.TypeKey | 72})
		for ci := 0; ci < 1+rng.Intn(6); ci++ {
			typ := columnKinds[rng.Intn(len(columnKinds))]
			if typ == msi.TypeString|msi.TypeNullable {
				typ = 0x0900 | msi.TypeNullable // binary: string without the 0x400 bit, width 0
			} else if typ&msi.TypeString != 0 || typ&0xff == 2 {
				typ |= msi.TypeNoBinary
			}
			cols = append(cols, msi.Column{Name: fmt.Sprintf("C%d", ci), Type: typ})
		}
		t, err := db.CreateTable(fmt.Sprintf("T%d", ti), cols)
		if err != nil {
			panic(err)
		}
		for ri := 0; ri < rng.Intn(maxRows+1); ri++ {
			vals := []msi.Value{msi.StringValue(fmt.Sprintf("k%d", ri))}
			for _, c := range t.Columns[1:] {
				switch {
				case c.Type.IsBinary():
					if rng.Intn(3) == 0 {
						vals = append(vals, msi.Value{})
					} else {
						vals = append(vals, msi.Value{Kind: msi.Stream})
					}
				case c.Type.IsString():
					s := str()
					if s == "" && !c.Type.Nullable() {
						s = "x"
					}
					vals = append(vals, msi.StringValue(s))
				default:
					limit := int32(32767)
					if c.Type.Width() == 4 {
						limit = 2147483647
					}
					v := []int32{0, 1, -1, limit, -limit, rng.Int31n(limit)}[rng.Intn(6)]
					if c.Type.Nullable() && rng.Intn(4) == 0 {
						vals = append(vals, msi.Value{})
					} else {
						vals = append(vals, msi.IntValue(v))
					}
				}
			}
			r, err := t.AddRow(vals...)
			if err != nil {
				panic(err)
			}
			for _, v := range r.Values {
				if v.Kind == msi.Stream {
					data := make([]byte, rng.Intn(9000))
					rng.Read(data)
					db.SetStream(v.Str, data)
				}
			}
		}
	}
	return db
}

// ReadStream reads a root stream of db whole.
func ReadStream(db *msi.Database, name string) ([]byte, error) {
	r, _, err := db.OpenStream(name)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return io.ReadAll(r)
}
