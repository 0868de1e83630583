package lzx_test

import (
	"fmt"

	"github.com/msikit/msikit/cab/lzx"
)

func Example() {
	// One CFDATA payload of an LZX:15 folder: no E8 translation, then an
	// uncompressed LZX block of 13 bytes (with its repeated offsets and the
	// pad byte that follows odd-sized data).
	payload := []byte{
		0x00, 0x30, 0xd0, 0x00, // E8 flag 0, block type 3, size 13, padding
		1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, // R0, R1, R2
		'h', 'e', 'l', 'l', 'o', ',', ' ', 'w', 'o', 'r', 'l', 'd', '\n', 0,
	}
	d, err := lzx.NewDecoder(15) // typeCompress 0x0F03: window bits 15
	if err != nil {
		fmt.Println(err)
		return
	}
	out := make([]byte, 13) // the block's uncompressed size
	if err := d.Decompress(out, payload); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%q\n", out)
	// Output: "hello, world\n"
}
