package cab

import "encoding/binary"

// checksum is the [MS-CAB] CFDATA checksum: the XOR of the input taken as
// little-endian 32-bit words, with a 1-3 byte tail folded in big-end first,
// all XORed into seed.
func checksum(p []byte, seed uint32) uint32 {
	// XOR is associative, so 64-bit words halve the work; the two halves
	// fold together at the end.
	var acc uint64
	for len(p) >= 32 {
		acc ^= binary.LittleEndian.Uint64(p) ^ binary.LittleEndian.Uint64(p[8:]) ^
			binary.LittleEndian.Uint64(p[16:]) ^ binary.LittleEndian.Uint64(p[24:])
		p = p[32:]
	}
	for len(p) >= 8 {
		acc ^= binary.LittleEndian.Uint64(p)
		p = p[8:]
	}
	sum := seed ^ uint32(acc) ^ uint32(acc>>32)
	if len(p) >= 4 {
		sum ^= binary.LittleEndian.Uint32(p)
		p = p[4:]
	}
	var tail uint32
	switch len(p) {
	case 3:
		tail = uint32(p[0])<<16 | uint32(p[1])<<8 | uint32(p[2])
	case 2:
		tail = uint32(p[0])<<8 | uint32(p[1])
	case 1:
		tail = uint32(p[0])
	}
	return sum ^ tail
}

// blockChecksum is the checksum stored in a CFDATA header: the payload's,
// then the cbData and cbUncomp fields (hdr[4:8]) folded on top.
func blockChecksum(hdr, payload []byte) uint32 {
	return checksum(hdr[4:8], checksum(payload, 0))
}
