//go:build amd64 || arm64 || 386 || ppc64le || ppc64 || s390x || loong64

package mszip

import "unsafe"

// copy8 copies the match o[s:s+n] to o[pos:pos+n] eight bytes at a time,
// writing up to 7 bytes past it. The caller guarantees pos-s >= 8 (each
// load is of bytes already in place) and pos+n+8 <= len(o); the address
// of o[pos] is bounds-checked, the rest follows from those two. These
// processors load and store unaligned words directly.
func copy8(o []byte, pos, s, n int) {
	p := unsafe.Pointer(&o[pos])
	q := unsafe.Pointer(&o[s])
	for i := 0; i < n; i += 8 {
		*(*uint64)(unsafe.Add(p, i)) = *(*uint64)(unsafe.Add(q, i))
	}
}
