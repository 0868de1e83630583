package lzx

import (
	"encoding/binary"
	"math/bits"
)

// overrunSlack is how far past the end of a frame's input the bitstream may
// reach. A well-formed frame ends inside its bytes; the reference decoder
// tolerates one 16-bit word of zero padding at the end of its input, so we
// do too, and call anything beyond that a truncated or corrupt frame.
const overrunSlack = 2

// bitReader reads the LZX bitstream: 16-bit little-endian words, each read
// from its most significant bit down. Bits sit left-aligned in buf so that a
// Huffman lookup is a single shift. Past the end of src it reads zeros while
// pos keeps counting, so the caller can tell how far it overran.
type bitReader struct {
	src    []byte
	origin int    // byte where the current run of 16-bit words began
	pos    int    // next byte of src to load (may pass len(src))
	buf    uint64 // unread bits, most significant first
	nbits  uint   // number of valid bits in buf
}

func (br *bitReader) init(src []byte) {
	*br = bitReader{src: src}
}

// consumed returns the number of bits taken from src so far.
func (br *bitReader) consumed() int { return br.pos*8 - int(br.nbits) }

// overrun reports whether more bits were consumed than src plus the slack.
func (br *bitReader) overrun() bool {
	return br.consumed() > (len(br.src)+overrunSlack)*8
}

// refill makes at least 32 bits available.
func (br *bitReader) refill() {
	if br.nbits >= 32 {
		return
	}
	br.buf, br.nbits, br.pos = refill(br.src, br.buf, br.nbits, br.pos)
}

// refill64 adds as many whole 16-bit words as fit in buf, from 8 bytes
// that must be present at src[pos:]. Bits of a word that does not fit are
// ORed in below nbits too; that is harmless, because whichever refill loads
// that word next ORs the same bits into the same place.
func refill64(src []byte, buf uint64, nbits uint, pos int) (uint64, uint, int) {
	v := binary.BigEndian.Uint64(src[pos:])
	v = (v>>8)&0x00ff00ff00ff00ff | (v&0x00ff00ff00ff00ff)<<8 // word order
	k := (64 - nbits) >> 4
	return buf | v>>nbits, nbits + k*16, pos + int(k)*2
}

// refill is the shared refill for the reader and for the inlined copies of
// its state in the decoding loop. It must only be called with nbits < 32.
func refill(src []byte, buf uint64, nbits uint, pos int) (uint64, uint, int) {
	if pos >= 0 && pos+4 <= len(src) {
		// Two words at once: rotating the little-endian 32-bit value by 16
		// puts the first word on top.
		w := bits.RotateLeft32(binary.LittleEndian.Uint32(src[pos:]), 16)
		return buf | uint64(w)<<(32-nbits), nbits + 32, pos + 4
	}
	return refillSlow(src, buf, nbits, pos)
}

//go:noinline
func refillSlow(src []byte, buf uint64, nbits uint, pos int) (uint64, uint, int) {
	for nbits <= 48 {
		var w uint64
		if pos >= 0 && pos+1 < len(src) {
			w = uint64(src[pos]) | uint64(src[pos+1])<<8
		} else if pos >= 0 && pos < len(src) {
			w = uint64(src[pos])
		}
		buf |= w << (48 - nbits)
		nbits += 16
		pos += 2
	}
	return buf, nbits, pos
}

// readBits returns the next n bits (n <= 32) as an unsigned value.
func (br *bitReader) readBits(n uint) uint32 {
	if n == 0 {
		return 0
	}
	if n > 16 {
		hi := br.readBits(n - 16)
		return hi<<16 | br.readBits(16)
	}
	br.refill()
	v := uint32(br.buf >> (64 - n))
	br.buf <<= n
	br.nbits -= n
	return v
}

// decode reads one symbol of h. The table must not be empty.
func (br *bitReader) decode(h *huffman) uint16 {
	br.refill()
	e := h.lookup(br.buf)
	n := uint(e & entryLenMask)
	br.buf <<= n
	br.nbits -= n
	return uint16(e >> entrySymShift)
}

// alignToWord skips to the 16-bit boundary that ends the current word and
// returns the byte offset of what follows. As the format demands 1 to 16
// bits of padding, a reader already on a boundary skips a whole word. Words
// count from where the bitstream last resumed, which after an odd-sized
// uncompressed block need not be an even offset of the frame.
func (br *bitReader) alignToWord() int {
	p := br.origin + (br.consumed()-br.origin*8)/16*2 + 2
	br.seekByte(p)
	return p
}

// seekByte empties the bit buffer and moves the byte cursor to p.
func (br *bitReader) seekByte(p int) {
	br.origin, br.pos, br.buf, br.nbits = p, p, 0, 0
}
