package mszip

import "math/bits"

// Decoding tables for deflate's prefix codes (RFC 1951, 3.2.2), indexed by
// the next input bits. Deflate packs a code's bits most significant first
// into a least-significant-first bit stream, so a table index is the code
// reversed. Codes longer than a table's primary width go through a
// subtable, reached from the primary entry of their first bits.
//
// An entry is a uint32:
//
//	bits 0-3    the code's length, the bits to consume (for a subtable
//	            pointer: the subtable's width in bits 8-11 instead)
//	bits 4-7    flags: entLiteral, entSub, entEnd, entInvalid
//	bits 8-11   the number of extra bits that follow the code
//	bits 16-31  the value: a literal byte, a length or distance base, or
//	            a subtable's offset
const (
	entLiteral = 0x80
	entSub     = 0x40
	entEnd     = 0x20
	entInvalid = 0x10

	litBits  = 10 // primary width of the literal/length table
	distBits = 8  // primary width of the distance table
	clBits   = 7  // the code-length code's lengths are at most 7

	maxCodeLen = 15

	// Table sizes: the primary table and the most subtable space any
	// valid code of that many symbols can need with codes of at most 15
	// bits (the bound zlib's enough program computes).
	litTableSize  = 1334
	distTableSize = 402
)

// Literal/length symbols 257..285: length base and extra bits.
var lengthBase = [29]uint16{3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258}
var lengthExtra = [29]uint8{0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0}

// Distance symbols 0..29: base and extra bits.
var distBase = [30]uint16{1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577}
var distExtra = [30]uint8{0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13}

// Kinds of table, which decide what each symbol's entry holds.
const (
	kindLit  = iota // literal/length: 0-255 literals, 256 end, 257-285 lengths
	kindDist        // distance: 0-29
	kindCL          // code-length code: the symbol itself
)

// entryFor is the entry of symbol sym, of code length n, in a table of
// the given kind. Symbols deflate does not define (286, 287 and the
// distances 30, 31, which the fixed codes include) decode as invalid.
func entryFor(kind int, sym, n int) uint32 {
	switch kind {
	case kindLit:
		switch {
		case sym < 256:
			return uint32(sym)<<16 | entLiteral | uint32(n)
		case sym == 256:
			return entEnd | uint32(n)
		case sym <= 285:
			i := sym - 257
			return uint32(lengthBase[i])<<16 | uint32(lengthExtra[i])<<8 | uint32(n)
		}
		return entInvalid | uint32(n)
	case kindDist:
		if sym < 30 {
			return uint32(distBase[sym])<<16 | uint32(distExtra[sym])<<8 | uint32(n)
		}
		return entInvalid | uint32(n)
	}
	return uint32(sym)<<16 | uint32(n)
}

// buildTable fills table from the code lengths of each symbol (0 for an
// unused symbol), with a primary table of 2^primary entries. It accepts
// what compress/flate accepts: a complete code, an empty one (whose every
// entry is invalid), or a single code of length 1 (whose other bit
// pattern is invalid); an over- or under-subscribed code is refused.
func buildTable(table []uint32, lengths []uint8, primary uint, kind int) bool {
	var count [maxCodeLen + 1]int
	maxLen := 0
	for _, n := range lengths {
		count[n]++
		if int(n) > maxLen {
			maxLen = int(n)
		}
	}
	count[0] = 0
	size := 1 << primary
	if maxLen == 0 {
		for i := range table[:size] {
			table[i] = entInvalid
		}
		return true
	}
	// Completeness, as compress/flate checks it.
	code := 0
	var next [maxCodeLen + 2]int
	for n := 1; n <= maxLen; n++ {
		code <<= 1
		next[n] = code
		code += count[n]
	}
	complete := code == 1<<maxLen
	if !complete && !(code == 1 && maxLen == 1) {
		return false
	}
	if !complete {
		for i := range table[:size] {
			table[i] = entInvalid
		}
	}

	// Symbols in canonical order: by length, then by value.
	var offs [maxCodeLen + 2]int
	for n := 1; n <= maxCodeLen; n++ {
		offs[n+1] = offs[n] + count[n]
	}
	var sorted [320]uint16
	for sym, n := range lengths {
		if n != 0 {
			sorted[offs[n]] = uint16(sym)
			offs[n]++
		}
	}
	nsym := offs[maxCodeLen+1]
	syms := sorted[:nsym]

	// Codes that fit the primary table fill every entry whose low bits
	// are the reversed code.
	k := 0
	for ; k < len(syms); k++ {
		sym := int(syms[k])
		n := int(lengths[sym])
		if n > int(primary) {
			break
		}
		c := next[n]
		next[n]++
		rev := int(bits.Reverse16(uint16(c)) >> (16 - n))
		e := entryFor(kind, sym, n)
		for i := rev; i < size; i += 1 << n {
			table[i] = e
		}
	}
	if k == len(syms) {
		return true
	}
	// Longer codes: the codes sharing their first primary bits are
	// consecutive in canonical order and share a subtable, as wide as
	// the longest of them needs.
	mask := size - 1
	sub := size // next free slot
	curPrefix := -1
	var subStart, subWidth int
	for ; k < len(syms); k++ {
		sym := int(syms[k])
		n := int(lengths[sym])
		c := next[n]
		next[n]++
		rev := int(bits.Reverse16(uint16(c)) >> (16 - n))
		if prefix := rev & mask; prefix != curPrefix {
			// Width: the fewest bits w such that the codes left from
			// length n on fill 2^w slots.
			w := n - int(primary)
			left := 1 << w
			for l := n; l < maxLen; l++ {
				left -= count[l]
				if left <= 0 {
					break
				}
				w++
				left <<= 1
			}
			if sub+(1<<w) > len(table) {
				return false
			}
			curPrefix, subStart, subWidth = prefix, sub, w
			table[prefix] = uint32(subStart)<<16 | uint32(w)<<8 | entSub
			for i := subStart; i < subStart+(1<<w); i++ {
				table[i] = entInvalid
			}
			sub += 1 << w
		}
		e := entryFor(kind, sym, n)
		for i := rev >> primary; i < 1<<subWidth; i += 1 << (n - int(primary)) {
			table[subStart+i] = e
		}
		// Codes of this length used up at this prefix are no longer
		// available to later prefixes' width computation.
		count[n]--
	}
	return true
}

// The fixed codes (RFC 1951, 3.2.6), built once.
var (
	fixedLitTable  [litTableSize]uint32
	fixedDistTable [distTableSize]uint32
)

func init() {
	var l [288]uint8
	for i := range l {
		switch {
		case i < 144:
			l[i] = 8
		case i < 256:
			l[i] = 9
		case i < 280:
			l[i] = 7
		default:
			l[i] = 8
		}
	}
	buildTable(fixedLitTable[:], l[:], litBits, kindLit)
	// The fixed distance code has 32 symbols of 5 bits; 30 and 31 are
	// invalid in data. With only 30 of 32 codes the code is incomplete,
	// so fill the table directly.
	for i := 0; i < 1<<distBits; i++ {
		fixedDistTable[i] = entInvalid
	}
	for sym := 0; sym < 32; sym++ {
		rev := int(bits.Reverse16(uint16(sym)) >> 11)
		e := entryFor(kindDist, sym, 5)
		for i := rev; i < 1<<distBits; i += 32 {
			fixedDistTable[i] = e
		}
	}
}
