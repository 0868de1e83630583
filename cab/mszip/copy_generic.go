//go:build !(amd64 || arm64 || 386 || ppc64le || ppc64 || s390x || loong64)

package mszip

import "encoding/binary"

// copy8 copies the match o[s:s+n] to o[pos:pos+n] eight bytes at a time,
// writing up to 7 bytes past it (see copy_unaligned.go).
func copy8(o []byte, pos, s, n int) {
	for i := 0; i < n; i += 8 {
		binary.LittleEndian.PutUint64(o[pos+i:pos+i+8], binary.LittleEndian.Uint64(o[s+i:s+i+8]))
	}
}
