package cfb

import (
	"fmt"
)

// Special sector and stream numbers ([MS-CFB] 2.1).
const (
	maxRegSect = 0xFFFFFFFA // the last number that names a sector
	difSect    = 0xFFFFFFFC
	fatSect    = 0xFFFFFFFD
	endOfChain = 0xFFFFFFFE
	freeSect   = 0xFFFFFFFF
	noStream   = 0xFFFFFFFF
)

const (
	miniCutoff     = 4096 // streams shorter than this live in the mini stream
	miniSectorSize = 64
	entrySize      = 128
	headerDIFAT    = 109        // FAT sector numbers the header holds
	maxV3Stream    = 0x80000000 // [MS-CFB] 2.6.3: version 3 stream size limit
)

// dirEntry is one directory entry as it will be written.
type dirEntry struct {
	e      *entry   // nil for the root
	s      *Storage // the storage, for the root and sub-storages
	left   uint32
	right  uint32
	child  uint32
	colour byte
	start  uint32 // first sector (or mini sector)
	size   int64
}

func (d *dirEntry) isStream() bool { return d.e != nil && d.e.dir == nil }

// extent is a run of consecutive sectors: a chain (each sector pointing
// to the next, the last to ENDOFCHAIN) or, with mark set, sectors marked
// in the FAT as DIFAT or FAT sectors.
type extent struct {
	start, n int64
	mark     uint32
}

// layout is where everything goes, computed from names and sizes alone
// before a byte is written.
type layout struct {
	ss       int64 // sector size
	dir      []dirEntry
	miniFAT  []uint32
	mini     []int // directory indices of the streams in the mini stream
	big      []int // directory indices of the streams in regular sectors
	miniSize int64 // the mini stream's length: its mini sectors × 64

	nDIFAT, nFAT, nMiniFAT, nDir, nMini int64
	firstDIFAT, firstFAT                int64
	firstMiniFAT, firstDir, firstMini   int64
	extents                             []extent
	total                               int64 // sectors after the header
}

func (b *Builder) layout() (*layout, error) {
	l := &layout{ss: 512}
	if b.version == 4 {
		l.ss = 4096
	}
	l.flatten(b.root)
	if int64(len(l.dir)) > maxRegSect {
		return nil, fmt.Errorf("cfb: %w: %d directory entries", ErrTooLarge, len(l.dir))
	}

	var bigSectors int64
	for i := range l.dir {
		d := &l.dir[i]
		if !d.isStream() {
			continue
		}
		d.size = d.e.size
		switch {
		case d.size > maxV3Stream && b.version == 3:
			return nil, fmt.Errorf("cfb: stream %s: %w: %d bytes is over the 2 GiB a version 3 file allows (use version 4)", l.path(i), ErrTooLarge, d.size)
		case d.size == 0:
			d.start = endOfChain
		case d.size < miniCutoff:
			d.start = uint32(len(l.miniFAT))
			l.miniFAT = appendChain(l.miniFAT, ceilDiv(d.size, miniSectorSize))
			l.mini = append(l.mini, i)
		default:
			bigSectors += ceilDiv(d.size, l.ss)
			l.big = append(l.big, i)
		}
	}
	l.miniSize = int64(len(l.miniFAT)) * miniSectorSize
	if b.version == 3 && l.miniSize > maxV3Stream {
		return nil, fmt.Errorf("cfb: %w: the small streams add up to %d bytes, over the 2 GiB a version 3 mini stream allows", ErrTooLarge, l.miniSize)
	}

	l.nDir = ceilDiv(int64(len(l.dir))*entrySize, l.ss)
	l.nMiniFAT = ceilDiv(int64(len(l.miniFAT))*4, l.ss)
	l.nMini = ceilDiv(l.miniSize, l.ss)
	data := l.nDir + l.nMiniFAT + l.nMini + bigSectors
	// The FAT maps every sector, itself and the DIFAT included, so grow
	// both until they cover what they map; each round only adds sectors,
	// so this settles within a few rounds.
	perFAT := l.ss / 4
	for {
		total := data + l.nFAT + l.nDIFAT
		nFAT := ceilDiv(total, perFAT)
		var nDIFAT int64
		if nFAT > headerDIFAT {
			nDIFAT = ceilDiv(nFAT-headerDIFAT, perFAT-1)
		}
		if nFAT == l.nFAT && nDIFAT == l.nDIFAT {
			l.total = total
			break
		}
		l.nFAT, l.nDIFAT = nFAT, nDIFAT
	}
	if l.total-1 > maxRegSect {
		return nil, fmt.Errorf("cfb: %w: %d sectors", ErrTooLarge, l.total)
	}

	var next int64
	place := func(n int64, mark uint32) int64 {
		start := next
		if n > 0 {
			l.extents = append(l.extents, extent{start: start, n: n, mark: mark})
		}
		next += n
		return start
	}
	l.firstDIFAT = place(l.nDIFAT, difSect)
	l.firstFAT = place(l.nFAT, fatSect)
	l.firstMiniFAT = place(l.nMiniFAT, 0)
	l.firstDir = place(l.nDir, 0)
	l.firstMini = place(l.nMini, 0)
	for _, i := range l.big {
		l.dir[i].start = uint32(place(ceilDiv(l.dir[i].size, l.ss), 0))
	}
	root := &l.dir[0]
	root.start, root.size = endOfChain, l.miniSize
	if l.nMini > 0 {
		root.start = uint32(l.firstMini)
	}
	return l, nil
}

// flatten numbers the entries breadth-first, each storage's children
// together in [MS-CFB] order, and links each set of siblings as a
// red-black tree under its parent.
func (l *layout) flatten(root *Storage) {
	l.dir = []dirEntry{{s: root, left: noStream, right: noStream, child: noStream, colour: black}}
	for i := 0; i < len(l.dir); i++ {
		s := l.dir[i].s
		if s == nil {
			continue
		}
		kids := s.sorted()
		t := buildSiblingTree(len(kids))
		base := len(l.dir)
		id := func(p int) uint32 {
			if p < 0 {
				return noStream
			}
			return uint32(base + p)
		}
		for j, e := range kids {
			l.dir = append(l.dir, dirEntry{
				e: e, s: e.dir, colour: t.colour[j],
				left: id(t.left[j]), right: id(t.right[j]), child: noStream,
			})
		}
		l.dir[i].child = id(t.root)
	}
}

// path names directory entry i for messages.
func (l *layout) path(i int) string {
	d := &l.dir[i]
	if d.e == nil {
		return "Root Entry"
	}
	for j := range l.dir {
		if p := &l.dir[j]; p.s != nil && p.s.children[foldKey(d.e.units)] == d.e {
			return joinPath(p.s.path, d.e.name)
		}
	}
	return d.e.name
}

// appendChain appends a chain of n sectors, numbered on from len(fat).
func appendChain(fat []uint32, n int64) []uint32 {
	start := int64(len(fat))
	for k := start; k < start+n-1; k++ {
		fat = append(fat, uint32(k+1))
	}
	return append(fat, endOfChain)
}

func ceilDiv(a, b int64) int64 { return (a + b - 1) / b }

// Size returns the number of bytes WriteTo will write.
func (b *Builder) Size() (int64, error) {
	l, err := b.layout()
	if err != nil {
		return 0, err
	}
	return l.headerSize() + l.total*l.ss, nil
}

// headerSize is the header's share of the file: one sector, of which
// [MS-CFB] uses the first 512 bytes.
func (l *layout) headerSize() int64 { return l.ss }
