package cfb

import (
	"encoding/binary"
	"fmt"
	"io"
)

// File is a compound file opened to read its streams by directory entry
// number. mscfb reads streams by name and path; a reader that walks the
// directory itself (an Authenticode digest hashes every entry, in an
// order of its own, with its metadata) needs them by entry, whatever
// names they carry, twice or not.
type File struct {
	Dir []DirEntry // as ReadDirectory returns it

	fr       *fatReader
	v3       bool
	miniFAT  []uint32 // read on first use
	mini     []uint32 // the mini stream's sectors, in order
	miniErr  error
	miniRead bool
}

// Open reads the header and directory of the compound file r holds
// (size bytes). Damage is an error wrapping ErrDamaged.
func Open(r io.ReaderAt, size int64) (*File, error) {
	fr, err := newFatReader(r, size)
	if err != nil {
		return nil, err
	}
	dir, err := fr.directory()
	if err != nil {
		return nil, err
	}
	return &File{Dir: dir, fr: fr, v3: binary.LittleEndian.Uint16(fr.hdr[26:]) == 3}, nil
}

// StreamSize is the size of stream entry i. Version 3 files keep only
// the low 32 bits ([MS-CFB] 2.6.3: readers ignore the high ones).
func (f *File) StreamSize(i uint32) int64 {
	n := f.Dir[i].Size
	if f.v3 {
		n &= 0xFFFFFFFF
	}
	if n > 1<<62 {
		n = 1 << 62
	}
	return int64(n)
}

// ReadStream copies the content of stream entry i to w. A chain that
// leaves the file, loops or ends before the stream's size is an error
// wrapping ErrDamaged; nothing is allocated beyond one sector.
func (f *File) ReadStream(w io.Writer, i uint32) error {
	if int64(i) >= int64(len(f.Dir)) || f.Dir[i].Type != typeStream {
		return fmt.Errorf("%w: entry %d is not a stream", ErrDamaged, i)
	}
	size := f.StreamSize(i)
	if size == 0 {
		return nil
	}
	if size < miniCutoff {
		return f.readMini(w, f.Dir[i].Start, size)
	}
	buf := make([]byte, f.fr.ss)
	s := f.Dir[i].Start
	for left, hops := size, int64(0); left > 0; hops++ {
		if hops >= f.fr.nSect {
			return fmt.Errorf("%w: stream %d's sector chain loops", ErrDamaged, i)
		}
		if err := f.fr.read(buf, s, "stream"); err != nil {
			return err
		}
		n := min(left, f.fr.ss)
		if _, err := w.Write(buf[:n]); err != nil {
			return err
		}
		left -= n
		if left == 0 {
			break
		}
		next, err := f.fr.next(s)
		if err != nil {
			return err
		}
		s = next
	}
	return nil
}

// readMini copies size bytes of the mini stream chain from mini sector s.
func (f *File) readMini(w io.Writer, s uint32, size int64) error {
	if err := f.loadMini(); err != nil {
		return err
	}
	buf := make([]byte, miniSectorSize)
	per := f.fr.ss / miniSectorSize
	for left, hops := size, 0; left > 0; hops++ {
		if hops > len(f.miniFAT) || int64(s) >= int64(len(f.miniFAT)) || int64(s)/per >= int64(len(f.mini)) {
			return fmt.Errorf("%w: mini sector %d is outside the mini stream or its chain loops", ErrDamaged, s)
		}
		off := (int64(f.mini[int64(s)/per])+1)*f.fr.ss + (int64(s)%per)*miniSectorSize
		if _, err := f.fr.r.ReadAt(buf, off); err != nil {
			return fmt.Errorf("%w: reading mini sector %d: %v", ErrDamaged, s, err)
		}
		n := min(left, miniSectorSize)
		if _, err := w.Write(buf[:n]); err != nil {
			return err
		}
		left -= n
		s = f.miniFAT[s]
	}
	return nil
}

// loadMini reads the mini allocation table and the mini stream's sector
// list, each bounded by the sectors the file holds.
func (f *File) loadMini() error {
	if f.miniRead {
		return f.miniErr
	}
	f.miniRead = true
	chain := func(s uint32, what string) ([]uint32, error) {
		var out []uint32
		for s != endOfChain {
			if int64(len(out)) >= f.fr.nSect || s > maxRegSect || int64(s) >= f.fr.nSect {
				return nil, fmt.Errorf("%w: the %s chain leaves the file or loops", ErrDamaged, what)
			}
			out = append(out, s)
			next, err := f.fr.next(s)
			if err != nil {
				return nil, err
			}
			s = next
		}
		return out, nil
	}
	sects, err := chain(binary.LittleEndian.Uint32(f.fr.hdr[60:]), "mini allocation table")
	if err != nil {
		f.miniErr = err
		return err
	}
	buf := make([]byte, f.fr.ss)
	for _, s := range sects {
		if err := f.fr.read(buf, s, "mini allocation table"); err != nil {
			f.miniErr = err
			return err
		}
		for k := int64(0); k < f.fr.ss; k += 4 {
			f.miniFAT = append(f.miniFAT, binary.LittleEndian.Uint32(buf[k:]))
		}
	}
	f.mini, f.miniErr = chain(f.Dir[0].Start, "mini stream")
	return f.miniErr
}
