package lzx

import "errors"

// A table entry is either a symbol, sym<<entrySymShift | code length, or a
// link to a sub-table, offset<<entrySymShift | entryLink | sub-table bits.
const (
	entryLenMask  = 0x1f
	entryLink     = 0x80
	entrySymShift = 8
)

var (
	errOversubscribed = errors.New("over-subscribed Huffman code")
	errIncomplete     = errors.New("incomplete Huffman code")
	errEmptyTree      = errors.New("empty Huffman code")
)

// huffman is a canonical Huffman decoding table in the style of zlib's: a
// primary table indexed by the next `bits` bits of input, whose entries for
// longer codes point to a sub-table indexed by the bits that follow. Its
// slices are reused from block to block, so rebuilding does not allocate
// once they have grown.
type huffman struct {
	bits  uint     // width of the primary index
	table []uint32 // 1<<bits primary entries, then the sub-tables
	empty bool     // no symbol has a code; the table must not be used

	codes  []uint16 // scratch: the code of each symbol
	subMax []uint8  // scratch: sub-table bits of each primary entry
}

// lookup returns the entry for the code at the top of b, which must hold at
// least maxCodeLen valid bits.
func (h *huffman) lookup(b uint64) uint32 {
	e := h.table[b>>(64-h.bits)]
	if e&entryLink != 0 {
		e = h.table[e>>entrySymShift+uint32((b<<h.bits)>>(64-(e&entryLenMask)))]
	}
	return e
}

// build makes h decode the canonical code whose lengths (0 = unused, at most
// maxCodeLen) are lens. The code must be complete: LZX encoders only ever
// write complete codes, and an incomplete one would leave input bit patterns
// with no meaning. A code with no symbols at all returns errEmptyTree and
// marks h empty, for the caller to decide.
func (h *huffman) build(lens []uint8, tableBits uint) error {
	var count [maxCodeLen + 1]int
	for _, l := range lens {
		count[l]++
	}
	h.bits = tableBits
	h.empty = false
	if count[0] == len(lens) {
		h.empty = true
		return errEmptyTree
	}
	left := 1
	for l := 1; l <= maxCodeLen; l++ {
		left = left<<1 - count[l]
		if left < 0 {
			return errOversubscribed
		}
	}
	if left != 0 {
		return errIncomplete
	}

	var next [maxCodeLen + 2]uint32
	count[0] = 0
	for l := 1; l <= maxCodeLen; l++ {
		next[l] = (next[l-1] + uint32(count[l-1])) << 1
	}
	if cap(h.codes) < len(lens) {
		h.codes = make([]uint16, len(lens))
	}
	codes := h.codes[:len(lens)]
	long := false
	for sym, l := range lens {
		if l != 0 {
			codes[sym] = uint16(next[l])
			next[l]++
			long = long || uint(l) > tableBits
		}
	}

	size := 1 << tableBits
	if cap(h.table) < size {
		h.table = make([]uint32, size, size*2)
	}
	t := h.table[:size]
	for sym, l := range lens {
		if l == 0 || uint(l) > tableBits {
			continue
		}
		fill := uint(tableBits) - uint(l)
		start := int(codes[sym]) << fill
		e := uint32(sym)<<entrySymShift | uint32(l)
		for i := range 1 << fill {
			t[start+i] = e
		}
	}
	if long {
		t = h.buildLong(t, lens, codes)
	}
	h.table = t
	return nil
}

// buildLong adds the sub-tables for the codes longer than the primary index.
// Each primary entry gets a sub-table just wide enough for its longest code.
func (h *huffman) buildLong(t []uint32, lens []uint8, codes []uint16) []uint32 {
	tb := h.bits
	size := 1 << tb
	if cap(h.subMax) < size {
		h.subMax = make([]uint8, size)
	}
	subMax := h.subMax[:size]
	clear(subMax)
	for sym, l := range lens {
		if uint(l) > tb {
			extra := uint(l) - tb
			p := codes[sym] >> extra
			subMax[p] = max(subMax[p], uint8(extra))
		}
	}
	for p, sb := range subMax {
		if sb == 0 {
			continue
		}
		off := len(t)
		t = append(t, make([]uint32, 1<<sb)...)
		t[p] = uint32(off)<<entrySymShift | entryLink | uint32(sb)
	}
	for sym, l := range lens {
		if uint(l) <= tb {
			continue
		}
		extra := uint(l) - tb
		code := uint32(codes[sym])
		link := t[code>>extra]
		sb := uint(link & entryLenMask)
		fill := sb - extra
		start := int(link>>entrySymShift) + int(code&(1<<extra-1))<<fill
		e := uint32(sym)<<entrySymShift | uint32(l)
		for i := range 1 << fill {
			t[start+i] = e
		}
	}
	return t
}
