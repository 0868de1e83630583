package lzx

// Sizes fixed by the LZX format ([MS-PATCH] 2.2 and 2.3).
const (
	frameSize = 32768 // output bytes per frame; the bitstream realigns after each

	numChars          = 256 // literal symbols at the start of the main tree
	numPrimaryLengths = 7   // length headers 0..6 need no length-tree symbol
	numLengthSymbols  = 249 // length tree size: lengths 9..257
	numPretreeSymbols = 20
	numAlignedSymbols = 8
	minMatch          = 2

	maxCodeLen = 16 // no Huffman code in LZX is longer

	// Runs in the pretree-coded length lists may spill past the end of the
	// range they describe (at most 20+31 entries). The spill is kept, as
	// the reference decoders keep it, so it sits in this slack.
	lengthSlack = 64

	minWindowBits = 15
	maxWindowBits = 21 // the largest window a cabinet can name

	// LZX DELTA windows go up to 32 MiB ([MS-PATCH] 2.2.1).
	minDeltaWindowBits = 17
	maxDeltaWindowBits = 25

	maxSlots = 290 // position slots of the 32 MiB window

	blockVerbatim     = 1
	blockAligned      = 2
	blockUncompressed = 3

	// E8 translation stops for frames that start at 1 GiB or later.
	e8Limit = 1 << 30
)

// positionSlots is the number of position slots of each window size, indexed
// by windowBits-minWindowBits. Below 2^20 every slot doubles the range; the
// larger windows add slots of 2^17 bytes each.
var positionSlots = [...]int{30, 32, 34, 36, 38, 42, 50, 66, 98, 162, 290}

// extraBits and positionBase describe each position slot: a formatted offset
// in slot s is positionBase[s] plus extraBits[s] further bits.
var (
	extraBits    [maxSlots]uint8
	positionBase [maxSlots]uint32
)

func init() {
	var base uint32
	for s := range maxSlots {
		e := 0
		if s >= 4 {
			e = min(s/2-1, 17)
		}
		extraBits[s] = uint8(e)
		positionBase[s] = base
		base += 1 << e
	}
}
