package pever

import (
	"encoding/binary"
	"io"
)

// ComputeChecksum computes the image checksum the optional header should
// hold (the one CheckSumMappedFile computes, which the loader checks for
// drivers and boot DLLs): the one's-complement sum of the file's 16-bit
// little-endian words, with the checksum field counted as zero, plus the
// file's length. It reads the whole file once.
func (f *File) ComputeChecksum() (uint32, error) {
	return checksum(f.r, f.Size, f.checksumOff)
}

func checksum(r io.ReaderAt, size, skip int64) (uint32, error) {
	var sum uint64
	buf := make([]byte, 64<<10)
	for off := int64(0); off < size; {
		n := int(min(int64(len(buf)), size-off))
		b := buf[:n]
		if err := readFull(r, b, off); err != nil {
			return 0, hdrErr("checksum", err)
		}
		// Zero the checksum field where this chunk overlaps it. Chunks are
		// even-sized except the last, so words never straddle chunks.
		for i := skip; i < skip+4; i++ {
			if i >= off && i < off+int64(n) {
				b[i-off] = 0
			}
		}
		for i := 0; i+1 < n; i += 2 {
			sum += uint64(binary.LittleEndian.Uint16(b[i:]))
		}
		if n%2 == 1 {
			sum += uint64(b[n-1])
		}
		off += int64(n)
	}
	for sum > 0xFFFF {
		sum = sum&0xFFFF + sum>>16
	}
	return uint32(sum) + uint32(size), nil
}
