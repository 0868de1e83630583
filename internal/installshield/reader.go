package installshield

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
)

// Format is the layout of an overlay.
type Format int

// The layouts NewReader reads (see the package documentation).
const (
	FormatInstallShield Format = iota + 1 // "InstallShield\0" header, ANSI names
	FormatSetupStream                     // "ISSetupStream\0" header, UTF-16 names
	FormatPlain                           // no header, ANSI strings, bytes as they are
	FormatPlainWide                       // file count, UTF-16 strings, bytes as they are
)

func (f Format) String() string {
	switch f {
	case FormatInstallShield:
		return "InstallShield"
	case FormatSetupStream:
		return "ISSetupStream"
	case FormatPlain:
		return "plain"
	case FormatPlainWide:
		return "plain (UTF-16)"
	}
	return fmt.Sprintf("Format(%d)", int(f))
}

// Reader lists the files of an InstallShield launcher's overlay.
type Reader struct {
	// Format is the overlay's layout.
	Format Format
	// HeaderType is the header's type field (header formats only); 4
	// adds 24 bytes to every ISSetupStream file record.
	HeaderType uint32
	// OverlayOffset and OverlaySize locate the overlay in the file: the
	// bytes after the last PE section, up to the certificate table of a
	// signed launcher.
	OverlayOffset, OverlaySize int64
	// TableOffset is where the header, or a plain overlay's first file
	// record, starts: OverlayOffset, or after the debug record.
	TableOffset int64
	// DebugPath is the PDB path of a CodeView debug record ("NB10" or
	// "RSDS") found before the header, if any.
	DebugPath string
	// File lists the files in the order they are stored.
	File []*File
	// Trailing is how many bytes of the overlay follow the last file:
	// data that no file record describes.
	Trailing int64
}

// maxFiles bounds a plain overlay's file list as the 16-bit count bounds
// the header formats'.
const maxFiles = 0xFFFF

var le = binary.LittleEndian

// Header signatures, NUL included, as the 14-byte field holds them.
const (
	sigInstallShield = "InstallShield\x00"
	sigSetupStream   = "ISSetupStream\x00"
)

// NewReader reads the overlay of the setup launcher held by r, which has
// size bytes. Only the headers and file records are read; File.Open reads
// a file's bytes.
func NewReader(r io.ReaderAt, size int64) (*Reader, error) {
	start, end, err := overlay(r, size)
	if err != nil {
		return nil, err
	}
	rd := &Reader{OverlayOffset: start, OverlaySize: end - start}
	s := &span{r: r, pos: start, end: end}
	if err := rd.skipDebugRecord(s); err != nil {
		return nil, err
	}
	rd.TableOffset = s.pos
	sig := s.peek(len(sigInstallShield))
	switch string(sig) {
	case sigInstallShield:
		rd.Format = FormatInstallShield
	case sigSetupStream:
		rd.Format = FormatSetupStream
	}
	if rd.Format != 0 {
		err = rd.readHeaderFormat(s)
	} else if ok, err2 := rd.readPlainWide(s); ok || err2 != nil {
		err = err2
	} else if ok, err2 := rd.readPlain(s); ok || err2 != nil {
		err = err2
	} else {
		return nil, fmt.Errorf("%w: the overlay at %#x (%d bytes) starts with % x: no InstallShield header or file table",
			ErrNotInstallShield, s.pos, end-s.pos, s.peek(16))
	}
	if err != nil {
		return nil, err
	}
	return rd, nil
}

// skipDebugRecord steps over a CodeView record that some launchers carry
// at the start of their overlay: "NB10", offset, time stamp and age, or
// "RSDS", GUID and age, then a NUL-terminated PDB path.
func (rd *Reader) skipDebugRecord(s *span) error {
	var fixed int
	switch string(s.peek(4)) {
	case "NB10":
		fixed = 16
	case "RSDS":
		fixed = 24
	default:
		return nil
	}
	const maxPath = 1024
	b := s.peek(fixed + maxPath + 1)
	if len(b) < fixed {
		return nil // too short to be one; the formats will say what it is
	}
	n := bytes.IndexByte(b[fixed:], 0)
	if n < 0 {
		return fmt.Errorf("%w: the %s debug record at %#x has no NUL-terminated path in %d bytes",
			ErrFormat, b[:4], s.pos, len(b)-fixed)
	}
	rd.DebugPath = decodeANSI(b[fixed : fixed+n])
	s.pos += int64(fixed + n + 1)
	return nil
}

// span reads a bounded region of the input, for the records of the
// overlay.
type span struct {
	r        io.ReaderAt
	pos, end int64
}

// peek returns up to n bytes at the current position, fewer at the end
// of the span or on a read error (which the next read reports).
func (s *span) peek(n int) []byte {
	if rest := s.end - s.pos; int64(n) > rest {
		n = int(max(rest, 0))
	}
	b := make([]byte, n)
	m, _ := s.r.ReadAt(b, s.pos)
	return b[:m]
}

// read returns the next n bytes, an error naming what they are if the
// span ends first.
func (s *span) read(n int64, what string) ([]byte, error) {
	if n > s.end-s.pos {
		return nil, fmt.Errorf("%w: %s at %#x needs %d bytes, the overlay ends at %#x",
			ErrFormat, what, s.pos, n, s.end)
	}
	b := make([]byte, n)
	m, err := s.r.ReadAt(b, s.pos)
	if m < len(b) {
		if err == nil || err == io.EOF {
			return nil, fmt.Errorf("%w: %s at %#x: the file is shorter than its size says", ErrFormat, what, s.pos)
		}
		return nil, fmt.Errorf("reading %s at %#x: %w", what, s.pos, err)
	}
	s.pos += n
	return b, nil
}
