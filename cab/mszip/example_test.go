package mszip_test

import (
	"bytes"
	"compress/flate"
	"fmt"

	"github.com/msikit/msikit/cab/mszip"
)

func ExampleDecoder_Decompress() {
	// One MSZIP block: "CK" and a deflate stream.
	var blk bytes.Buffer
	blk.WriteString("CK")
	w, _ := flate.NewWriter(&blk, flate.BestCompression)
	w.Write([]byte("hello, hello, hello"))
	w.Close()

	d := mszip.NewDecoder()
	out := make([]byte, 19) // the CFDATA block's uncompressed size
	if err := d.Decompress(out, blk.Bytes()); err != nil {
		fmt.Println(err)
	}
	fmt.Println(string(out))
	// Output: hello, hello, hello
}
