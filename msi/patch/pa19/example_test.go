package pa19_test

import (
	"bytes"
	"fmt"
	"log"

	"github.com/msikit/msikit/internal/pa19test"
	"github.com/msikit/msikit/msi/patch/pa19"
)

func Example() {
	old := []byte("testdata")
	// A delta as mspatchc.dll makes them; here one built by msikit's test
	// writer. Real ones come from a file, or from a patch's cabinet.
	delta := pa19test.Build(pa19test.Spec{
		Flags: pa19.OptionLZXA | pa19.OptionNoRebase,
		Time:  1538467918,
		New:   []byte("test Data\r\nWith some extra"),
		Olds:  []pa19test.Old{{Data: old}},
	})

	p, err := pa19.Parse(delta)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("new file: %d bytes, CRC32 %08x, %s\n", p.NewSize, p.NewCRC, p.Time.Format("2006-01-02"))
	if _, err := p.Check([]byte("other data")); err != nil {
		fmt.Println(err)
	}
	var out bytes.Buffer
	if err := p.Apply(&out, old); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%q\n", out.String())
	// Output:
	// new file: 26 bytes, CRC32 f651d108, 2018-10-02
	// pa19: delta does not apply to this old file: it is 10 bytes with CRC32 bf35d2af; the delta wants 8 bytes with CRC32 99e5365e
	// "test Data\r\nWith some extra"
}
