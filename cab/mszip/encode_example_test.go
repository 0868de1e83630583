package mszip_test

import (
	"compress/flate"
	"fmt"

	"github.com/msikit/msikit/cab/mszip"
)

func ExampleEncoder_Compress() {
	e, _ := mszip.NewEncoder(flate.DefaultCompression)
	d := mszip.NewDecoder()
	for _, s := range []string{"hello, hello, hello", " and hello again"} {
		// Each block may refer back to the ones before it.
		blk, _ := e.Compress(nil, []byte(s))
		out := make([]byte, len(s))
		if err := d.Decompress(out, blk); err != nil {
			fmt.Println(err)
		}
		fmt.Printf("%s %q\n", blk[:2], out)
	}
	// Output:
	// CK "hello, hello, hello"
	// CK " and hello again"
}
