package mszip

import (
	"errors"
	"math/bits"
)

// compress/flate gives a dynamic Huffman block whose tree has one used
// symbol a single 1-bit code: an incomplete prefix code, which RFC 1951
// permits for distances and zlib and Go accept, but which libmspack (and
// so cabextract) refuses as a decompression error. Such blocks are what
// long runs of one byte, or any data repeating at one period, give: a
// zero-filled file, for one. zlib never writes them (it always uses two
// codes), so neither do gcab or makecab.
//
// The Encoder therefore checks each deflate block it gets from
// compress/flate and re-encodes any with an incomplete code as a block
// with the fixed Huffman codes, or as stored blocks when that is smaller:
// the same literals and matches, so the same output. To find each block's
// header without decoding every block, the Encoder flushes every
// chunkSize bytes, which keeps compress/flate to one block per flush.

// chunkSize is small enough that compress/flate never fills its token
// buffer (16384 tokens) within a chunk, so each flush emits one block.
const chunkSize = 8192

var errDeflate = errors.New("mszip: internal deflate check failed")

type bitReader struct {
	b   []byte
	pos int // bit position
}

func (r *bitReader) bits(n int) (int, error) {
	v := 0
	for i := 0; i < n; i++ {
		if r.pos>>3 >= len(r.b) {
			return 0, errDeflate
		}
		v |= int(r.b[r.pos>>3]>>(r.pos&7)&1) << i
		r.pos++
	}
	return v, nil
}

// huff is a canonical prefix code for bit-by-bit decoding: slow, but only
// the rare blocks that need re-encoding are decoded.
type huff struct {
	count [16]int
	sym   []int // symbols in canonical order
}

func newHuff(lengths []int) (*huff, bool) {
	h := &huff{}
	for _, l := range lengths {
		h.count[l]++
	}
	h.count[0] = 0
	left := 1
	for l := 1; l < 16; l++ {
		left = left<<1 - h.count[l]
		if left < 0 {
			return nil, false // over-subscribed
		}
	}
	for l := 1; l < 16; l++ {
		for s, sl := range lengths {
			if sl == l {
				h.sym = append(h.sym, s)
			}
		}
	}
	// left is 0 for a complete code.
	return h, left == 0
}

func (h *huff) decode(r *bitReader) (int, error) {
	code, first, index := 0, 0, 0
	for l := 1; l < 16; l++ {
		b, err := r.bits(1)
		if err != nil {
			return 0, err
		}
		code |= b
		n := h.count[l]
		if code-first < n {
			return h.sym[index+code-first], nil
		}
		index += n
		first = (first + n) << 1
		code <<= 1
	}
	return 0, errDeflate
}

var clOrder = [19]int{16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15}

// readDynamicHeader reads the code lengths of a dynamic block whose
// header (after BFINAL and BTYPE) starts at r, and returns the two codes
// and whether both are complete.
func readDynamicHeader(r *bitReader) (lit, dist *huff, complete bool, err error) {
	hlit, err := r.bits(5)
	if err != nil {
		return nil, nil, false, err
	}
	hdist, _ := r.bits(5)
	hclen, err := r.bits(4)
	if err != nil {
		return nil, nil, false, err
	}
	var cl [19]int
	for i := 0; i < hclen+4; i++ {
		if cl[clOrder[i]], err = r.bits(3); err != nil {
			return nil, nil, false, err
		}
	}
	clh, _ := newHuff(cl[:])
	if clh == nil {
		return nil, nil, false, errDeflate
	}
	n := hlit + 257 + hdist + 1
	lengths := make([]int, 0, n)
	for len(lengths) < n {
		s, err := clh.decode(r)
		if err != nil {
			return nil, nil, false, err
		}
		rep, val := 1, s
		switch s {
		case 16:
			if len(lengths) == 0 {
				return nil, nil, false, errDeflate
			}
			val = lengths[len(lengths)-1]
			k, err := r.bits(2)
			if err != nil {
				return nil, nil, false, err
			}
			rep = 3 + k
		case 17:
			k, err := r.bits(3)
			if err != nil {
				return nil, nil, false, err
			}
			rep, val = 3+k, 0
		case 18:
			k, err := r.bits(7)
			if err != nil {
				return nil, nil, false, err
			}
			rep, val = 11+k, 0
		}
		for ; rep > 0; rep-- {
			lengths = append(lengths, val)
		}
	}
	if len(lengths) != n {
		return nil, nil, false, errDeflate
	}
	lit, litOK := newHuff(lengths[:hlit+257])
	dist, distOK := newHuff(lengths[hlit+257:])
	if lit == nil || dist == nil {
		return nil, nil, false, errDeflate
	}
	// A distance code with no symbols at all is allowed (a block of
	// literals only), and libmspack accepts it.
	if len(dist.sym) == 0 {
		distOK = true
	}
	return lit, dist, litOK && distOK, nil
}

// Length and distance extra bits (RFC 1951, 3.2.5).
var (
	lenExtra = [29]int{0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0}
	dstExtra = [30]int{0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13}
)

// token is a literal/length symbol with its extra bits, and for a length
// the distance symbol with its extra bits.
type token struct {
	sym, extra     int
	dsym, dextra   int
	nextra, ndextr int
}

type bitWriter struct {
	out  []byte
	acc  uint64
	nacc uint
}

func (w *bitWriter) put(v uint64, n uint) {
	w.acc |= v << w.nacc
	w.nacc += n
	for w.nacc >= 8 {
		w.out = append(w.out, byte(w.acc))
		w.acc >>= 8
		w.nacc -= 8
	}
}

// putCode writes a Huffman code, which deflate stores most significant
// bit first.
func (w *bitWriter) putCode(code, n int) {
	w.put(uint64(bits.Reverse16(uint16(code))>>(16-n)), uint(n))
}

func (w *bitWriter) align() {
	if w.nacc > 0 {
		w.put(0, 8-w.nacc)
	}
}

// fixedLit returns the fixed Huffman code of a literal/length symbol.
func fixedLit(s int) (code, n int) {
	switch {
	case s < 144:
		return 0x30 + s, 8
	case s < 256:
		return 0x190 + s - 144, 9
	case s < 280:
		return s - 256, 7
	}
	return 0xC0 + s - 280, 8
}

// fixBlock checks the one deflate block at the start of seg (as one
// Flush leaves it: a block, then an empty stored block, byte-aligned) and
// returns seg, or a replacement holding the same data when the block has
// an incomplete Huffman code. raw is the chunk's uncompressed data.
func fixBlock(seg, raw []byte) ([]byte, error) {
	r := &bitReader{b: seg}
	hdr, err := r.bits(3)
	if err != nil {
		return nil, err
	}
	if hdr>>1 != 2 {
		return seg, nil // stored or fixed: nothing to check
	}
	lit, dist, complete, err := readDynamicHeader(r)
	if err != nil {
		return nil, err
	}
	if complete {
		return seg, nil
	}
	var toks []token
	for {
		s, err := lit.decode(r)
		if err != nil {
			return nil, err
		}
		if s < 256 {
			toks = append(toks, token{sym: s})
			continue
		}
		if s == 256 {
			break
		}
		if s > 285 {
			return nil, errDeflate
		}
		t := token{sym: s, nextra: lenExtra[s-257]}
		if t.extra, err = r.bits(t.nextra); err != nil {
			return nil, err
		}
		if t.dsym, err = dist.decode(r); err != nil || t.dsym > 29 {
			return nil, errDeflate
		}
		t.ndextr = dstExtra[t.dsym]
		if t.dextra, err = r.bits(t.ndextr); err != nil {
			return nil, err
		}
		toks = append(toks, t)
	}
	// The same tokens with the fixed codes, unless storing is smaller.
	w := &bitWriter{}
	w.put(0b010, 3) // not final, fixed codes
	for _, t := range toks {
		w.putCode(fixedLit(t.sym))
		if t.sym > 256 {
			w.put(uint64(t.extra), uint(t.nextra))
			w.putCode(t.dsym, 5)
			w.put(uint64(t.dextra), uint(t.ndextr))
		}
	}
	w.putCode(fixedLit(256))
	if len(w.out) > len(raw)+5 {
		return storedBlocks(raw), nil
	}
	// End with the empty stored block a flush writes, so that chunks
	// still concatenate on byte boundaries.
	w.put(0, 3)
	w.align()
	return append(w.out, 0, 0, 0xFF, 0xFF), nil
}

// storedBlocks encodes raw (at most 65535 bytes) as one non-final stored
// block.
func storedBlocks(raw []byte) []byte {
	n := len(raw)
	out := []byte{0, byte(n), byte(n >> 8), ^byte(n), ^byte(n >> 8)}
	return append(out, raw...)
}
