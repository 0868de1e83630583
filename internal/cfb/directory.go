package cfb

import (
	"encoding/binary"
	"fmt"
	"io"
)

// NoEntry marks a missing sibling or child in DirEntry.
const NoEntry = noStream

// DirEntry is one directory entry as the file stores it ([MS-CFB] 2.6):
// its name and its place in the storage's red-black tree. mscfb reads
// streams but does not expose the tree; a reader that must know which of
// two entries with one name Windows opens (Lookup) needs it.
type DirEntry struct {
	Name  []uint16 // without the terminating NUL
	Type  byte     // 0 unused, 1 storage, 2 stream, 5 root
	Left  uint32   // entry numbers, or NoEntry
	Right uint32
	Child uint32
	// What Authenticode hashes besides stream contents (the metadata
	// pre-hash of MsiDigitalSignatureEx, the CLSID of each storage):
	CLSID     [16]byte // as stored (little-endian GUID fields)
	StateBits uint32
	Created   uint64 // FILETIME, as stored
	Modified  uint64
	Start     uint32 // first sector (of the mini stream for the root)
	Size      uint64 // stream size (the mini stream's for the root)
}

// IsStorage reports whether the entry is a storage or the root.
func (d DirEntry) IsStorage() bool { return d.Type == typeStorage || d.Type == typeRoot }

// ReadDirectory reads the directory of the compound file r holds (size
// bytes): every entry, numbered as the file numbers them (entry 0 is the
// root). Damage (a chain that leaves the file or loops) is an error
// wrapping ErrDamaged; nothing is allocated beyond what the file holds.
func ReadDirectory(r io.ReaderAt, size int64) ([]DirEntry, error) {
	fr, err := newFatReader(r, size)
	if err != nil {
		return nil, err
	}
	return fr.directory()
}

// newFatReader reads the header of the compound file r holds (size bytes).
func newFatReader(r io.ReaderAt, size int64) (*fatReader, error) {
	le := binary.LittleEndian
	hdr := make([]byte, 512)
	if _, err := r.ReadAt(hdr, 0); err != nil {
		return nil, fmt.Errorf("%w: reading the header: %v", ErrDamaged, err)
	}
	if string(hdr[:8]) != string(signature[:]) {
		return nil, fmt.Errorf("%w: no compound file signature", ErrDamaged)
	}
	shift := le.Uint16(hdr[30:])
	if shift != 9 && shift != 12 {
		return nil, fmt.Errorf("%w: sector size 2^%d", ErrDamaged, shift)
	}
	fr := &fatReader{r: r, ss: int64(1) << shift, hdr: hdr}
	fr.nSect = (size - fr.ss) / fr.ss
	fr.nFAT = int64(le.Uint32(hdr[44:]))
	fr.nextDIFAT = le.Uint32(hdr[68:])
	return fr, nil
}

// directory reads every directory entry.
func (fr *fatReader) directory() ([]DirEntry, error) {
	le := binary.LittleEndian
	hdr := fr.hdr
	var dir []DirEntry
	buf := make([]byte, fr.ss)
	s := le.Uint32(hdr[48:])
	for hops := int64(0); s != endOfChain; hops++ {
		if hops >= fr.nSect {
			return nil, fmt.Errorf("%w: the directory's sector chain loops", ErrDamaged)
		}
		if err := fr.read(buf, s, "directory"); err != nil {
			return nil, err
		}
		for off := int64(0); off < fr.ss; off += entrySize {
			dir = append(dir, decodeEntry(buf[off:off+entrySize]))
		}
		next, err := fr.next(s)
		if err != nil {
			return nil, err
		}
		s = next
	}
	if len(dir) == 0 || dir[0].Type != typeRoot {
		return nil, fmt.Errorf("%w: the directory has no root entry", ErrDamaged)
	}
	return dir, nil
}

func decodeEntry(b []byte) DirEntry {
	le := binary.LittleEndian
	d := DirEntry{Type: b[66], Left: le.Uint32(b[68:]), Right: le.Uint32(b[72:]), Child: le.Uint32(b[76:]),
		StateBits: le.Uint32(b[96:]), Created: le.Uint64(b[100:]), Modified: le.Uint64(b[108:]),
		Start: le.Uint32(b[116:]), Size: le.Uint64(b[120:])}
	copy(d.CLSID[:], b[80:96])
	// The length counts bytes and the terminating NUL; a length that
	// does not fit leaves the name empty, as an unused entry's.
	if n := int(le.Uint16(b[64:])); n >= 4 && n <= 64 && n%2 == 0 {
		d.Name = make([]uint16, n/2-1)
		for i := range d.Name {
			d.Name[i] = le.Uint16(b[2*i:])
		}
	}
	return d
}

// fatReader follows sector chains, reading the allocation table entry by
// entry as needed, so that a few short chains cost a few reads.
type fatReader struct {
	r         io.ReaderAt
	ss        int64 // sector size
	nSect     int64 // sectors in the file after the header
	hdr       []byte
	nFAT      int64    // allocation table sectors the header claims
	fats      []uint32 // their numbers, from the DIFAT, read so far
	nextDIFAT uint32
	cached    []byte // the allocation table sector last read
	cachedAt  uint32 // its number
}

// read reads sector s into buf.
func (fr *fatReader) read(buf []byte, s uint32, what string) error {
	if s > maxRegSect || int64(s) >= fr.nSect {
		return fmt.Errorf("%w: %s sector %d is outside the file (%d sectors)", ErrDamaged, what, s, fr.nSect)
	}
	if _, err := fr.r.ReadAt(buf, (int64(s)+1)*fr.ss); err != nil {
		return fmt.Errorf("%w: reading %s sector %d: %v", ErrDamaged, what, s, err)
	}
	return nil
}

// next returns the sector after s in its chain.
func (fr *fatReader) next(s uint32) (uint32, error) {
	per := fr.ss / 4
	k := int64(s) / per
	fat, err := fr.fatSector(k)
	if err != nil {
		return 0, err
	}
	if fat > maxRegSect || int64(fat) >= fr.nSect {
		return 0, fmt.Errorf("%w: allocation table sector %d is outside the file", ErrDamaged, fat)
	}
	// One allocation table sector is kept: a long stream's chain reads
	// each of its sectors once, not once per entry.
	if fr.cached == nil || fr.cachedAt != fat {
		if fr.cached == nil {
			fr.cached = make([]byte, fr.ss)
		}
		if _, err := fr.r.ReadAt(fr.cached, (int64(fat)+1)*fr.ss); err != nil {
			fr.cached = nil
			return 0, fmt.Errorf("%w: reading the allocation table: %v", ErrDamaged, err)
		}
		fr.cachedAt = fat
	}
	return binary.LittleEndian.Uint32(fr.cached[4*(int64(s)%per):]), nil
}

// fatSector returns the number of the k-th allocation table sector: from
// the header's 109, then from the DIFAT chain, read as far as needed.
func (fr *fatReader) fatSector(k int64) (uint32, error) {
	if k >= fr.nFAT || k > fr.nSect {
		return 0, fmt.Errorf("%w: the allocation table has %d sectors, entry %d wanted", ErrDamaged, fr.nFAT, k)
	}
	if k < headerDIFAT {
		return binary.LittleEndian.Uint32(fr.hdr[76+4*k:]), nil
	}
	per := fr.ss/4 - 1
	buf := make([]byte, fr.ss)
	for int64(len(fr.fats)) <= k-headerDIFAT {
		if err := fr.read(buf, fr.nextDIFAT, "DIFAT"); err != nil {
			return 0, err
		}
		for i := int64(0); i < per; i++ {
			fr.fats = append(fr.fats, binary.LittleEndian.Uint32(buf[4*i:]))
		}
		fr.nextDIFAT = binary.LittleEndian.Uint32(buf[4*per:])
	}
	return fr.fats[k-headerDIFAT], nil
}

// Lookup finds the child of storage entry parent named name the way
// Windows opens it: by searching the storage's red-black tree, comparing
// names as [MS-CFB] 2.6.4 orders them (shorter first, then unit by unit
// upper-cased). Of two children with one name it finds the one the search
// meets first, and it misses a child that a misordered tree puts on the
// wrong side. The search takes at most len(dir) steps, so a tree that
// loops ends.
func Lookup(dir []DirEntry, parent uint32, name []uint16) (uint32, bool) {
	if int64(parent) >= int64(len(dir)) {
		return NoEntry, false
	}
	at := dir[parent].Child
	for steps := 0; at != NoEntry && int64(at) < int64(len(dir)) && steps < len(dir); steps++ {
		switch c := compareNames(name, dir[at].Name); {
		case c == 0:
			return at, true
		case c < 0:
			at = dir[at].Left
		default:
			at = dir[at].Right
		}
	}
	return NoEntry, false
}

// NameKey is a key under which names a compound file takes for one name
// (equal after upper-casing, as [MS-CFB] 2.6.4 compares them) collide.
func NameKey(name []uint16) string { return foldKey(name) }
