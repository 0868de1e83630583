package mszip

import (
	"encoding/binary"
	"fmt"
)

// inflater decodes deflate streams (RFC 1951), one MSZIP block at a time,
// into a caller's buffer that also holds the history. It accepts exactly
// the streams compress/flate accepts (the same rules for prefix codes,
// symbols and distances), so replacing that decoder changed no verdict;
// it is faster because it decodes from whole-word table lookups into
// memory the caller owns, with no per-block setup beyond the tables.
type inflater struct {
	lit  [litTableSize]uint32
	dist [distTableSize]uint32
	cl   [1 << clBits]uint32
	lens [286 + 30]uint8

	// lastMarker is, in wide mode, the index of the newest output
	// element that is still a marker (a byte of unknown history).
	lastMarker int
}

// Errors, each wrapping ErrCorrupt.
var (
	errTruncated = fmt.Errorf("%w: the deflate stream ends early", ErrCorrupt)
	errBlockType = fmt.Errorf("%w: invalid deflate block type 3", ErrCorrupt)
	errStored    = fmt.Errorf("%w: stored block length does not match its complement", ErrCorrupt)
	errCodes     = fmt.Errorf("%w: invalid Huffman code lengths", ErrCorrupt)
	errSymbol    = fmt.Errorf("%w: invalid Huffman code in the data", ErrCorrupt)
	errDistance  = fmt.Errorf("%w: back-reference before the start of the data", ErrCorrupt)
	errLong      = fmt.Errorf("%w: block decodes to more bytes than its header says", ErrCorrupt)
)

// slack is how far past the end of its output the byte decoder may write
// (copying matches eight bytes at a time) when the buffer has the room.
const slack = 8

// inBits reads src least significant bit first. Past the end of src
// it reads zero bytes, counting them in ip, so that a truncated stream is
// noticed once (overrun) rather than on every read.
type inBits struct {
	src []byte
	ip  int    // next byte of src to load into bb
	bb  uint64 // buffered bits, the next one lowest; bits above nb are 0 or the next input bits
	nb  uint   // number of valid bits in bb
}

// refill loads whole bytes until at least 56 bits are buffered.
func (r *inBits) refill() {
	if r.ip+8 <= len(r.src) {
		r.bb |= binary.LittleEndian.Uint64(r.src[r.ip:]) << r.nb
		n := (63 - r.nb) >> 3
		r.ip += int(n)
		r.nb += n << 3
		return
	}
	for r.nb <= 56 {
		if r.ip < len(r.src) {
			r.bb |= uint64(r.src[r.ip]) << r.nb
		}
		r.ip++
		r.nb += 8
	}
}

func (r *inBits) bits(n uint) uint32 {
	if r.nb < n {
		r.refill()
	}
	v := uint32(r.bb & (1<<n - 1))
	r.bb >>= n
	r.nb -= n
	return v
}

// overrun reports whether more bits were consumed than src holds.
func (r *inBits) overrun() bool { return r.ip*8-int(r.nb) > len(r.src)*8 }

// inflate decodes the deflate stream src into out[pos:end]. Back-references
// may reach back to out[lo]. The stream must end (its final block) with
// exactly end-pos bytes of output. When wide is not nil the output goes to
// wide[pos:end] instead, and out is not used.
func (z *inflater) inflate(out []byte, wide []uint16, lo, pos, end int, src []byte) error {
	r := inBits{src: src}
	start := pos
	for {
		hdr := r.bits(3)
		var err error
		switch hdr >> 1 {
		case 0:
			pos, err = z.stored(&r, out, wide, pos, end)
		case 1:
			pos, err = z.huffman(&r, out, wide, lo, pos, end, &fixedLitTable, &fixedDistTable)
		case 2:
			if err = z.dynamic(&r); err == nil {
				pos, err = z.huffman(&r, out, wide, lo, pos, end, &z.lit, &z.dist)
			}
		default:
			err = errBlockType
		}
		if r.overrun() {
			return errTruncated
		}
		if err != nil {
			return err
		}
		if hdr&1 != 0 {
			break
		}
	}
	if pos != end {
		return fmt.Errorf("%w: block decodes to %d bytes, header says %d", ErrCorrupt, pos-start, end-start)
	}
	return nil
}

func (z *inflater) stored(r *inBits, out []byte, wide []uint16, pos, end int) (int, error) {
	n := r.nb & 7
	r.bb >>= n
	r.nb -= n
	length := r.bits(16)
	if r.bits(16) != ^length&0xFFFF {
		return pos, errStored
	}
	start := r.ip - int(r.nb>>3)
	if start+int(length) > len(r.src) {
		return pos, errTruncated
	}
	if int(length) > end-pos {
		return pos, errLong
	}
	data := r.src[start : start+int(length)]
	if wide != nil {
		for i, b := range data {
			wide[pos+i] = uint16(b)
		}
	} else {
		copy(out[pos:], data)
	}
	r.ip, r.bb, r.nb = start+int(length), 0, 0
	return pos + int(length), nil
}

// dynamic reads a dynamic block's header into z.lit and z.dist.
func (z *inflater) dynamic(r *inBits) error {
	nlit := int(r.bits(5)) + 257
	ndist := int(r.bits(5)) + 1
	nclen := int(r.bits(4)) + 4
	if nlit > 286 || ndist > 30 {
		return errCodes
	}
	var cl [19]uint8
	for i := 0; i < nclen; i++ {
		cl[clOrder[i]] = uint8(r.bits(3)) // clOrder: complete.go
	}
	if !buildTable(z.cl[:], cl[:], clBits, kindCL) {
		return errCodes
	}
	n := nlit + ndist
	lens := z.lens[:n]
	for i := 0; i < n; {
		if r.nb < 14 {
			r.refill()
		}
		e := z.cl[r.bb&(1<<clBits-1)]
		if e&entInvalid != 0 {
			return errCodes
		}
		c := uint(e & 15)
		r.bb >>= c
		r.nb -= c
		sym := e >> 16
		if sym < 16 {
			lens[i] = uint8(sym)
			i++
			continue
		}
		var rep int
		var val uint8
		switch sym {
		case 16:
			if i == 0 {
				return errCodes
			}
			rep, val = 3+int(r.bits(2)), lens[i-1]
		case 17:
			rep = 3 + int(r.bits(3))
		default:
			rep = 11 + int(r.bits(7))
		}
		if i+rep > n {
			return errCodes
		}
		for ; rep > 0; rep-- {
			lens[i] = val
			i++
		}
	}
	if !buildTable(z.lit[:], lens[:nlit], litBits, kindLit) ||
		!buildTable(z.dist[:], lens[nlit:], distBits, kindDist) {
		return errCodes
	}
	return nil
}

// huffman decodes one block's compressed data with the given tables,
// up to and including its end-of-block code.
func (z *inflater) huffman(r *inBits, out []byte, wide []uint16, lo, pos, end int, lit *[litTableSize]uint32, dist *[distTableSize]uint32) (int, error) {
	if wide != nil {
		return z.huffmanWide(r, wide, lo, pos, end, lit, dist)
	}
	return huffmanBytes(r, out[:end], lo, pos, lit, dist)
}

// refillSlow is inBits.refill near the end of the input.
func refillSlow(src []byte, bb uint64, nb uint, ip int) (uint64, uint, int) {
	for nb <= 56 {
		if ip < len(src) {
			bb |= uint64(src[ip]) << (nb & 63)
		}
		ip++
		nb += 8
	}
	return bb, nb, ip
}

// huffmanBytes is the decoder's hot loop. It is written for the register
// allocator: few live values, the bit buffer refilled without a branch
// while eight input bytes remain, and literals, the common case, decoded
// up to three per refill.
func huffmanBytes(r *inBits, o []byte, lo, pos int, lit *[litTableSize]uint32, dist *[distTableSize]uint32) (int, error) {
	bb, nb, ip, src := r.bb, r.nb, r.ip, r.src
	for {
		if ip+8 <= len(src) {
			// After this, 56 to 63 bits are buffered: three literal
			// codes, or a length and a distance with their extra bits.
			bb |= binary.LittleEndian.Uint64(src[ip:ip+8]) << (nb & 63)
			ip += 7 - int(nb>>3)
			nb |= 56
		} else {
			bb, nb, ip = refillSlow(src, bb, nb, ip)
			if ip > len(src)+16 {
				return pos, errTruncated
			}
		}
		e := lit[bb&(1<<litBits-1)]
		if e&entLiteral != 0 {
			bb >>= e & 15
			nb -= uint(e & 15)
			if uint(pos) >= uint(len(o)) {
				return pos, errLong
			}
			o[pos] = byte(e >> 16)
			pos++
			e = lit[bb&(1<<litBits-1)]
			if e&entLiteral == 0 {
				continue
			}
			bb >>= e & 15
			nb -= uint(e & 15)
			if uint(pos) >= uint(len(o)) {
				return pos, errLong
			}
			o[pos] = byte(e >> 16)
			pos++
			e = lit[bb&(1<<litBits-1)]
			if e&entLiteral == 0 {
				continue
			}
			bb >>= e & 15
			nb -= uint(e & 15)
			if uint(pos) >= uint(len(o)) {
				return pos, errLong
			}
			o[pos] = byte(e >> 16)
			pos++
			continue
		}
		if e&entSub != 0 {
			e = lit[e>>16+uint32(bb>>litBits)&(1<<(e>>8&15)-1)]
			if e&entLiteral != 0 {
				bb >>= e & 15
				nb -= uint(e & 15)
				if uint(pos) >= uint(len(o)) {
					return pos, errLong
				}
				o[pos] = byte(e >> 16)
				pos++
				continue
			}
		}
		if e&(entEnd|entInvalid) != 0 {
			if e&entInvalid != 0 {
				return pos, errSymbol
			}
			c := uint(e & 15)
			r.bb, r.nb, r.ip = bb>>c, nb-c, ip
			return pos, nil
		}
		c := e & 15
		length := int(e>>16) + int(uint32(bb>>c)&(1<<(e>>8&15)-1))
		c += e >> 8 & 15
		bb >>= c
		nb -= uint(c)

		d := dist[bb&(1<<distBits-1)]
		if d&entSub != 0 {
			d = dist[d>>16+uint32(bb>>distBits)&(1<<(d>>8&15)-1)]
			if d&entInvalid != 0 {
				return pos, errSymbol
			}
		}
		c = d & 15
		distance := int(d>>16) + int(uint32(bb>>c)&(1<<(d>>8&15)-1))
		c += d >> 8 & 15
		bb >>= c
		nb -= uint(c)
		if distance > pos-lo || d&entInvalid != 0 {
			if d&entInvalid != 0 {
				return pos, errSymbol
			}
			return pos, errDistance
		}
		s := pos - distance
		if distance >= 8 && pos+length+8 <= len(o) {
			// Eight bytes at a time: each load is of bytes already
			// written, since the source is at least 8 bytes behind,
			// and the bytes written past the match are output to come.
			copy8(o, pos, s, length)
			pos += length
			continue
		}
		if length > len(o)-pos {
			return pos, errLong
		}
		if distance >= length {
			copy(o[pos:pos+length], o[s:s+length])
		} else {
			m := o[s : pos+length]
			for i := distance; i < len(m); i++ {
				m[i] = m[i-distance]
			}
		}
		pos += length
	}
}

// huffmanWide is huffman writing 16-bit elements: bytes, or markers
// (0x8000 | i) standing for byte i of a history not known yet, which
// back-references copy like bytes.
func (z *inflater) huffmanWide(r *inBits, out []uint16, lo, pos, end int, lit *[litTableSize]uint32, dist *[distTableSize]uint32) (int, error) {
	last := z.lastMarker
	defer func() { z.lastMarker = last }()
	for {
		if r.nb < 48 {
			r.refill()
			if r.ip > len(r.src)+16 {
				return pos, errTruncated
			}
		}
		e := lit[r.bb&(1<<litBits-1)]
		if e&entSub != 0 {
			e = lit[e>>16+uint32(r.bb>>litBits)&(1<<(e>>8&15)-1)]
		}
		c := uint(e & 15)
		if e&entLiteral != 0 {
			r.bb >>= c
			r.nb -= c
			if pos >= end {
				return pos, errLong
			}
			out[pos] = uint16(e >> 16 & 0xFF)
			pos++
			continue
		}
		if e&(entEnd|entInvalid) != 0 {
			if e&entInvalid != 0 {
				return pos, errSymbol
			}
			r.bb >>= c
			r.nb -= c
			return pos, nil
		}
		x := uint(e >> 8 & 15)
		length := int(e>>16) + int(uint32(r.bb>>c)&(1<<x-1))
		r.bb >>= c + x
		r.nb -= c + x
		d := dist[r.bb&(1<<distBits-1)]
		if d&entSub != 0 {
			d = dist[d>>16+uint32(r.bb>>distBits)&(1<<(d>>8&15)-1)]
		}
		if d&entInvalid != 0 {
			return pos, errSymbol
		}
		c = uint(d & 15)
		x = uint(d >> 8 & 15)
		distance := int(d>>16) + int(uint32(r.bb>>c)&(1<<x-1))
		r.bb >>= c + x
		r.nb -= c + x
		if distance > pos-lo {
			return pos, errDistance
		}
		if length > end-pos {
			return pos, errLong
		}
		o := out[pos-distance : pos+length]
		for i := distance; i < len(o); i++ {
			v := o[i-distance]
			o[i] = v
			if v >= 0x100 {
				last = pos - distance + i
			}
		}
		pos += length
	}
}
