package cab

import (
	"fmt"
	"io"
)

// folderStream decodes one folder's blocks in order. It holds the codec
// state (the window) and one block of output: memory is flat whatever the
// folder's size.
type folderStream struct {
	f   *Folder
	dec decompressor

	seg   int   // current segment
	blk   int   // next block within the segment
	pos   int64 // file offset of that block's header
	block int   // logical number of the next block, for messages

	in  []byte
	out []byte // output of the last block; out[used:] is undelivered
	// used indexes out; off is the folder offset of out[used].
	used int
	off  int64
	err  error
}

// decodedStream is a folder's output delivered in order: decoded on the
// spot (folderStream) or ahead by a pipeline (pipeStream).
type decodedStream interface {
	read(p []byte) (int, error)
	skipTo(off int64) error
	writeTo(w io.Writer, n int64) (int64, error)
	// failed is the error that ended the folder, if any.
	failed() error
	// pos is the folder offset of the next byte.
	offset() int64
	close()
}

func (s *folderStream) failed() error { return s.err }
func (s *folderStream) offset() int64 { return s.off }
func (s *folderStream) close()        {}

func (r *Reader) newStream(f *Folder) (*folderStream, error) {
	dec, err := newDecompressor(f.Compression)
	if err != nil {
		return nil, fmt.Errorf("folder %d: %w", f.Index, err)
	}
	s := &folderStream{f: f, dec: dec, out: make([]byte, 0, maxBlockUncomp)}
	if len(f.segs) > 0 {
		s.pos = f.segs[0].dataOff
	}
	return s, nil
}

// where names a block in messages: its folder and number and, for a set,
// the cabinet holding it.
func (s *folderStream) where(seg int) string {
	w := fmt.Sprintf("folder %d, block %d", s.f.Index, s.block)
	if seg > 0 || len(s.f.r.cabs) > 1 {
		w += " (in " + s.f.segs[seg].cab.name + ")"
	}
	return w
}

// readPart reads the CFDATA block at s.pos of the current segment,
// appending its payload to s.in, and returns its uncompressed size.
func (s *folderStream) readPart() (int, error) {
	sg := &s.f.segs[s.seg]
	c := sg.cab
	var hdr [cfDataSize]byte
	if err := readFull(c.ra, hdr[:], s.pos); err != nil {
		return 0, fmt.Errorf("%s: %w: truncated block header at offset %d", s.where(s.seg), ErrFormat, s.pos)
	}
	csum := le.Uint32(hdr[:])
	cbData := int(le.Uint16(hdr[4:]))
	cbUncomp := int(le.Uint16(hdr[6:]))
	if cbData > maxBlockComp {
		return 0, fmt.Errorf("%s: %w: %d bytes of compressed data exceed %d", s.where(s.seg), ErrFormat, cbData, maxBlockComp)
	}
	if cbUncomp > maxBlockUncomp {
		return 0, fmt.Errorf("%s: %w: %d bytes of uncompressed data exceed %d", s.where(s.seg), ErrFormat, cbUncomp, maxBlockUncomp)
	}
	start := s.pos + cfDataSize + int64(c.hdr.DataReserveSize)
	n := len(s.in)
	if cap(s.in)-n < cbData {
		grown := make([]byte, n, n+cbData+maxBlockComp)
		copy(grown, s.in)
		s.in = grown
	}
	s.in = s.in[:n+cbData]
	payload := s.in[n:]
	if err := readFull(c.ra, payload, start); err != nil {
		return 0, fmt.Errorf("%s: %w: truncated: %d bytes of data at offset %d", s.where(s.seg), ErrFormat, cbData, start)
	}
	if csum != 0 && !s.f.r.o.nocheck {
		if got := blockChecksum(hdr[:], payload); got != csum {
			return 0, fmt.Errorf("%s: %w (stored %08x, computed %08x)", s.where(s.seg), ErrChecksum, csum, got)
		}
	}
	s.pos = start + int64(cbData)
	s.blk++
	return cbUncomp, nil
}

// nextBlock decodes the next block into s.out.
func (s *folderStream) nextBlock() error {
	if s.err != nil {
		return s.err
	}
	s.err = s.decodeNext()
	return s.err
}

func (s *folderStream) decodeNext() error {
	// Skip exhausted segments.
	for s.seg < len(s.f.segs) && s.blk >= s.f.segs[s.seg].nBlocks {
		if s.seg+1 >= len(s.f.segs) {
			break
		}
		s.seg++
		s.blk = 0
		s.pos = s.f.segs[s.seg].dataOff
	}
	if s.seg >= len(s.f.segs) || s.blk >= s.f.segs[s.seg].nBlocks {
		if s.f.continues != "" {
			return fmt.Errorf("folder %d: %w: continues in %s", s.f.Index, ErrMissingPart, s.f.continues)
		}
		return fmt.Errorf("folder %d: %w: data ends after %d blocks", s.f.Index, ErrFormat, s.block)
	}
	first := s.seg
	s.in = s.in[:0]
	usize, err := s.readPart()
	if err != nil {
		return err
	}
	// A block split across two cabinets declares 0 bytes in its first
	// part; the next part holds the rest and the real size.
	for usize == 0 && s.blk == s.f.segs[s.seg].nBlocks {
		if s.seg+1 >= len(s.f.segs) {
			if s.f.continues != "" {
				return fmt.Errorf("%s: %w: block continues in %s", s.where(first), ErrMissingPart, s.f.continues)
			}
			break
		}
		s.seg++
		s.blk = 0
		s.pos = s.f.segs[s.seg].dataOff
		if usize, err = s.readPart(); err != nil {
			return err
		}
	}
	if usize == 0 {
		return fmt.Errorf("%s: %w: block has no uncompressed data", s.where(first), ErrFormat)
	}
	if len(s.in) > 2*maxBlockComp {
		return fmt.Errorf("%s: %w: split block too large", s.where(first), ErrFormat)
	}
	s.out = s.out[:usize]
	if err := s.dec.Decompress(s.out, s.in); err != nil {
		return fmt.Errorf("%s: %w", s.where(first), codecError{err})
	}
	s.f.r.decoded.Add(int64(usize))
	s.used = 0
	s.block++
	return nil
}

// read copies undelivered output into p, decoding a block when none is
// left.
func (s *folderStream) read(p []byte) (int, error) {
	if s.used == len(s.out) {
		if err := s.nextBlock(); err != nil {
			return 0, err
		}
	}
	n := copy(p, s.out[s.used:])
	s.used += n
	s.off += int64(n)
	return n, nil
}

// skipTo decodes and discards output up to folder offset off.
func (s *folderStream) skipTo(off int64) error {
	for s.off < off {
		if s.used == len(s.out) {
			if err := s.nextBlock(); err != nil {
				return err
			}
		}
		n := len(s.out) - s.used
		if int64(n) > off-s.off {
			n = int(off - s.off)
		}
		s.used += n
		s.off += int64(n)
	}
	return nil
}

// writeTo delivers the next n bytes of the folder to w, straight from the
// output buffer.
func (s *folderStream) writeTo(w io.Writer, n int64) (int64, error) {
	var done int64
	for done < n {
		if s.used == len(s.out) {
			if err := s.nextBlock(); err != nil {
				return done, err
			}
		}
		k := len(s.out) - s.used
		if int64(k) > n-done {
			k = int(n - done)
		}
		m, err := w.Write(s.out[s.used : s.used+k])
		s.used += m
		s.off += int64(m)
		done += int64(m)
		if err != nil {
			return done, err
		}
		if m < k {
			return done, io.ErrShortWrite
		}
	}
	return done, nil
}
