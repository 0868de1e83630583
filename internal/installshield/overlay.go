package installshield

import (
	"debug/pe"
	"fmt"
	"io"
)

// overlay finds the bytes after the last PE section of the image in r:
// from the end of the section whose raw data ends last to the end of the
// file, or to the certificate table when a signature sits after the
// sections, as Authenticode places it.
func overlay(r io.ReaderAt, size int64) (start, end int64, err error) {
	f, err := pe.NewFile(io.NewSectionReader(r, 0, size))
	if err != nil {
		return 0, 0, fmt.Errorf("%w: not a PE image: %v", ErrNotInstallShield, err)
	}
	for _, s := range f.Sections {
		if s.Offset == 0 || s.Size == 0 {
			continue // no raw data (uninitialised data)
		}
		if e := int64(s.Offset) + int64(s.Size); e > start {
			start = e
		}
	}
	if start == 0 {
		return 0, 0, fmt.Errorf("%w: the PE image has no section with data", ErrNotInstallShield)
	}
	end = size
	var cert pe.DataDirectory
	const security = pe.IMAGE_DIRECTORY_ENTRY_SECURITY
	switch h := f.OptionalHeader.(type) {
	case *pe.OptionalHeader32:
		if h.NumberOfRvaAndSizes > security {
			cert = h.DataDirectory[security]
		}
	case *pe.OptionalHeader64:
		if h.NumberOfRvaAndSizes > security {
			cert = h.DataDirectory[security]
		}
	}
	// The certificate table's "address" is a file offset. One that does
	// not lie after the sections and inside the file is not where a
	// signing tool puts it; the overlay then runs to the end.
	if c := int64(cert.VirtualAddress); cert.Size != 0 && c >= start && c < size {
		end = c
	}
	if start >= end {
		return 0, 0, fmt.Errorf("%w: no data after the last PE section (it ends at %#x, the file at %#x)",
			ErrNotInstallShield, start, end)
	}
	return start, end, nil
}
