package cab

import (
	"bufio"
	"fmt"
	"io"
	"slices"
)

// blockReader reads a folder's CFDATA blocks in order, in one sequential
// pass over each cabinet of the set (large reads, so a cabinet that is
// itself a stream in a package is read once), checking each block's
// header and checksum. It joins a block split across two cabinets.
type blockReader struct {
	f     *Folder
	seg   int // current segment
	blk   int // next block within the segment
	block int // logical number of the next block
	br    *bufio.Reader
	pos   int64 // cabinet offset of the next byte br returns
}

// blockReadSize is the read size: large enough that reading costs few
// system calls, small enough to stay out of the way in memory.
const blockReadSize = 256 << 10

func newBlockReader(f *Folder) *blockReader {
	return &blockReader{f: f, seg: -1}
}

// where names a block as folderStream.where does.
func (b *blockReader) where(seg, block int) string {
	w := fmt.Sprintf("folder %d, block %d", b.f.Index, block)
	if seg > 0 || len(b.f.r.cabs) > 1 {
		w += " (in " + b.f.segs[seg].cab.name + ")"
	}
	return w
}

// startSegment positions the reader at the first block of segment i.
func (b *blockReader) startSegment(i int) {
	sg := &b.f.segs[i]
	c := sg.cab
	b.seg, b.blk, b.pos = i, 0, sg.dataOff
	r := io.NewSectionReader(c.ra, sg.dataOff, max(c.end-sg.dataOff, 0))
	if b.br == nil {
		b.br = bufio.NewReaderSize(r, blockReadSize)
	} else {
		b.br.Reset(r)
	}
}

// part reads the CFDATA block at the reader's position, appending its
// payload to dst; it returns the extended dst and the uncompressed size.
func (b *blockReader) part(dst []byte) ([]byte, int, error) {
	sg := &b.f.segs[b.seg]
	c := sg.cab
	var hdr [cfDataSize]byte
	if _, err := io.ReadFull(b.br, hdr[:]); err != nil {
		return dst, 0, fmt.Errorf("%s: %w: truncated block header at offset %d", b.where(b.seg, b.block), ErrFormat, b.pos)
	}
	csum := le.Uint32(hdr[:])
	cbData := int(le.Uint16(hdr[4:]))
	cbUncomp := int(le.Uint16(hdr[6:]))
	if cbData > maxBlockComp {
		return dst, 0, fmt.Errorf("%s: %w: %d bytes of compressed data exceed %d", b.where(b.seg, b.block), ErrFormat, cbData, maxBlockComp)
	}
	if cbUncomp > maxBlockUncomp {
		return dst, 0, fmt.Errorf("%s: %w: %d bytes of uncompressed data exceed %d", b.where(b.seg, b.block), ErrFormat, cbUncomp, maxBlockUncomp)
	}
	reserve := int64(c.hdr.DataReserveSize)
	start := b.pos + cfDataSize + reserve
	if _, err := b.br.Discard(int(reserve)); err != nil {
		return dst, 0, fmt.Errorf("%s: %w: truncated: %d bytes of data at offset %d", b.where(b.seg, b.block), ErrFormat, cbData, start)
	}
	n := len(dst)
	if cap(dst)-n < cbData {
		// Grow at once to the most a chunk can need.
		dst = slices.Grow(dst, max(cbData, cap(dst)))
	}
	dst = dst[:n+cbData]
	payload := dst[n:]
	if _, err := io.ReadFull(b.br, payload); err != nil {
		return dst, 0, fmt.Errorf("%s: %w: truncated: %d bytes of data at offset %d", b.where(b.seg, b.block), ErrFormat, cbData, start)
	}
	if csum != 0 && !b.f.r.o.nocheck {
		if got := blockChecksum(hdr[:], payload); got != csum {
			return dst, 0, fmt.Errorf("%s: %w (stored %08x, computed %08x)", b.where(b.seg, b.block), ErrChecksum, csum, got)
		}
	}
	b.pos = start + int64(cbData)
	b.blk++
	return dst, cbUncomp, nil
}

// next appends the next block's payload to dst and returns the extended
// slice, the block's uncompressed size, and the segment it starts in.
func (b *blockReader) next(dst []byte) ([]byte, int, int, error) {
	f := b.f
	if b.seg < 0 {
		if len(f.segs) == 0 {
			return dst, 0, 0, b.exhausted()
		}
		b.startSegment(0)
	}
	for b.blk >= f.segs[b.seg].nBlocks {
		if b.seg+1 >= len(f.segs) {
			return dst, 0, b.seg, b.exhausted()
		}
		b.startSegment(b.seg + 1)
	}
	first := b.seg
	start := len(dst)
	dst, usize, err := b.part(dst)
	if err != nil {
		return dst, 0, first, err
	}
	// A block split across two cabinets declares 0 bytes in its first
	// part; the next part holds the rest and the real size.
	for usize == 0 && b.blk == f.segs[b.seg].nBlocks {
		if b.seg+1 >= len(f.segs) {
			if f.continues != "" {
				return dst, 0, first, fmt.Errorf("%s: %w: block continues in %s", b.where(first, b.block), ErrMissingPart, f.continues)
			}
			break
		}
		b.startSegment(b.seg + 1)
		if dst, usize, err = b.part(dst); err != nil {
			return dst, 0, first, err
		}
	}
	if usize == 0 {
		return dst, 0, first, fmt.Errorf("%s: %w: block has no uncompressed data", b.where(first, b.block), ErrFormat)
	}
	if len(dst)-start > 2*maxBlockComp {
		return dst, 0, first, fmt.Errorf("%s: %w: split block too large", b.where(first, b.block), ErrFormat)
	}
	b.block++
	return dst, usize, first, nil
}

// exhausted is the error of reading past a folder's last block.
func (b *blockReader) exhausted() error {
	if b.f.continues != "" {
		return fmt.Errorf("folder %d: %w: continues in %s", b.f.Index, ErrMissingPart, b.f.continues)
	}
	return fmt.Errorf("folder %d: %w: data ends after %d blocks", b.f.Index, ErrFormat, b.block)
}
