package cab

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// maxParts bounds the length of a spanned set, so that a loop of
// cabinets naming each other cannot run forever.
const maxParts = 1024

// init joins the folders and files of cabs, which are consecutive
// cabinets of one set, into r.
func (r *Reader) init(cabs []*cabinet, o *options) error {
	r.o = o
	r.cabs = cabs
	r.Header = cabs[0].hdr
	r.name = cabs[0].name
	for _, c := range cabs {
		r.Parts = append(r.Parts, c.hdr)
	}
	for i, c := range cabs {
		// A folder continues from the previous cabinet when a file says
		// so on either side of the boundary.
		merge := false
		if i > 0 {
			merge = hasFile(c, ifoldContinuedFromPrev, ifoldContinuedPrevAndNext) ||
				hasFile(cabs[i-1], ifoldContinuedToNext, ifoldContinuedPrevAndNext)
		}
		base := len(r.Folders)
		for j, rf := range c.folders {
			seg := segment{cab: c, dataOff: rf.dataOff, nBlocks: rf.nBlocks}
			if j == 0 && merge && len(r.Folders) > 0 {
				last := r.Folders[len(r.Folders)-1]
				if last.Compression != rf.comp {
					return fmt.Errorf("%w: %s: folder continued from %s changes compression from %s to %s",
						ErrFormat, c.name, cabs[i-1].name, last.Compression, rf.comp)
				}
				last.segs = append(last.segs, seg)
				last.NumBlocks += rf.nBlocks
				if lastSegSplit(last) {
					last.NumBlocks-- // one block in two parts
				}
				base--
				continue
			}
			r.Folders = append(r.Folders, &Folder{
				Index: len(r.Folders), Compression: rf.comp, NumBlocks: rf.nBlocks,
				Reserve: rf.reserve, r: r, segs: []segment{seg},
			})
		}
		lastFolder := base + len(c.folders) - 1
		for _, rf := range c.files {
			f := &File{
				Name:       o.decodeName(rf.rawName, rf.attribs&AttrNameIsUTF != 0),
				Size:       int64(rf.size),
				DOSDate:    rf.date,
				DOSTime:    rf.time,
				Modified:   dosTime(rf.date, rf.time),
				Attributes: rf.attribs,
				Offset:     int64(rf.offset),
				r:          r,
			}
			switch rf.ifold {
			case ifoldContinuedFromPrev, ifoldContinuedPrevAndNext:
				if i > 0 {
					continue // listed already by the cabinet where it starts
				}
				f.Folder = 0
				if c.hdr.Flags&FlagPrevCabinet != 0 {
					f.missing = fmt.Errorf("%w: %s: starts in %s", ErrMissingPart, f.Name, c.hdr.PrevCabinet)
				} else {
					f.missing = fmt.Errorf("%w: %s: continued from a previous cabinet, but the header names none", ErrFormat, f.Name)
				}
			case ifoldContinuedToNext:
				f.Folder = lastFolder
			default:
				f.Folder = base + int(rf.ifold)
			}
			r.File = append(r.File, f)
		}
	}
	for _, f := range r.File {
		if strings.Contains(f.Name, "/") {
			r.slashNames = true
			break
		}
	}
	last := cabs[len(cabs)-1]
	if last.hdr.Flags&FlagNextCabinet != 0 && len(r.Folders) > 0 {
		r.Folders[len(r.Folders)-1].continues = last.hdr.NextCabinet
	}
	return nil
}

func hasFile(c *cabinet, ifolds ...uint16) bool {
	for _, f := range c.files {
		for _, v := range ifolds {
			if f.ifold == v {
				return true
			}
		}
	}
	return false
}

// lastSegSplit reports whether the block at the boundary of the folder's
// last two parts is split across them: such a block is stored with an
// uncompressed size of 0 in the earlier part. It is decided when the
// blocks are read; for counting, libmspack's convention is followed and
// a boundary block is assumed split when the earlier part's last block
// says 0.
func lastSegSplit(f *Folder) bool {
	if len(f.segs) < 2 {
		return false
	}
	s := f.segs[len(f.segs)-2]
	if s.nBlocks == 0 {
		return false
	}
	// Walk to the last block header of s. The headers were not read at
	// open, so read them now: this is bounded by the part's block count.
	pos := s.dataOff
	res := int64(s.cab.hdr.DataReserveSize)
	var hdr [cfDataSize]byte
	for i := 0; i < s.nBlocks; i++ {
		if readFull(s.cab.ra, hdr[:], pos) != nil {
			return false
		}
		if i == s.nBlocks-1 {
			return le.Uint16(hdr[6:]) == 0
		}
		pos += cfDataSize + res + int64(le.Uint16(hdr[4:]))
	}
	return false
}

// OpenSet opens the cabinet at path together with every cabinet of its
// spanned set: the previous and next cabinets named in the headers are
// looked up in the same directory, ignoring case, as cabextract does, so
// opening any part reads the whole set. A part that cannot be found is an
// error wrapping ErrMissingPart and naming it.
func OpenSet(path string, opts ...Option) (*ReadCloser, error) {
	o := buildOptions(opts)
	rc := &ReadCloser{}
	fail := func(err error) (*ReadCloser, error) {
		rc.Close()
		return nil, err
	}
	first, err := openPart(path, o, rc, true)
	if err != nil {
		return fail(err)
	}
	cabs := []*cabinet{first}
	seen := map[string]bool{filepath.Clean(path): true}
	dir := filepath.Dir(path)
	for c := first; c.hdr.Flags&FlagPrevCabinet != 0; {
		p, err := findPart(dir, c.hdr.PrevCabinet, c.name, "previous")
		if err != nil {
			return fail(err)
		}
		if seen[p] || len(cabs) >= maxParts {
			return fail(fmt.Errorf("%w: %s: the set's cabinets name each other in a loop", ErrFormat, c.name))
		}
		seen[p] = true
		prev, err := openPart(p, o, rc, false)
		if err != nil {
			return fail(err)
		}
		if err := sameSet(prev, c); err != nil {
			return fail(err)
		}
		cabs = append([]*cabinet{prev}, cabs...)
		c = prev
	}
	for c := first; c.hdr.Flags&FlagNextCabinet != 0; {
		p, err := findPart(dir, c.hdr.NextCabinet, c.name, "next")
		if err != nil {
			return fail(err)
		}
		if seen[p] || len(cabs) >= maxParts {
			return fail(fmt.Errorf("%w: %s: the set's cabinets name each other in a loop", ErrFormat, c.name))
		}
		seen[p] = true
		next, err := openPart(p, o, rc, false)
		if err != nil {
			return fail(err)
		}
		if err := sameSet(c, next); err != nil {
			return fail(err)
		}
		cabs = append(cabs, next)
		c = next
	}
	if err := rc.Reader.init(cabs, o); err != nil {
		return fail(err)
	}
	return rc, nil
}

func sameSet(a, b *cabinet) error {
	if a.hdr.SetID != b.hdr.SetID {
		return fmt.Errorf("%w: %s (set %d) and %s (set %d) are not parts of one set",
			ErrFormat, a.name, a.hdr.SetID, b.name, b.hdr.SetID)
	}
	return nil
}

func openPart(path string, o *options, rc *ReadCloser, first bool) (*cabinet, error) {
	f, err := os.Open(path)
	if err != nil {
		if !first && errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("%w: %s not found", ErrMissingPart, filepath.Base(path))
		}
		return nil, err
	}
	rc.closers = append(rc.closers, f)
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	var c *cabinet
	if first {
		c, err = openCabinet(f, fi.Size(), o)
	} else {
		c, err = parseCabinet(f, 0, fi.Size(), o)
	}
	if err != nil {
		if !first {
			return nil, fmt.Errorf("%s: %w", filepath.Base(path), err)
		}
		return nil, err
	}
	c.name = filepath.Base(path)
	return c, nil
}

// findPart finds the file called name in dir, ignoring case (cabinet
// names come from DOS and Windows, whose file systems ignore case). The
// name must be a plain file name: a set may not reach out of its
// directory.
func findPart(dir, name, from, which string) (string, error) {
	base := strings.ReplaceAll(name, "\\", "/")
	if base == "" || strings.Contains(base, "/") || base == "." || base == ".." {
		return "", fmt.Errorf("%w: %s names %q as its %s cabinet, which is not a file name", ErrFormat, from, name, which)
	}
	exact := filepath.Join(dir, base)
	if fi, err := os.Stat(exact); err == nil && fi.Mode().IsRegular() {
		return exact, nil
	}
	d, err := os.Open(dir)
	if err == nil {
		defer d.Close()
		for {
			names, err := d.Readdirnames(256)
			for _, n := range names {
				if strings.EqualFold(n, base) {
					return filepath.Join(dir, n), nil
				}
			}
			if err == io.EOF || err != nil {
				break
			}
		}
	}
	return "", fmt.Errorf("%w: %s: %s cabinet %s not found in %s", ErrMissingPart, from, which, name, dir)
}
