package cab

import "fmt"

// A cabinet's CFHEADER, CFFOLDER and CFFILE entries come before its data
// and count what it holds, so the cabinets of a set are laid out, from the
// blocks' compressed sizes, before any is written.
//
// The layout is made as the blocks are compressed, because it decides
// where files may go: once a folder has continued into a new cabinet, no
// new file starts in it (the next file starts a new folder), as makecab
// does. libmspack relies on this: it carries a continued folder's list of
// continuing files over a cabinet that the folder spans entirely, and
// refuses the next cabinet when a file that started in the middle one is
// continued instead.
//
// When a folder continues into the next cabinet, the block at the
// boundary is always split, as makecab does and [MS-CAB] provides for: the
// first piece, in the earlier cabinet, declares an uncompressed size of 0
// and the rest follows in the next cabinet with the real size. Cutting a
// folder exactly between two blocks would be valid per the specification
// but is not read by libmspack, which counts a continued folder's blocks
// as if its boundary block were always split. Each cabinet but the last
// is filled to exactly the maximum size.
//
// A file is listed in every cabinet holding a piece of a block with some
// of its bytes (a split block's bytes exist only once all its pieces are
// read): ifoldCONTINUED_TO_NEXT where it continues to the next cabinet,
// ifoldCONTINUED_FROM_PREV where it started in the previous one and
// ifoldCONTINUED_PREV_AND_NEXT for both, its offset always counted from
// the start of the whole folder. A folder that spans more than two
// cabinets lists in each the files that continued into the first (the
// files of the first split block), even those that have ended: libmspack
// compares the files continued on both sides of each boundary with those
// of the first boundary, and warns about every file missing.
//
// gcab (1.5) reads no continued file at all ("Invalid folder index").
// Nothing here stops a set from being read part by part by gcab when no
// file crosses a boundary, but the Writer does not aim for it.

// piece is the part of a block's payload stored in one cabinet.
type piece struct {
	block int
	off   int
	n     int
	final bool // the block's last piece, which declares its size
}

type partFolder struct {
	folder int
	pieces []piece
}

// partLayout is what one cabinet of the set holds.
type partLayout struct {
	folders        []partFolder
	fileLo, fileHi int // the files listed, by index in Writer.files
}

type layouter struct {
	w     *Writer
	max   int64 // 0: no limit
	parts []*partLayout
	cur   *partLayout
	used  int64 // bytes of the current part, its headers included
	names func(i int) string
}

func newLayouter(w *Writer, max int64, names func(int) string) (*layouter, error) {
	l := &layouter{w: w, max: max, names: names}
	return l, l.newPart()
}

// fixedSize is the size of part i's CFHEADER with its optional fields,
// reckoned as if every part had a next one.
func (l *layouter) fixedSize(i int) int64 {
	o := l.w.o
	n := int64(headerSize)
	if o.headerReserve > 0 || o.folderReserve > 0 || o.dataReserve > 0 {
		n += 4 + int64(o.headerReserve)
	}
	if l.names != nil {
		if i > 0 {
			n += int64(len(l.names(i-1))) + 2 // name and an empty disk name
		}
		n += int64(len(l.names(i+1))) + 2
	}
	return n
}

func (l *layouter) newPart() error {
	i := len(l.parts)
	if i >= maxCount {
		return fmt.Errorf("%w: more than %d cabinets in the set", ErrTooLarge, maxCount)
	}
	l.cur = &partLayout{}
	l.parts = append(l.parts, l.cur)
	l.used = l.fixedSize(i)
	if l.max > 0 && l.used >= l.max {
		return fmt.Errorf("%w: maximum cabinet size %d cannot hold a %d-byte header", ErrTooLarge, l.max, l.used)
	}
	return nil
}

func (l *layouter) entrySize(i int) int64 { return cfFileSize + int64(len(l.w.files[i].name)) + 1 }

func (l *layouter) blockHeader() int64 { return cfDataSize + int64(l.w.o.dataReserve) }

func (l *layouter) folderEntry() int64 { return cfFolderSize + int64(l.w.o.folderReserve) }

// newEntries is the size of the entries of files fa..fb-1 not yet listed
// in the current part.
func (l *layouter) newEntries(fa, fb int) int64 {
	var n int64
	for i := max(fa, l.cur.fileHi); i < fb; i++ {
		n += l.entrySize(i)
	}
	return n
}

// list adds files fa..fb-1 to the current part; the caller accounts for
// the size of their entries.
func (l *layouter) list(fa, fb int) {
	p := l.cur
	start := max(fa, p.fileHi)
	if start >= fb {
		return
	}
	if p.fileHi == p.fileLo {
		p.fileLo = start
	}
	p.fileHi = fb
	pi := len(l.parts) - 1
	for i := start; i < fb; i++ {
		f := &l.w.files[i]
		if f.firstPart < 0 {
			f.firstPart = pi
		}
		f.lastP = pi
	}
}

// inCurrent reports whether folder fi has data in the current part.
func (l *layouter) inCurrent(fi int) bool {
	n := len(l.cur.folders)
	return n > 0 && l.cur.folders[n-1].folder == fi
}

// admits reports whether files fa..fb-1 of the block being filled, the
// last just starting, can join folder fi: their entries and the start
// of the block must fit in the current part. A folder whose data is not
// yet in the current part admits any file: its block can still go to the
// next part whole.
func (l *layouter) admits(fi, fa, fb int) bool {
	if l.max == 0 || !l.inCurrent(fi) {
		return true
	}
	return l.used+l.newEntries(fa, fb)+l.blockHeader()+1 <= l.max
}

// listHere lists files fa..fb-1 of folder fi, which is in the current
// part, without data: empty files at the end of a folder whose last block
// was already placed. admits said they fit.
func (l *layouter) listHere(fa, fb int) {
	l.used += l.newEntries(fa, fb)
	l.list(fa, fb)
}

// placeEmptyFolder places folder fi, which has no blocks (its files
// fa..fb-1 are all empty).
func (l *layouter) placeEmptyFolder(fi, fa, fb int) error {
	for {
		need := l.used + l.folderEntry() + l.newEntries(fa, fb)
		if l.max == 0 || need <= l.max {
			l.cur.folders = append(l.cur.folders, partFolder{folder: fi})
			l.list(fa, fb)
			l.used = need
			return nil
		}
		if len(l.cur.folders) == 0 {
			return fmt.Errorf("%w: maximum cabinet size %d cannot hold the entries of %d files", ErrTooLarge, l.max, fb-fa)
		}
		if err := l.newPart(); err != nil {
			return err
		}
	}
}

// placeBlock places block b of folder fi, whose bytes belong to files
// fa..fb-1, splitting it across parts as needed, and reports whether it
// was split. Unless it is known to be the folder's last block, it leaves
// room for the next block to start in the same part (a block header and
// a byte): a folder may only continue into the next part inside a split
// block.
func (l *layouter) placeBlock(fi, b int, last bool, fa, fb int) (split bool, err error) {
	c := l.w.blocks[b].csize
	h := l.blockHeader()
	s := 0
	for {
		var needFolder int64
		here := l.inCurrent(fi)
		if !here {
			needFolder = l.folderEntry()
		}
		base := l.used + needFolder + l.newEntries(fa, fb) + h
		rem := c - s
		need := base + int64(rem)
		if !last {
			need += h + 1
		}
		room := int64(rem)
		if l.max > 0 && need > l.max {
			room = l.max - base
			if !here && s == 0 && room < 1 && len(l.cur.folders) > 0 {
				// Not a byte of the folder's first block fits: the
				// folder starts in the next part instead.
				if err := l.newPart(); err != nil {
					return split, err
				}
				continue
			}
			if room >= int64(rem) {
				room = int64(rem) - 1 // only the next block's start did not fit
			}
			if room < 1 {
				return split, fmt.Errorf("%w: maximum cabinet size %d is too small for the headers and file entries of one block", ErrTooLarge, l.max)
			}
		}
		if !here {
			l.cur.folders = append(l.cur.folders, partFolder{folder: fi})
		}
		pf := &l.cur.folders[len(l.cur.folders)-1]
		l.list(fa, fb)
		final := room == int64(rem)
		pf.pieces = append(pf.pieces, piece{block: b, off: s, n: int(room), final: final})
		l.used = base + room
		if final {
			return split, nil
		}
		split = true
		s += int(room)
		if err := l.newPart(); err != nil {
			return split, err
		}
	}
}
