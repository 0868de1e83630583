// Package burn reads the .wixburn section of a WiX Burn bundle: the PE
// section in which the Burn engine (the bundle's EXE stub) records its
// size and the sizes of the containers appended to it. It is what tells
// whether a bundle holds all its containers, and where each one starts.
//
// The layout is the one WiX's stub and engine share (section versions 2
// and 3, WiX 3.6 onwards): a magic number, the version, the bundle's GUID,
// the stub's size, the stub's original PE checksum and signature
// location, the container format (1, cabinet), the container count and
// one 32-bit size per container. Container 0 (the bootstrapper
// application's) follows the stub; the attached containers follow the
// engine, which is the stub, container 0 and the engine's own signature.
//
// ParseManifest reads the BurnManifest that container 0 holds as its
// member "0"; package bundle opens a whole bundle with it.
package burn

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// Sentinel errors, for errors.Is.
var (
	// ErrNotBundle reports input that is not a PE image with a .wixburn
	// section.
	ErrNotBundle = errors.New("not a Burn bundle")
	// ErrFormat reports a .wixburn section that is damaged, cut short or
	// of a version this package does not read.
	ErrFormat = errors.New("malformed Burn section")
)

// Magic is the .wixburn section's first field.
const Magic = 0x00f14300

// FormatCabinet is the only container format Burn writes.
const FormatCabinet = 1

// Section is a bundle's .wixburn section, with the PE certificate table
// entry that Burn also consults to find the end of the engine.
type Section struct {
	Version uint32
	// BundleID is the bundle's GUID as stored (little-endian fields).
	BundleID [16]byte
	// StubSize is the size of the engine's EXE image before any
	// container was appended: where container 0 starts.
	StubSize uint32
	// OriginalChecksum, OriginalSignatureOffset and OriginalSignatureSize
	// are the engine's PE checksum and certificate table entry, saved
	// when the engine was signed on its own and its containers attached
	// again after it.
	OriginalChecksum        uint32
	OriginalSignatureOffset uint32
	OriginalSignatureSize   uint32
	// Format is the containers' format: FormatCabinet.
	Format uint32
	// ContainerSizes holds each container's size in bytes; index 0 is the
	// bootstrapper application's container, the rest are the attached
	// containers in order.
	ContainerSizes []uint32
	// SignatureOffset and SignatureSize are the file's own certificate
	// table entry (0 when unsigned).
	SignatureOffset, SignatureSize uint32
}

// Container is where one container lies in the bundle file.
type Container struct {
	// Index is the container's position in Section.ContainerSizes.
	Index        int
	Offset, Size int64
}

// headerSize is the fixed part of the section, up to the container
// sizes; Burn refuses a section too short to hold it and one size.
const headerSize = 48

// PE layout (Microsoft PE/COFF specification).
const (
	lfanewField      = 0x3c
	coffSize         = 20
	sectionEntrySize = 40
	securityDir      = 4 // IMAGE_DIRECTORY_ENTRY_SECURITY
	maxSections      = 96
)

var le = binary.LittleEndian

// ReadSection reads the .wixburn section of the PE image held by r, which
// has size bytes. It is an error wrapping ErrNotBundle if r is not a PE
// image or has no such section, and one wrapping ErrFormat if the section
// is damaged. Only the headers are read, never the containers: a bundle
// whose containers are cut off still yields its section.
func ReadSection(r io.ReaderAt, size int64) (*Section, error) {
	var dos [0x40]byte
	if size < int64(len(dos)) {
		return nil, fmt.Errorf("%w: %d bytes is too short for a DOS header", ErrNotBundle, size)
	}
	if err := readAt(r, dos[:], 0, "DOS header"); err != nil {
		return nil, err
	}
	if dos[0] != 'M' || dos[1] != 'Z' {
		return nil, fmt.Errorf("%w: no MZ signature", ErrNotBundle)
	}
	pe := int64(le.Uint32(dos[lfanewField:]))
	var nt [4 + coffSize]byte
	if pe+int64(len(nt)) > size {
		return nil, fmt.Errorf("%w: PE header offset %#x is beyond the end of the file", ErrNotBundle, pe)
	}
	if err := readAt(r, nt[:], pe, "PE header"); err != nil {
		return nil, err
	}
	if string(nt[:4]) != "PE\x00\x00" {
		return nil, fmt.Errorf("%w: no PE signature at %#x", ErrNotBundle, pe)
	}
	nsect := int64(le.Uint16(nt[4+2:]))
	optSize := int64(le.Uint16(nt[4+16:]))
	opt := pe + int64(len(nt))
	if nsect > maxSections {
		// The Windows loader refuses more; Burn's stub has six.
		return nil, fmt.Errorf("%w: %d sections (at most %d)", ErrNotBundle, nsect, maxSections)
	}
	table := opt + optSize
	if table+nsect*sectionEntrySize > size {
		return nil, fmt.Errorf("%w: the section table at %#x runs past the end of the file", ErrNotBundle, table)
	}
	s := new(Section)
	if err := s.readSecurityDir(r, opt, optSize); err != nil {
		return nil, err
	}
	buf := make([]byte, nsect*sectionEntrySize)
	if err := readAt(r, buf, table, "section table"); err != nil {
		return nil, err
	}
	for i := int64(0); i < nsect; i++ {
		e := buf[i*sectionEntrySize:]
		if string(e[:8]) != ".wixburn" {
			continue
		}
		rawSize := int64(le.Uint32(e[16:]))
		rawOff := int64(le.Uint32(e[20:]))
		if err := s.parse(r, size, rawOff, rawSize); err != nil {
			return nil, err
		}
		return s, nil
	}
	return nil, fmt.Errorf("%w: no .wixburn section", ErrNotBundle)
}

// readSecurityDir reads the certificate table entry, which Burn takes
// for the end of the engine when the section records no original
// signature.
func (s *Section) readSecurityDir(r io.ReaderAt, opt, optSize int64) error {
	if optSize < 2 {
		return nil
	}
	var m [2]byte
	if err := readAt(r, m[:], opt, "optional header"); err != nil {
		return err
	}
	var dirs int64
	switch le.Uint16(m[:]) {
	case 0x10b: // PE32
		dirs = 96
	case 0x20b: // PE32+
		dirs = 112
	default:
		return nil
	}
	at := dirs + securityDir*8
	if at+8 > optSize {
		return nil
	}
	var d [8]byte
	if err := readAt(r, d[:], opt+at, "certificate table entry"); err != nil {
		return err
	}
	s.SignatureOffset, s.SignatureSize = le.Uint32(d[:]), le.Uint32(d[4:])
	return nil
}

// parse reads the section's data: rawSize bytes at rawOff.
func (s *Section) parse(r io.ReaderAt, size, rawOff, rawSize int64) error {
	if rawSize < headerSize+4 {
		return fmt.Errorf("%w: .wixburn section of %d bytes is too short", ErrFormat, rawSize)
	}
	if rawOff+rawSize > size {
		return fmt.Errorf("%w: .wixburn section at %#x runs past the end of the file", ErrFormat, rawOff)
	}
	var h [headerSize]byte
	if err := readAt(r, h[:], rawOff, ".wixburn section"); err != nil {
		return err
	}
	if m := le.Uint32(h[0:]); m != Magic {
		return fmt.Errorf("%w: magic %#08x, not %#08x", ErrFormat, m, Magic)
	}
	s.Version = le.Uint32(h[4:])
	if s.Version != 2 && s.Version != 3 {
		return fmt.Errorf("%w: unsupported version %d", ErrFormat, s.Version)
	}
	copy(s.BundleID[:], h[8:24])
	s.StubSize = le.Uint32(h[24:])
	s.OriginalChecksum = le.Uint32(h[28:])
	s.OriginalSignatureOffset = le.Uint32(h[32:])
	s.OriginalSignatureSize = le.Uint32(h[36:])
	s.Format = le.Uint32(h[40:])
	n := int64(le.Uint32(h[44:]))
	// As Burn does, the count must fit in the section, which bounds the
	// allocation by the file's size.
	if max := (rawSize - headerSize) / 4; n > max {
		return fmt.Errorf("%w: %d containers do not fit in a section of %d bytes", ErrFormat, n, rawSize)
	}
	b := make([]byte, 4*n)
	if err := readAt(r, b, rawOff+headerSize, "container sizes"); err != nil {
		return err
	}
	s.ContainerSizes = make([]uint32, n)
	for i := range s.ContainerSizes {
		s.ContainerSizes[i] = le.Uint32(b[4*i:])
	}
	return nil
}

// EngineSize is where the attached containers start, reckoned as Burn
// does: the end of the engine's original signature if the section records
// one, else the end of the file's signature if it has one, else the end
// of container 0.
func (s *Section) EngineSize() int64 {
	switch {
	case s.OriginalSignatureOffset != 0:
		return int64(s.OriginalSignatureOffset) + int64(s.OriginalSignatureSize)
	case s.SignatureOffset != 0:
		return int64(s.SignatureOffset) + int64(s.SignatureSize)
	case len(s.ContainerSizes) > 0:
		return int64(s.StubSize) + int64(s.ContainerSizes[0])
	}
	return int64(s.StubSize)
}

// Containers returns where each container lies, in order.
func (s *Section) Containers() []Container {
	out := make([]Container, len(s.ContainerSizes))
	off := s.EngineSize()
	for i, n := range s.ContainerSizes {
		c := Container{Index: i, Offset: off, Size: int64(n)}
		if i == 0 {
			c.Offset = int64(s.StubSize)
		} else {
			off += int64(n)
		}
		out[i] = c
	}
	return out
}

// readAt reads len(b) bytes at off; running off the end of the data
// means the file is cut short.
func readAt(r io.ReaderAt, b []byte, off int64, what string) error {
	n, err := r.ReadAt(b, off)
	if n == len(b) {
		return nil
	}
	if err == nil || errors.Is(err, io.EOF) {
		return fmt.Errorf("%w: %s at %#x: truncated", ErrFormat, what, off)
	}
	return fmt.Errorf("reading %s at %#x: %w", what, off, err)
}
