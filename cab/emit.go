package cab

import (
	"bufio"
	"fmt"
	"io"
)

// writeAll lays out the cabinet or set and writes every part.
func (w *Writer) writeAll() error {
	parts, names := w.lay.parts, w.lay.names
	if names != nil {
		for i := range parts {
			if n := len(names(i)); n > maxNameLen {
				return w.fail(fmt.Errorf("%w: cabinet name %q is longer than %d bytes", ErrInvalidName, names(i), maxNameLen))
			}
		}
	}
	src := bufio.NewReaderSize(w.sp.reader(), 64<<10)
	for i := range parts {
		out := w.out
		var closer io.Closer
		if w.set != nil {
			name := names(i)
			wc, err := w.set.create(name)
			if err != nil {
				return w.fail(err)
			}
			out, closer = wc, wc
			w.parts = append(w.parts, name)
		}
		bw := bufio.NewWriterSize(out, 64<<10)
		err := w.writePart(bw, src, parts, i, names)
		if err == nil {
			err = bw.Flush()
		}
		if closer != nil {
			if cerr := closer.Close(); err == nil {
				err = cerr
			}
		}
		if err != nil {
			return w.fail(err)
		}
	}
	return nil
}

// writePart writes cabinet i of parts, taking its blocks' payloads in
// order from src.
func (w *Writer) writePart(bw *bufio.Writer, src io.Reader, parts []*partLayout, i int, names func(int) string) error {
	o := w.o
	p := parts[i]
	var prev, next string
	var flags uint16
	if i > 0 {
		prev = names(i - 1)
		flags |= FlagPrevCabinet
	}
	if i < len(parts)-1 {
		next = names(i + 1)
		flags |= FlagNextCabinet
	}
	reserve := o.headerReserve > 0 || o.folderReserve > 0 || o.dataReserve > 0
	hdrLen := int64(headerSize)
	if reserve {
		flags |= FlagReservePresent
		hdrLen += 4 + int64(o.headerReserve)
	}
	if flags&FlagPrevCabinet != 0 {
		hdrLen += int64(len(prev)) + 2
	}
	if flags&FlagNextCabinet != 0 {
		hdrLen += int64(len(next)) + 2
	}
	nfiles := p.fileHi - p.fileLo
	if len(p.folders) > maxCount || nfiles > maxCount {
		return fmt.Errorf("%w: %d folders and %d files in one cabinet (at most %d each)", ErrTooLarge, len(p.folders), nfiles, maxCount)
	}
	folderLen := int64(len(p.folders)) * (cfFolderSize + int64(o.folderReserve))
	var filesLen int64
	for k := p.fileLo; k < p.fileHi; k++ {
		filesLen += cfFileSize + int64(len(w.files[k].name)) + 1
	}
	dataOff := hdrLen + folderLen + filesLen
	segOff := make([]int64, len(p.folders))
	total := dataOff
	blockHdr := int64(cfDataSize + o.dataReserve)
	for k, pf := range p.folders {
		segOff[k] = total
		for _, pc := range pf.pieces {
			total += blockHdr + int64(pc.n)
		}
	}
	if total > maxCabinetSize {
		return fmt.Errorf("%w: cabinet of %d bytes (the format allows less than 4 GiB)", ErrTooLarge, total)
	}
	if w.set != nil && w.set.max > 0 && total > w.set.max {
		// The layout guarantees this; a failure here is a bug, reported
		// rather than written.
		return fmt.Errorf("cab: internal error: part %d is %d bytes, over the %d limit", i, total, w.set.max)
	}

	var b [cfFileSize]byte
	put := func(p []byte) { bw.Write(p) }
	zeros := func(n int) {
		for ; n > 0; n-- {
			bw.WriteByte(0)
		}
	}
	put([]byte("MSCF"))
	le.PutUint32(b[:4], 0)
	put(b[:4])
	le.PutUint32(b[:4], uint32(total))
	put(b[:4])
	le.PutUint32(b[:4], 0)
	put(b[:4])
	le.PutUint32(b[:4], uint32(hdrLen+folderLen))
	put(b[:4])
	le.PutUint32(b[:4], 0)
	put(b[:4])
	b[0], b[1] = 3, 1 // version 1.3
	le.PutUint16(b[2:], uint16(len(p.folders)))
	le.PutUint16(b[4:], uint16(nfiles))
	le.PutUint16(b[6:], flags)
	le.PutUint16(b[8:], o.setID)
	le.PutUint16(b[10:], uint16(i))
	put(b[:12])
	if reserve {
		le.PutUint16(b[:], uint16(o.headerReserve))
		b[2], b[3] = byte(o.folderReserve), byte(o.dataReserve)
		put(b[:4])
		zeros(o.headerReserve)
	}
	// Disk names are left empty: they label removable media, which
	// nothing asks for any more.
	if flags&FlagPrevCabinet != 0 {
		bw.WriteString(prev)
		zeros(2)
	}
	if flags&FlagNextCabinet != 0 {
		bw.WriteString(next)
		zeros(2)
	}
	for k, pf := range p.folders {
		le.PutUint32(b[:], uint32(segOff[k]))
		le.PutUint16(b[4:], uint16(len(pf.pieces)))
		le.PutUint16(b[6:], uint16(o.comp))
		put(b[:8])
		zeros(o.folderReserve)
	}
	for k := p.fileLo; k < p.fileHi; k++ {
		f := &w.files[k]
		ifold := uint16(f.folder - p.folders[0].folder)
		from, to := f.firstPart < i, f.lastP > i
		switch {
		case from && to:
			ifold = ifoldContinuedPrevAndNext
		case from:
			ifold = ifoldContinuedFromPrev
		case to:
			ifold = ifoldContinuedToNext
		}
		le.PutUint32(b[:], uint32(f.size))
		le.PutUint32(b[4:], uint32(f.offset))
		le.PutUint16(b[8:], ifold)
		le.PutUint16(b[10:], f.date)
		le.PutUint16(b[12:], f.time)
		le.PutUint16(b[14:], f.attribs)
		put(b[:16])
		put(f.name)
		zeros(1)
	}
	payload := make([]byte, maxBlockComp)
	for _, pf := range p.folders {
		for _, pc := range pf.pieces {
			data := payload[:pc.n]
			if _, err := io.ReadFull(src, data); err != nil {
				return fmt.Errorf("cab: reading spooled data: %w", err)
			}
			var hdr [cfDataSize]byte
			le.PutUint16(hdr[4:], uint16(pc.n))
			if pc.final {
				le.PutUint16(hdr[6:], uint16(w.blocks[pc.block].usize))
			}
			le.PutUint32(hdr[:], blockChecksum(hdr[:], data))
			put(hdr[:])
			zeros(o.dataReserve)
			put(data)
		}
	}
	return nil
}
