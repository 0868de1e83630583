package cfb

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"unicode/utf16"
)

var signature = [8]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}

// WriteTo writes the compound file to w in one sequential pass and returns
// the number of bytes written. Stream sources are read in directory order
// ([MS-CFB] order, storage by storage, breadth-first), not in the order
// they were added. A source that gives fewer or more bytes than declared
// fails the write with ErrStreamSize, after part of the file is written.
func (b *Builder) WriteTo(w io.Writer) (int64, error) {
	l, err := b.layout()
	if err != nil {
		return 0, err
	}
	cw := &countWriter{w: w}
	bw := bufio.NewWriterSize(cw, 64<<10)
	if err := l.write(bw, b.version); err != nil {
		bw.Flush()
		return cw.n, err
	}
	err = bw.Flush()
	return cw.n, err
}

type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

func (l *layout) write(w *bufio.Writer, version int) error {
	if _, err := w.Write(l.header(version)); err != nil {
		return err
	}
	if err := l.writeDIFAT(w); err != nil {
		return err
	}
	if err := l.writeFAT(w); err != nil {
		return err
	}
	if err := l.writeMiniFAT(w); err != nil {
		return err
	}
	if err := l.writeDirectory(w); err != nil {
		return err
	}
	if err := l.writeMiniStream(w); err != nil {
		return err
	}
	for _, i := range l.big {
		if err := l.copyStream(w, i, l.ss); err != nil {
			return err
		}
	}
	return nil
}

// header is the file header ([MS-CFB] 2.2), padded to a full sector.
func (l *layout) header(version int) []byte {
	h := make([]byte, l.ss)
	le := binary.LittleEndian
	copy(h, signature[:])
	le.PutUint16(h[24:], 0x003E)
	le.PutUint16(h[26:], uint16(version))
	le.PutUint16(h[28:], 0xFFFE)
	shift := uint16(9)
	if version == 4 {
		shift = 12
		// Version 3 leaves the directory sector count zero.
		le.PutUint32(h[40:], uint32(l.nDir))
	}
	le.PutUint16(h[30:], shift)
	le.PutUint16(h[32:], 6)
	le.PutUint32(h[44:], uint32(l.nFAT))
	le.PutUint32(h[48:], uint32(l.firstDir))
	le.PutUint32(h[56:], miniCutoff)
	le.PutUint32(h[60:], sectorOrEnd(l.firstMiniFAT, l.nMiniFAT))
	le.PutUint32(h[64:], uint32(l.nMiniFAT))
	le.PutUint32(h[68:], sectorOrEnd(l.firstDIFAT, l.nDIFAT))
	le.PutUint32(h[72:], uint32(l.nDIFAT))
	for i := int64(0); i < headerDIFAT; i++ {
		v := uint32(freeSect)
		if i < l.nFAT {
			v = uint32(l.firstFAT + i)
		}
		le.PutUint32(h[76+4*i:], v)
	}
	return h
}

func sectorOrEnd(first, n int64) uint32 {
	if n == 0 {
		return endOfChain
	}
	return uint32(first)
}

// writeDIFAT writes the FAT sector numbers the header has no room for,
// each DIFAT sector ending with the number of the next.
func (l *layout) writeDIFAT(w *bufio.Writer) error {
	per := l.ss/4 - 1
	buf := make([]byte, l.ss)
	fat := int64(headerDIFAT)
	for k := int64(0); k < l.nDIFAT; k++ {
		for j := int64(0); j < per; j++ {
			v := uint32(freeSect)
			if fat < l.nFAT {
				v = uint32(l.firstFAT + fat)
			}
			fat++
			binary.LittleEndian.PutUint32(buf[4*j:], v)
		}
		next := uint32(endOfChain)
		if k+1 < l.nDIFAT {
			next = uint32(l.firstDIFAT + k + 1)
		}
		binary.LittleEndian.PutUint32(buf[4*per:], next)
		if _, err := w.Write(buf); err != nil {
			return err
		}
	}
	return nil
}

// writeFAT generates the FAT sector by sector from the extents, so that
// it is never held whole in memory.
func (l *layout) writeFAT(w *bufio.Writer) error {
	buf := make([]byte, l.ss)
	per := l.ss / 4
	x := 0 // current extent
	for k := int64(0); k < l.nFAT; k++ {
		for j := int64(0); j < per; j++ {
			s := k*per + j
			for x < len(l.extents) && s >= l.extents[x].start+l.extents[x].n {
				x++
			}
			v := uint32(freeSect)
			if x < len(l.extents) {
				switch e := l.extents[x]; {
				case e.mark != 0:
					v = e.mark
				case s+1 < e.start+e.n:
					v = uint32(s + 1)
				default:
					v = endOfChain
				}
			}
			binary.LittleEndian.PutUint32(buf[4*j:], v)
		}
		if _, err := w.Write(buf); err != nil {
			return err
		}
	}
	return nil
}

func (l *layout) writeMiniFAT(w *bufio.Writer) error {
	buf := make([]byte, l.nMiniFAT*l.ss)
	for i := range buf {
		buf[i] = 0xFF // FREESECT
	}
	for i, v := range l.miniFAT {
		binary.LittleEndian.PutUint32(buf[4*i:], v)
	}
	_, err := w.Write(buf)
	return err
}

func (l *layout) writeDirectory(w *bufio.Writer) error {
	buf := make([]byte, entrySize)
	for i := range l.dir {
		l.encodeEntry(buf, i)
		if _, err := w.Write(buf); err != nil {
			return err
		}
	}
	// Unused entries: no name, no type, no links ([MS-CFB] 2.6.3).
	clear(buf)
	binary.LittleEndian.PutUint32(buf[68:], noStream)
	binary.LittleEndian.PutUint32(buf[72:], noStream)
	binary.LittleEndian.PutUint32(buf[76:], noStream)
	for i := int64(len(l.dir)); i < l.nDir*l.ss/entrySize; i++ {
		if _, err := w.Write(buf); err != nil {
			return err
		}
	}
	return nil
}

// Object types of directory entries.
const (
	typeStorage = 1
	typeStream  = 2
	typeRoot    = 5
)

func (l *layout) encodeEntry(buf []byte, i int) {
	clear(buf)
	le := binary.LittleEndian
	d := &l.dir[i]
	var units []uint16
	typ := byte(typeRoot)
	switch {
	case d.e == nil:
		units = utf16.Encode([]rune("Root Entry"))
	case d.e.dir != nil:
		units, typ = d.e.units, typeStorage
	default:
		units, typ = d.e.units, typeStream
	}
	for k, c := range units {
		le.PutUint16(buf[2*k:], c)
	}
	le.PutUint16(buf[64:], uint16(2*(len(units)+1)))
	buf[66] = typ
	buf[67] = d.colour
	le.PutUint32(buf[68:], d.left)
	le.PutUint32(buf[72:], d.right)
	le.PutUint32(buf[76:], d.child)
	if s := d.s; s != nil {
		copy(buf[80:96], s.clsid[:])
		le.PutUint32(buf[96:], s.state)
		if d.e != nil {
			le.PutUint64(buf[100:], s.created)
		}
		le.PutUint64(buf[108:], s.modified)
	}
	if typ != typeStorage {
		le.PutUint32(buf[116:], d.start)
		le.PutUint64(buf[120:], uint64(d.size))
	}
}

func (l *layout) writeMiniStream(w *bufio.Writer) error {
	for _, i := range l.mini {
		if err := l.copyStream(w, i, miniSectorSize); err != nil {
			return err
		}
	}
	return pad(w, l.nMini*l.ss-l.miniSize)
}

// copyStream copies stream i from its source and pads it to a whole unit
// (a sector or a mini sector).
func (l *layout) copyStream(w *bufio.Writer, i int, unit int64) error {
	d := &l.dir[i]
	r, err := d.e.source()
	if err != nil {
		return fmt.Errorf("cfb: stream %s: %w", l.path(i), err)
	}
	n, err := io.CopyN(w, r, d.size)
	if err == nil {
		// One byte more than declared means the caller's size is wrong,
		// and the file would silently lose data.
		var one [1]byte
		if m, _ := io.ReadFull(r, one[:]); m > 0 {
			err = fmt.Errorf("%w: more than %d bytes", ErrStreamSize, d.size)
		}
	} else if errors.Is(err, io.EOF) {
		err = fmt.Errorf("%w: %d bytes, declared %d", ErrStreamSize, n, d.size)
	}
	if cerr := r.Close(); err == nil && cerr != nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("cfb: stream %s: %w", l.path(i), err)
	}
	return pad(w, ceilDiv(d.size, unit)*unit-d.size)
}

var zeros [4096]byte

func pad(w *bufio.Writer, n int64) error {
	for n > 0 {
		k := min(n, int64(len(zeros)))
		if _, err := w.Write(zeros[:k]); err != nil {
			return err
		}
		n -= k
	}
	return nil
}
