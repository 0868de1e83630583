package cab

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/msikit/msikit/internal/infile"
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
	// The raw entries, and the header bytes their names are in, are not
	// needed now that r.File is made: a cabinet of many files keeps
	// them for as long as it is open otherwise.
	for _, c := range cabs {
		c.files = nil
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

// Part is one cabinet of a spanned set, as a PartOpener finds it.
type Part struct {
	R      io.ReaderAt
	Size   int64
	Name   string    // its actual name, for messages and PartNames
	Closer io.Closer // closed with the set; may be nil
}

// PartOpener opens a part of a spanned set by the name a neighbouring
// cabinet's header gives it (its previous or next cabinet). A part that
// does not exist is an error wrapping fs.ErrNotExist.
type PartOpener func(name string) (*Part, error)

// OpenSet opens the cabinet at path and every other part of its spanned
// set, found by the names the headers give, case-insensitively, in the
// same directory. Given any part, it reads the whole set; a missing part
// is an error wrapping ErrMissingPart that names it.
func OpenSet(path string, opts ...Option) (*ReadCloser, error) {
	first, err := openFilePart(path)
	if err != nil {
		return nil, err
	}
	dir := filepath.Dir(path)
	open := func(name string) (*Part, error) {
		p, err := findPart(dir, name)
		if err != nil {
			return nil, err
		}
		return openFilePart(p)
	}
	return NewSetReader(first, open, opts...)
}

// openFilePart opens a cabinet file as a Part that closes the file.
func openFilePart(path string) (*Part, error) {
	f, err := infile.Open(path)
	if err != nil {
		return nil, err
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	return &Part{R: f, Size: fi.Size(), Name: filepath.Base(path), Closer: f}, nil
}

// NewSetReader reads the cabinet p and the other parts of its spanned
// set, which open provides: a set embedded in another file (the streams
// of an MSI package) is read the same way as one in a directory. The
// parts' Closers, p's included, are closed with the ReadCloser, or at
// once if NewSetReader fails.
func NewSetReader(p *Part, open PartOpener, opts ...Option) (*ReadCloser, error) {
	o := buildOptions(opts)
	rc := &ReadCloser{}
	if p.Closer != nil {
		rc.closers = append(rc.closers, p.Closer)
	}
	fail := func(err error) (*ReadCloser, error) {
		rc.Close()
		return nil, err
	}
	first, err := openCabinet(p.R, p.Size, o)
	if err != nil {
		return fail(err)
	}
	first.name = p.Name
	cabs := []*cabinet{first}
	seen := map[string]bool{strings.ToLower(p.Name): true}
	neighbour := func(c *cabinet, which, partName string) (*cabinet, error) {
		key := strings.ToLower(partName)
		if seen[key] || len(cabs) >= maxParts {
			return nil, fmt.Errorf("%w: %s: the set's cabinets name each other in a loop", ErrFormat, c.name)
		}
		seen[key] = true
		if err := checkPartName(partName, c.name, which); err != nil {
			return nil, err
		}
		pt, err := open(partName)
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("%w: %s, the %s cabinet of %s, not found", ErrMissingPart, partName, which, c.name)
		}
		if err != nil {
			return nil, err
		}
		if pt.Closer != nil {
			rc.closers = append(rc.closers, pt.Closer)
		}
		part, err := parseCabinet(pt.R, 0, pt.Size, o)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", pt.Name, err)
		}
		part.name = pt.Name
		return part, nil
	}
	for c := first; c.hdr.Flags&FlagPrevCabinet != 0; {
		prev, err := neighbour(c, "previous", c.hdr.PrevCabinet)
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
		next, err := neighbour(c, "next", c.hdr.NextCabinet)
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

// checkPartName refuses a part name that is not a plain file name.
func checkPartName(name, from, which string) error {
	base := strings.ReplaceAll(name, "\\", "/")
	if base == "" || strings.Contains(base, "/") || base == "." || base == ".." {
		return fmt.Errorf("%w: %s names %q as its %s cabinet, which is not a file name", ErrFormat, from, name, which)
	}
	return nil
}

// findPart finds a file in dir by name, case-insensitively, as Windows
// would; a missing one is an error wrapping fs.ErrNotExist.
func findPart(dir, name string) (string, error) {
	exact := filepath.Join(dir, name)
	if fi, err := os.Stat(exact); err == nil && fi.Mode().IsRegular() {
		return exact, nil
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return "", err
	}
	for _, e := range entries {
		if strings.EqualFold(e.Name(), name) && e.Type().IsRegular() {
			return filepath.Join(dir, e.Name()), nil
		}
	}
	return "", &fs.PathError{Op: "open", Path: exact, Err: fs.ErrNotExist}
}
