package cfb_test

import (
	"bytes"
	"fmt"
	"io"
	"log"
	"strings"

	"github.com/msikit/msikit/internal/cfb"
	"github.com/richardlehane/mscfb"
)

// Build a patch-like file: a root with the patch CLSID, a summary stream,
// a large stream added from a reader, and a transform as a sub-storage.
func Example() {
	b := cfb.New()
	root := b.Root()
	root.SetCLSID(cfb.CLSIDPatch)
	if err := root.AddStream("\x05SummaryInformation", []byte("property set bytes")); err != nil {
		log.Fatal(err)
	}
	cab := strings.Repeat("cabinet ", 1000) // 8000 bytes: regular sectors
	if err := root.AddStreamReader("PATCH.cab", strings.NewReader(cab), int64(len(cab))); err != nil {
		log.Fatal(err)
	}
	tr, err := root.AddStorage("RTM.1")
	if err != nil {
		log.Fatal(err)
	}
	tr.SetCLSID(cfb.CLSIDTransform)
	if err := tr.AddStream("Data", []byte{1, 2, 3}); err != nil {
		log.Fatal(err)
	}
	if err := tr.AddStream("DATA", nil); err != nil {
		fmt.Println("refused:", err)
	}

	var buf bytes.Buffer
	n, err := b.WriteTo(&buf)
	if err != nil {
		log.Fatal(err)
	}
	// The header and 21 sectors of 512 bytes: FAT, MiniFAT, two of
	// directory (five entries), the mini stream and 16 for PATCH.cab.
	fmt.Println("bytes written:", n)

	r, err := mscfb.New(bytes.NewReader(buf.Bytes()))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("root CLSID:", strings.ToUpper(r.ID()))
	for f, err := r.Next(); err == nil; f, err = r.Next() {
		data, _ := io.ReadAll(f)
		fmt.Printf("%q in %q: %d bytes, storage %v\n", f.Name, f.Path, len(data), f.FileInfo().IsDir())
	}
	// Output:
	// refused: cfb: duplicate entry name: "DATA" in storage "RTM.1" (already holds "Data")
	// bytes written: 11264
	// root CLSID: {000C1086-0000-0000-C000-000000000046}
	// "RTM.1" in []: 0 bytes, storage true
	// "Data" in ["RTM.1"]: 3 bytes, storage false
	// "PATCH.cab" in []: 8000 bytes, storage false
	// "SummaryInformation" in []: 18 bytes, storage false
}
