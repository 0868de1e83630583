package lzx

import "fmt"

// Primary table widths: wide enough that nearly every code resolves in one
// lookup, small enough that rebuilding them for each block is cheap.
const (
	mainTableBits    = 12
	lengthTableBits  = 10
	pretreeTableBits = 6
	alignedTableBits = 7 // aligned codes are at most 7 bits: never a sub-table
)

// readLengths reads the code lengths of lens[first:last], coded as deltas
// from their previous values with a pretree that precedes them ([MS-PATCH]
// 2.2.2). Runs may spill past last; lens has lengthSlack entries of room for
// that, and the spill stays there as the next range's starting values.
func (d *Decoder) readLengths(lens []uint8, first, last int, what string) error {
	br := &d.br
	var pl [numPretreeSymbols]uint8
	for i := range pl {
		pl[i] = uint8(br.readBits(4))
	}
	if err := d.pretree.build(pl[:], pretreeTableBits); err != nil {
		return corrupt("%s pretree: %v", what, err)
	}
	for x := first; x < last; {
		sym := br.decode(&d.pretree)
		switch {
		case sym <= 16:
			lens[x] = (lens[x] + 17 - uint8(sym)) % 17
			x++
		case sym == 17: // a short run of zeros
			n := 4 + int(br.readBits(4))
			clear(lens[x : x+n])
			x += n
		case sym == 18: // a long run of zeros
			n := 20 + int(br.readBits(5))
			clear(lens[x : x+n])
			x += n
		default: // 19: a short run of one delta-coded value
			n := 4 + int(br.readBits(1))
			v := br.decode(&d.pretree)
			if v > 16 {
				return corrupt("%s lengths: run value symbol %d", what, v)
			}
			l := (lens[x] + 17 - uint8(v)) % 17
			for i := range n {
				lens[x+i] = l
			}
			x += n
		}
	}
	if br.overrun() {
		return corrupt("%s lengths: input overrun", what)
	}
	return nil
}

// readTrees reads the trees of a verbatim or aligned-offset block.
func (d *Decoder) readTrees(aligned bool) error {
	br := &d.br
	if aligned {
		var al [numAlignedSymbols]uint8
		for i := range al {
			al[i] = uint8(br.readBits(3))
		}
		if err := d.alignedTree.build(al[:], alignedTableBits); err != nil {
			return corrupt("aligned offset tree: %v", err)
		}
	}
	if err := d.readLengths(d.mainLens[:], 0, numChars, "main tree literal"); err != nil {
		return err
	}
	if err := d.readLengths(d.mainLens[:], numChars, d.mainSyms, "main tree match"); err != nil {
		return err
	}
	// The reference decoders refuse a main tree without codes: every
	// block needs at least one symbol from it.
	if err := d.mainTree.build(d.mainLens[:d.mainSyms], mainTableBits); err != nil {
		return corrupt("main tree: %v", err)
	}
	if err := d.readLengths(d.lengthLens[:], 0, numLengthSymbols, "length tree"); err != nil {
		return err
	}
	// A block whose matches are all shorter than 9 bytes may send an empty
	// length tree; it is an error only if a long match then needs it.
	if err := d.lengthTree.build(d.lengthLens[:numLengthSymbols], lengthTableBits); err != nil && err != errEmptyTree {
		return corrupt("length tree: %v", err)
	}
	return nil
}

func corrupt(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrCorrupt}, args...)...)
}
