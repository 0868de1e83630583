package cab

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// Header flags (CFHEADER.flags).
const (
	FlagPrevCabinet    = 0x0001 // the set has a cabinet before this one
	FlagNextCabinet    = 0x0002 // the set has a cabinet after this one
	FlagReservePresent = 0x0004 // reserve sizes (and the header reserve) are present
)

// Limits set by [MS-CAB].
const (
	headerSize       = 36
	maxHeaderReserve = 60000
	maxNameLen       = 255 // bytes, excluding the terminating NUL
	cfFolderSize     = 8
	cfFileSize       = 16
	cfDataSize       = 8
	maxBlockUncomp   = 32768
	// maxBlockComp is the largest compressed payload of one CFDATA block
	// (32 KiB plus the 6 KiB that [MS-CAB] allows for incompressible
	// data).
	maxBlockComp = 32768 + 6144
)

// Special CFFILE.iFolder values for files continued across cabinets.
const (
	ifoldContinuedFromPrev    = 0xFFFD
	ifoldContinuedToNext      = 0xFFFE
	ifoldContinuedPrevAndNext = 0xFFFF
)

// Header is the CFHEADER of one cabinet, with its optional parts.
type Header struct {
	// Offset is where the cabinet starts in the file it was read from:
	// 0 unless it was found by a search.
	Offset int64
	// Size is cbCabinet, the cabinet's size as it declares it.
	Size                       uint32
	VersionMajor, VersionMinor uint8
	// NumFolders and NumFiles are the counts the header declares.
	NumFolders, NumFiles int
	Flags                uint16
	// SetID and Index (iCabinet) identify the cabinet within its set.
	SetID, Index uint16
	// PrevCabinet and PrevDisk are set when Flags has FlagPrevCabinet;
	// NextCabinet and NextDisk when it has FlagNextCabinet.
	PrevCabinet, PrevDisk string
	NextCabinet, NextDisk string
	// HeaderReserve is the per-cabinet reserve area (an Authenticode
	// signature's index, for one); FolderReserveSize and DataReserveSize
	// are the sizes of the per-folder and per-block reserve areas.
	HeaderReserve     []byte
	FolderReserveSize int
	DataReserveSize   int
}

// rawFolder is one CFFOLDER as stored in one cabinet.
type rawFolder struct {
	dataOff int64 // absolute offset of the first CFDATA in the file
	nBlocks int
	comp    Compression
	reserve []byte
}

// rawFile is one CFFILE as stored in one cabinet.
type rawFile struct {
	rawName    []byte
	size       uint32
	offset     uint32
	ifold      uint16
	date, time uint16
	attribs    uint16
}

// cabinet is one parsed cabinet file, before its folders are joined with
// those of the rest of its set.
type cabinet struct {
	name    string // for messages: the file's base name
	ra      io.ReaderAt
	end     int64 // bytes readable from ra
	hdr     Header
	folders []rawFolder
	files   []rawFile
	// coffFiles is the header's offset of the file entries, used only to
	// judge candidates in search mode.
	coffFiles int64
}

// sectionReader reads the header area of a cabinet, turning every short
// read into a truncation error that says what was being read. It reads
// ahead a window at a time: a header with thousands of file entries costs
// a few reads, not two per entry.
type sectionReader struct {
	ra  io.ReaderAt
	pos int64
	end int64
	// win holds the bytes at winOff.
	win    []byte
	winOff int64
}

// headerWindow is the read-ahead of sectionReader.
const headerWindow = 64 << 10

// bytes returns the n bytes at s.pos, valid until the next call.
func (s *sectionReader) bytes(n int) ([]byte, error) {
	if i := s.pos - s.winOff; s.win != nil && i >= 0 && i+int64(n) <= int64(len(s.win)) {
		return s.win[i : i+int64(n)], nil
	}
	if cap(s.win) < headerWindow {
		s.win = make([]byte, headerWindow)
	}
	w := s.win[:cap(s.win)]
	if rem := s.end - s.pos; rem < int64(len(w)) {
		w = w[:max(rem, int64(n))]
	}
	k, err := s.ra.ReadAt(w, s.pos)
	s.win, s.winOff = w[:k], s.pos
	if k >= n {
		return s.win[:n], nil
	}
	if err == nil || err == io.EOF {
		err = io.ErrUnexpectedEOF
	}
	return nil, err
}

func (s *sectionReader) read(n int, what string) ([]byte, error) {
	if n > maxNameLen+1 {
		return nil, fmt.Errorf("%w: %s: %d bytes is too long", ErrFormat, what, n)
	}
	if s.pos < 0 || s.end-s.pos < int64(n) {
		return nil, fmt.Errorf("%w: truncated reading %s at offset %d", ErrFormat, what, s.pos)
	}
	b, err := s.bytes(n)
	if err != nil {
		return nil, fmt.Errorf("%w: reading %s at offset %d: %v", ErrFormat, what, s.pos, err)
	}
	s.pos += int64(n)
	return b, nil
}

func (s *sectionReader) skip(n int) { s.pos += int64(n) }

// cstring reads a NUL-terminated string of at most maxNameLen bytes.
func (s *sectionReader) cstring(what string) ([]byte, error) {
	n := int64(maxNameLen + 1)
	if rem := s.end - s.pos; rem < n {
		n = rem
	}
	if n <= 0 {
		return nil, fmt.Errorf("%w: truncated reading %s at offset %d", ErrFormat, what, s.pos)
	}
	b, err := s.bytes(int(n))
	if err != nil {
		return nil, fmt.Errorf("%w: reading %s at offset %d: %v", ErrFormat, what, s.pos, err)
	}
	i := bytes.IndexByte(b, 0)
	if i < 0 {
		if n <= maxNameLen {
			return nil, fmt.Errorf("%w: truncated reading %s at offset %d", ErrFormat, what, s.pos)
		}
		return nil, fmt.Errorf("%w: %s at offset %d is longer than %d bytes", ErrFormat, what, s.pos, maxNameLen)
	}
	s.pos += int64(i) + 1
	return bytes.Clone(b[:i]), nil
}

var le = binary.LittleEndian

// readFull reads exactly len(b) bytes at off; io.ReaderAt may report
// io.EOF along with a complete read at the end of its data.
func readFull(ra io.ReaderAt, b []byte, off int64) error {
	n, err := ra.ReadAt(b, off)
	if n == len(b) {
		return nil
	}
	if err == nil || err == io.EOF {
		err = io.ErrUnexpectedEOF
	}
	return err
}

// parseCabinet reads the CFHEADER, CFFOLDERs and CFFILEs of the cabinet
// that starts at base in ra, which has end readable bytes.
func parseCabinet(ra io.ReaderAt, base, end int64, o *options) (*cabinet, error) {
	s := &sectionReader{ra: ra, pos: base, end: end}
	b, err := s.read(headerSize, "header")
	if err != nil {
		if end-base >= 4 {
			var sig [4]byte
			if _, err := ra.ReadAt(sig[:], base); err == nil && string(sig[:]) != "MSCF" {
				return nil, fmt.Errorf("%w: no MSCF signature", ErrNoCabinet)
			}
		}
		return nil, err
	}
	if string(b[:4]) != "MSCF" {
		return nil, fmt.Errorf("%w: no MSCF signature", ErrNoCabinet)
	}
	c := &cabinet{ra: ra, end: end}
	h := &c.hdr
	h.Offset = base
	h.Size = le.Uint32(b[8:])
	coffFiles := int64(le.Uint32(b[16:]))
	h.VersionMinor, h.VersionMajor = b[24], b[25]
	h.NumFolders = int(le.Uint16(b[26:]))
	h.NumFiles = int(le.Uint16(b[28:]))
	h.Flags = le.Uint16(b[30:])
	h.SetID = le.Uint16(b[32:])
	h.Index = le.Uint16(b[34:])
	if h.NumFolders == 0 {
		return nil, fmt.Errorf("%w: no folders", ErrEmpty)
	}
	if h.NumFiles == 0 {
		return nil, fmt.Errorf("%w: no files", ErrEmpty)
	}
	if h.Flags&FlagReservePresent != 0 {
		b, err := s.read(4, "reserve sizes")
		if err != nil {
			return nil, err
		}
		hr := int(le.Uint16(b))
		h.FolderReserveSize = int(b[2])
		h.DataReserveSize = int(b[3])
		if hr > maxHeaderReserve {
			return nil, fmt.Errorf("%w: header reserve of %d bytes exceeds %d", ErrFormat, hr, maxHeaderReserve)
		}
		if s.end-s.pos < int64(hr) {
			return nil, fmt.Errorf("%w: truncated reading header reserve at offset %d", ErrFormat, s.pos)
		}
		h.HeaderReserve = make([]byte, hr)
		if err := readFull(ra, h.HeaderReserve, s.pos); err != nil {
			return nil, fmt.Errorf("%w: reading header reserve: %v", ErrFormat, err)
		}
		s.skip(hr)
	}
	if h.Flags&FlagPrevCabinet != 0 {
		name, err := s.cstring("previous cabinet name")
		if err != nil {
			return nil, err
		}
		disk, err := s.cstring("previous disk name")
		if err != nil {
			return nil, err
		}
		h.PrevCabinet, h.PrevDisk = o.decodeName(name, false), o.decodeName(disk, false)
	}
	if h.Flags&FlagNextCabinet != 0 {
		name, err := s.cstring("next cabinet name")
		if err != nil {
			return nil, err
		}
		disk, err := s.cstring("next disk name")
		if err != nil {
			return nil, err
		}
		h.NextCabinet, h.NextDisk = o.decodeName(name, false), o.decodeName(disk, false)
	}
	// The folder table must fit in the file before anything is allocated
	// for it.
	fsz := int64(cfFolderSize + h.FolderReserveSize)
	if s.end-s.pos < int64(h.NumFolders)*fsz {
		return nil, fmt.Errorf("%w: truncated: %d folders do not fit", ErrFormat, h.NumFolders)
	}
	c.folders = make([]rawFolder, h.NumFolders)
	for i := range c.folders {
		b, err := s.read(cfFolderSize, fmt.Sprintf("folder %d", i))
		if err != nil {
			return nil, err
		}
		f := &c.folders[i]
		f.dataOff = base + int64(le.Uint32(b))
		f.nBlocks = int(le.Uint16(b[4:]))
		f.comp = Compression(le.Uint16(b[6:]))
		if h.FolderReserveSize > 0 {
			r, err := s.read(h.FolderReserveSize, fmt.Sprintf("folder %d reserve", i))
			if err != nil {
				return nil, err
			}
			f.reserve = bytes.Clone(r)
		}
	}
	// The CFFILE entries are read where the folders end, not at
	// coffFiles: the two agree in every well-formed cabinet, and reading
	// on is what libmspack does, so entries "hidden" by a coffFiles that
	// points elsewhere are treated as cabextract treats them.
	c.coffFiles = coffFiles
	if s.end-s.pos < int64(h.NumFiles)*(cfFileSize+2) {
		return nil, fmt.Errorf("%w: truncated: %d file entries do not fit at offset %d", ErrFormat, h.NumFiles, s.pos-base)
	}
	nfiles := h.NumFiles
	if o.salvage {
		// Salvage mode also reads entries hidden after the declared
		// ones, as libmspack's does, stopping at the first that is not
		// a plausible entry.
		nfiles = 0xFFFF
	}
	c.files = make([]rawFile, 0, h.NumFiles)
	for i := 0; i < nfiles; i++ {
		f, err := parseFile(s, i, h.NumFolders)
		if err != nil {
			if !o.salvage {
				return nil, err
			}
			if errors.Is(err, errBadFolderIndex) {
				continue
			}
			break
		}
		c.files = append(c.files, f)
	}
	if len(c.files) == 0 {
		return nil, fmt.Errorf("%w: no readable file entries", ErrFormat)
	}
	return c, nil
}

var errBadFolderIndex = errors.New("folder index out of range")

func parseFile(s *sectionReader, i, nfolders int) (rawFile, error) {
	var f rawFile
	b, err := s.read(cfFileSize, fmt.Sprintf("file %d", i))
	if err != nil {
		return f, err
	}
	f.size = le.Uint32(b)
	f.offset = le.Uint32(b[4:])
	f.ifold = le.Uint16(b[8:])
	f.date = le.Uint16(b[10:])
	f.time = le.Uint16(b[12:])
	f.attribs = le.Uint16(b[14:])
	name, err := s.cstring(fmt.Sprintf("file %d name", i))
	if err != nil {
		return f, err
	}
	if len(name) == 0 {
		return f, fmt.Errorf("%w: file %d has an empty name", ErrFormat, i)
	}
	f.rawName = name
	if f.ifold < ifoldContinuedFromPrev && int(f.ifold) >= nfolders {
		return f, fmt.Errorf("%w: file %d: %w %d (cabinet has %d folders)", ErrFormat, i, errBadFolderIndex, f.ifold, nfolders)
	}
	return f, nil
}
