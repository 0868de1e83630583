package quantum_test

import (
	"fmt"
	"log"

	"github.com/msikit/msikit/cab/quantum"
)

func Example() {
	// A folder with typeCompress 0x1012 is Quantum, level 1, 2^16-byte
	// window. Its one CFDATA block holds 27 compressed bytes for 48.
	const typeCompress = 0x1012
	block := []byte{0xd6, 0x99, 0x4e, 0x03, 0x83, 0x7a, 0x22, 0x44, 0x82, 0x00,
		0xaa, 0xe2, 0xaf, 0x70, 0x60, 0x21, 0xed, 0x32, 0x0b, 0x93, 0x68, 0xc9,
		0xfb, 0x61, 0x18, 0x00, 0x00}
	const uncompressedSize = 48

	d, err := quantum.NewDecoder(typeCompress >> 8 & 0x1F)
	if err != nil {
		log.Fatal(err)
	}
	out := make([]byte, uncompressedSize)
	if err := d.Decompress(out, block); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%s", out)
	// Output:
	// Hello, Quantum! Hello, Quantum! Hello, cabinet!
}
