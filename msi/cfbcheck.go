package msi

import (
	"encoding/binary"

	"io"
)

// checkAllocationTables verifies that every sector of the file allocation
// table lies wholly inside the file. mscfb reads the table lazily, entry by
// entry, so a package cut short inside its FAT would otherwise open and
// fail later, or not at all, where Windows and libgsf refuse it at once.
func checkAllocationTables(r io.ReaderAt, size int64) error {
	hdr := make([]byte, minCompoundSize)
	if _, err := r.ReadAt(hdr, 0); err != nil {
		return formatErr("reading the compound file header: %v", err)
	}
	shift := binary.LittleEndian.Uint16(hdr[30:])
	if shift != 9 && shift != 12 {
		return formatErr("sector size 2^%d is neither 512 nor 4096", shift)
	}
	ss := int64(1) << shift
	nFAT := int64(binary.LittleEndian.Uint32(hdr[44:]))
	// Each FAT sector maps ss/4 sectors; more FAT than the file could
	// need is damage, and bounds the loop below.
	if nFAT > size/ss+1 {
		return formatErr("header claims %d allocation table sectors for a %d-byte file", nFAT, size)
	}
	fats := make([]uint32, 0, nFAT)
	for i := int64(0); i < 109 && int64(len(fats)) < nFAT; i++ {
		fats = append(fats, binary.LittleEndian.Uint32(hdr[76+4*i:]))
	}
	next := binary.LittleEndian.Uint32(hdr[68:])
	buf := make([]byte, ss)
	for hops := int64(0); int64(len(fats)) < nFAT; hops++ {
		if next >= 0xFFFFFFFA || hops > nFAT {
			return formatErr("allocation table list ends after %d of %d sectors", len(fats), nFAT)
		}
		if err := sectorInFile(next, ss, size, "allocation table list"); err != nil {
			return err
		}
		if _, err := r.ReadAt(buf, (int64(next)+1)*ss); err != nil {
			return formatErr("reading the allocation table list: %v", err)
		}
		per := ss/4 - 1
		for i := int64(0); i < per && int64(len(fats)) < nFAT; i++ {
			fats = append(fats, binary.LittleEndian.Uint32(buf[4*i:]))
		}
		next = binary.LittleEndian.Uint32(buf[4*per:])
	}
	for _, s := range fats {
		if err := sectorInFile(s, ss, size, "allocation table"); err != nil {
			return err
		}
	}
	return nil
}

func sectorInFile(s uint32, ss, size int64, what string) error {
	if end := (int64(s) + 2) * ss; end > size {
		return formatErr("%s sector %d ends at byte %d, past the end of the file (%d bytes): the file is truncated", what, s, end, size)
	}
	return nil
}
