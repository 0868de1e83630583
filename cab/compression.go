package cab

import "fmt"

// Compression is a folder's typeCompress field: the method in the low
// nibble and, for Quantum and LZX, the level and window size above it.
type Compression uint16

// Compression methods (the low 4 bits of typeCompress).
const (
	MethodNone    = 0
	MethodMSZIP   = 1
	MethodQuantum = 2
	MethodLZX     = 3
)

// Method returns the compression method, one of the Method constants or
// another value for an unknown method.
func (c Compression) Method() int { return int(c & 0xF) }

// Level returns the Quantum compression level (bits 4-7).
func (c Compression) Level() int { return int(c>>4) & 0xF }

// Window returns the window size as a power of two (bits 8-12) for
// Quantum and LZX, 15 (32 KiB) for MSZIP and 0 otherwise.
func (c Compression) Window() int {
	switch c.Method() {
	case MethodQuantum, MethodLZX:
		return int(c>>8) & 0x1F
	case MethodMSZIP:
		return 15
	}
	return 0
}

// String names the compression as cabextract's and 7-Zip's listings do:
// "None", "MSZIP", "LZX:21", "Quantum:2:18".
func (c Compression) String() string {
	switch c.Method() {
	case MethodNone:
		return "None"
	case MethodMSZIP:
		return "MSZIP"
	case MethodQuantum:
		return fmt.Sprintf("Quantum:%d:%d", c.Level(), c.Window())
	case MethodLZX:
		return fmt.Sprintf("LZX:%d", c.Window())
	}
	return fmt.Sprintf("Unknown(%d)", c.Method())
}
