package pever

import (
	"debug/pe"
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"github.com/msikit/msikit/internal/infile"
)

// File is an open PE image: the header facts a release engineer checks,
// and access to its resources.
type File struct {
	// Machine is the COFF header's machine type.
	Machine Machine
	// PE32Plus reports a PE32+ (64-bit) optional header; PE32 otherwise.
	PE32Plus bool
	// Characteristics are the COFF header's IMAGE_FILE_* flags.
	Characteristics uint16
	// TimeDateStamp is the link time the COFF header records, in seconds
	// since 1970 (or a hash, for reproducible builds).
	TimeDateStamp uint32
	// Subsystem is the optional header's IMAGE_SUBSYSTEM_* value.
	Subsystem uint16
	// CheckSum is the checksum stored in the optional header; many images
	// store 0. ComputeChecksum gives the value it should hold.
	CheckSum uint32
	// Size is the size of the file in bytes.
	Size int64

	pe          *pe.File
	r           io.ReaderAt
	closer      io.Closer
	checksumOff int64
	resources   pe.DataDirectory
}

// The DOS header's e_lfanew field, the offset of the "PE\0\0" signature.
const lfanewOffset = 0x3c

// Optional header sizes up to the data directories; the checksum sits 64
// bytes in, for both magics.
const (
	magicPE32       = 0x10b
	magicPE32Plus   = 0x20b
	checksumField   = 64
	coffHeaderSize  = 20
	sectionHdrSize  = 40
	resourceDirSlot = 2 // IMAGE_DIRECTORY_ENTRY_RESOURCE
)

// IsDLL reports whether the image is a DLL (IMAGE_FILE_DLL).
func (f *File) IsDLL() bool { return f.Characteristics&pe.IMAGE_FILE_DLL != 0 }

// PE returns the headers and section table as debug/pe reads them. Its
// FileHeader.Machine holds the real machine even for machines debug/pe
// does not know, such as IA-64.
func (f *File) PE() *pe.File { return f.pe }

// Open opens the named file and reads its PE headers. Close releases it.
func Open(name string) (*File, error) {
	fh, err := infile.Open(name)
	if err != nil {
		return nil, err
	}
	st, err := fh.Stat()
	if err != nil {
		fh.Close()
		return nil, err
	}
	f, err := NewFile(fh, st.Size())
	if err != nil {
		fh.Close()
		var e *Error
		if errors.As(err, &e) && e.File == "" {
			e.File = name
		}
		return nil, err
	}
	f.closer = fh
	return f, nil
}

// Close closes the file if it was opened by Open; for a File from NewFile
// it does nothing.
func (f *File) Close() error {
	if f.closer == nil {
		return nil
	}
	err := f.closer.Close()
	f.closer = nil
	return err
}

// NewFile reads the PE headers of the image held by r, which has the given
// size. It accepts only images (an MZ header pointing at a "PE\0\0"
// signature and a PE32 or PE32+ optional header), not COFF objects.
func NewFile(r io.ReaderAt, size int64) (*File, error) {
	if size < 0x40 {
		return nil, formatErr("DOS header", "file of %d bytes is too short for a DOS header", size)
	}
	sr := io.NewSectionReader(r, 0, size)
	var dos [0x40]byte
	if err := readFull(sr, dos[:], 0); err != nil {
		return nil, hdrErr("DOS header", err)
	}
	if dos[0] != 'M' || dos[1] != 'Z' {
		return nil, formatErr("DOS header", "no MZ signature")
	}
	lfanew := int64(binary.LittleEndian.Uint32(dos[lfanewOffset:]))
	var nt [4 + coffHeaderSize + 2]byte
	if lfanew+int64(len(nt)) > size {
		return nil, formatErr("DOS header", "PE header offset %#x is beyond the end of the %d-byte file", lfanew, size)
	}
	if err := readFull(sr, nt[:], lfanew); err != nil {
		return nil, hdrErr("PE header", err)
	}
	if string(nt[:4]) != "PE\x00\x00" {
		return nil, formatErr("PE header", "no PE signature at %#x", lfanew)
	}
	coff := nt[4:]
	machine := Machine(binary.LittleEndian.Uint16(coff[0:]))
	nsect := int64(binary.LittleEndian.Uint16(coff[2:]))
	optSize := int64(binary.LittleEndian.Uint16(coff[16:]))
	magic := binary.LittleEndian.Uint16(nt[4+coffHeaderSize:])
	optOff := lfanew + 4 + coffHeaderSize
	if optSize < checksumField+4 || (magic != magicPE32 && magic != magicPE32Plus) {
		return nil, formatErr("optional header", "not an image: optional header of %d bytes with magic %#x", optSize, magic)
	}
	if end := optOff + optSize + nsect*sectionHdrSize; end > size {
		return nil, formatErr("section table", "%d section headers end at %d, beyond the end of the %d-byte file", nsect, end, size)
	}

	// debug/pe refuses machines it has no use for (IA-64 among them),
	// though nothing else it reads depends on the machine; it is shown
	// IMAGE_FILE_MACHINE_UNKNOWN instead and the real value put back.
	pr := &patchedReader{r: sr, off: lfanew + 4}
	pf, err := pe.NewFile(pr)
	if pr.err != nil {
		return nil, &Error{What: "PE headers", Err: pr.err}
	}
	if err != nil {
		return nil, &Error{What: "PE headers", Err: fmt.Errorf("%w: %w", ErrFormat, err)}
	}
	pf.FileHeader.Machine = uint16(machine)
	// The loader refuses an image whose sections' file data is cut
	// short; so do we, as a truncated copy is what a release check is
	// for.
	for _, s := range pf.Sections {
		if end := int64(s.Offset) + int64(s.Size); s.Size != 0 && end > size {
			return nil, formatErr("section table", "section %q ends at %d, beyond the end of the %d-byte file", s.Name, end, size)
		}
	}

	f := &File{
		Machine:         machine,
		Characteristics: pf.FileHeader.Characteristics,
		TimeDateStamp:   pf.FileHeader.TimeDateStamp,
		Size:            size,
		pe:              pf,
		r:               sr,
		checksumOff:     optOff + checksumField,
	}
	switch oh := pf.OptionalHeader.(type) {
	case *pe.OptionalHeader32:
		f.Subsystem, f.CheckSum = oh.Subsystem, oh.CheckSum
		if oh.NumberOfRvaAndSizes > resourceDirSlot {
			f.resources = oh.DataDirectory[resourceDirSlot]
		}
	case *pe.OptionalHeader64:
		f.PE32Plus = true
		f.Subsystem, f.CheckSum = oh.Subsystem, oh.CheckSum
		if oh.NumberOfRvaAndSizes > resourceDirSlot {
			f.resources = oh.DataDirectory[resourceDirSlot]
		}
	default:
		return nil, formatErr("optional header", "missing")
	}
	return f, nil
}

// readFull reads len(b) bytes at off; a short read is io.ErrUnexpectedEOF.
func readFull(r io.ReaderAt, b []byte, off int64) error {
	n, err := r.ReadAt(b, off)
	if n == len(b) {
		return nil
	}
	if err == nil || err == io.EOF {
		err = io.ErrUnexpectedEOF
	}
	return err
}

// hdrErr classifies a read failure: running off the end is damage, any
// other error comes from the reader and is passed on as it is.
func hdrErr(what string, err error) error {
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return &Error{What: what, Err: fmt.Errorf("%w: truncated", ErrFormat)}
	}
	return &Error{What: what, Err: err}
}

// patchedReader shows the machine field as zero and remembers the first
// error from the underlying reader that is not the end of the file, so an
// I/O failure is not reported as a damaged image.
type patchedReader struct {
	r   io.ReaderAt
	off int64 // of the 2-byte machine field
	err error
}

func (p *patchedReader) ReadAt(b []byte, off int64) (int, error) {
	n, err := p.r.ReadAt(b, off)
	if err != nil && err != io.EOF && p.err == nil {
		p.err = err
	}
	for i := p.off; i < p.off+2; i++ {
		if i >= off && i < off+int64(n) {
			b[i-off] = 0
		}
	}
	return n, err
}

// mapRVA finds the section holding a relative virtual address and
// returns its file offset and how many bytes of file data follow it in
// that section (clipped to the file), the most any structure starting
// there may use.
func (f *File) mapRVA(rva uint32) (off int64, avail uint32, err error) {
	for _, s := range f.pe.Sections {
		span := s.VirtualSize
		if span == 0 {
			span = s.Size
		}
		if rva < s.VirtualAddress || uint64(rva) >= uint64(s.VirtualAddress)+uint64(span) {
			continue
		}
		delta := uint64(rva - s.VirtualAddress)
		if delta >= uint64(s.Size) {
			return 0, 0, fmt.Errorf("%w: RVA %#x is in the uninitialised part of section %q", ErrFormat, rva, s.Name)
		}
		start := uint64(s.Offset) + delta
		if start >= uint64(f.Size) {
			return 0, 0, fmt.Errorf("%w: RVA %#x maps to offset %#x, beyond the end of the %d-byte file", ErrFormat, rva, start, f.Size)
		}
		end := min(uint64(s.Offset)+uint64(s.Size), uint64(f.Size))
		return int64(start), uint32(end - start), nil
	}
	return 0, 0, fmt.Errorf("%w: RVA %#x is in no section", ErrFormat, rva)
}

// rvaToOffset maps n bytes at a relative virtual address to their file
// offset, requiring all of them to be stored in one section's file data.
func (f *File) rvaToOffset(rva, n uint32) (int64, error) {
	off, avail, err := f.mapRVA(rva)
	if err != nil {
		return 0, err
	}
	if n > avail {
		return 0, fmt.Errorf("%w: %d bytes at RVA %#x run %d bytes past the section's file data", ErrFormat, n, rva, n-avail)
	}
	return off, nil
}
