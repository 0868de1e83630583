package quantum

import "math/bits"

// Quantum interleaves two things in one most-significant-bit-first stream:
// the bits the arithmetic decoder shifts into its 16-bit code register, and
// the raw extra bits of match offsets and lengths, which are read at the
// point the decoder has reached, that is 16 bits ahead of the coder's
// interval.

// libmspack appends trailerByte to every CFDATA payload, and resynchronises
// on it at the end of a frame; at the end of a folder's input it supplies
// padBytes zero bytes more, then fails. Reading the same stream makes a
// final frame whose last symbols look into the trailer decode as it does
// there.
const (
	trailerByte = 0xFF
	padBytes    = 2
)

// bitReader reads a CFDATA payload, followed by the trailer and padding, as a
// stream of bits, most significant first.
type bitReader struct {
	src   []byte
	pos   int    // index of the next byte to load, counting the trailer
	buf   uint64 // loaded, unread bits, left-aligned
	n     uint   // number of bits in buf
	limit int    // bits in the payload, trailer and padding
}

func (r *bitReader) reset(src []byte) {
	*r = bitReader{src: src, limit: (len(src) + 1 + padBytes) * 8}
}

// fill tops buf up to at least 57 bits. Past the end of the padding it loads
// zeros; callers bound what is consumed with overrun.
func (r *bitReader) fill() {
	for r.n <= 56 {
		var b byte
		if r.pos < len(r.src) {
			b = r.src[r.pos]
		} else if r.pos == len(r.src) {
			b = trailerByte
		}
		r.pos++
		r.buf |= uint64(b) << (56 - r.n)
		r.n += 8
	}
}

// bits reads n bits, 0 <= n <= 32.
func (r *bitReader) bits(n uint) uint32 {
	if r.n < n {
		r.fill()
	}
	v := uint32(r.buf >> (64 - n))
	r.buf <<= n
	r.n -= n
	return v
}

// consumed returns the number of bits read so far.
func (r *bitReader) consumed() int {
	return r.pos*8 - int(r.n)
}

// overrun reports whether more bits were read than the payload, trailer and
// padding hold.
func (r *bitReader) overrun() bool {
	return r.consumed() > r.limit
}

// arithDecoder is the 16-bit arithmetic decoder: [low, high] is the current
// interval and code the 16 bits of the stream it is positioned on. For any
// input, low <= code <= high holds, so every stream decodes to some symbol
// sequence and corruption shows only in what the symbols mean.
type arithDecoder struct {
	low, high, code uint32
	br              bitReader
}

// start begins a frame: the interval is reset and the code register loaded.
func (a *arithDecoder) start(src []byte) {
	a.br.reset(src)
	a.low, a.high = 0, 0xFFFF
	a.code = a.br.bits(16)
}

// decode returns the next symbol of m and updates m.
func (a *arithDecoder) decode(m *model) int {
	span := a.high - a.low + 1
	total := uint32(m.cum[0])
	target := ((a.code-a.low+1)*total - 1) / span
	i := 1
	for i < m.n && uint32(m.cum[i]) > target {
		i++
	}
	sym := int(m.sym[i-1])
	a.high = a.low + uint32(m.cum[i-1])*span/total - 1
	a.low += uint32(m.cum[i]) * span / total
	a.normalize()
	m.update(i)
	return sym
}

// normalize shifts out the leading bits that low and high share, and
// handles the straddling case (low = 01..., high = 10...) by dropping the
// second bit, until the interval spans more than a quarter of the range. The
// span at least doubles on each step, so this takes at most 16 steps.
func (a *arithDecoder) normalize() {
	low, high, code := a.low, a.high, a.code
	for {
		if same := bits.LeadingZeros16(uint16(low ^ high)); same > 0 {
			// All shared leading bits go in one shift.
			low = low << same & 0xFFFF
			high = (high<<same | (1<<same - 1)) & 0xFFFF
			code = (code<<same | a.br.bits(uint(same))) & 0xFFFF
			continue
		}
		if low&0x4000 == 0 || high&0x4000 != 0 {
			break
		}
		code ^= 0x4000
		low = low << 1 & 0x7FFF
		high = (high<<1 | 0x8001) & 0xFFFF
		code = (code<<1 | a.br.bits(1)) & 0xFFFF
	}
	a.low, a.high, a.code = low, high, code
}
