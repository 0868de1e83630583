package authenticode

import (
	"crypto"
	"encoding/binary"
	"fmt"
	"io"
)

// A PE image's signature is in its certificate table, which the
// optional header's security data directory (entry 4) locates by file
// offset. The Authenticode image digest ("Windows Authenticode Portable
// Executable Signature Format") covers the file up to that table, less
// the header's checksum and the directory entry itself, the three things
// signing changes.

// peFile is a PE image's signature locations.
type peFile struct {
	r                 io.ReaderAt
	size              int64
	checksum, dirent  int64 // offsets of the checksum field and the security directory entry
	certOff, certSize int64 // the certificate table
}

const winCertTypePKCS = 2 // WIN_CERT_TYPE_PKCS_SIGNED_DATA

func openPE(r io.ReaderAt, size int64) (*peFile, error) {
	le := binary.LittleEndian
	var b [4]byte
	if _, err := r.ReadAt(b[:], 0x3c); err != nil {
		return nil, fmt.Errorf("%w: PE: no PE header offset", ErrDamaged)
	}
	pe := int64(le.Uint32(b[:]))
	hdr := make([]byte, 24+240)
	if pe+24 > size {
		return nil, fmt.Errorf("%w: PE: header offset %d is past the end of the file", ErrDamaged, pe)
	}
	n, _ := r.ReadAt(hdr, pe)
	hdr = hdr[:n]
	if n < 24+2 || string(hdr[:4]) != "PE\x00\x00" {
		return nil, fmt.Errorf("%w: PE: no PE signature at %d", ErrDamaged, pe)
	}
	optSize := int64(le.Uint16(hdr[20:]))
	opt := int64(24)
	var count, dirs int64
	switch le.Uint16(hdr[opt:]) {
	case 0x10b:
		count, dirs = opt+92, opt+96
	case 0x20b:
		count, dirs = opt+108, opt+112
	default:
		return nil, fmt.Errorf("%w: PE: unknown optional header magic %#x", ErrDamaged, le.Uint16(hdr[opt:]))
	}
	ent := dirs + 4*8
	if ent+8 > opt+optSize || ent+8 > int64(len(hdr)) || le.Uint32(hdr[count:]) < 5 {
		return nil, errNoCertTable
	}
	return &peFile{
		r: r, size: size,
		checksum: pe + opt + 64, dirent: pe + ent,
		certOff: int64(le.Uint32(hdr[ent:])), certSize: int64(le.Uint32(hdr[ent+4:])),
	}, nil
}

// errNoCertTable is returned by openPE for an image whose header is too
// small to have a certificate table: it cannot be signed.
var errNoCertTable = fmt.Errorf("%w: the PE image has no certificate table directory", ErrNotSigned)

func (f *peFile) signature() ([]byte, error) {
	if f.certOff == 0 || f.certSize == 0 {
		return nil, ErrNotSigned
	}
	table, err := readSignature(f.r, f.size, f.certOff, f.certSize, "the PE certificate table")
	if err != nil {
		return nil, err
	}
	// WIN_CERTIFICATE entries: length, revision, type, then the data,
	// each entry aligned on 8 bytes.
	for off := 0; off+8 <= len(table); {
		n := int(binary.LittleEndian.Uint32(table[off:]))
		typ := binary.LittleEndian.Uint16(table[off+6:])
		if n < 8 || n > len(table)-off {
			return nil, fmt.Errorf("%w: PE certificate entry at %d claims %d bytes of %d", ErrMalformed, off, n, len(table)-off)
		}
		if typ == winCertTypePKCS {
			return table[off+8 : off+n], nil
		}
		off += (n + 7) &^ 7
	}
	return nil, ErrNotSigned
}

func (f *peFile) digest(h crypto.Hash) ([]byte, error) {
	end := f.size
	if f.certOff != 0 && f.certSize != 0 {
		end = f.certOff
	}
	if end < f.dirent+8 {
		return nil, fmt.Errorf("%w: the PE certificate table (at %d) overlaps the headers", ErrMalformed, end)
	}
	return hashSpans(f.r, h, []span{{0, f.checksum}, {f.checksum + 4, f.dirent}, {f.dirent + 8, end}})
}
