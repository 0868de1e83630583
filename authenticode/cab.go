package authenticode

import (
	"crypto"
	"encoding/binary"
	"fmt"
	"io"
)

// A signed cabinet has a 20-byte header reserve (cbCFHeader at offset
// 36) whose bytes 4-7 and 8-11 (file offsets 44 and 48) give the
// signature's offset and size; the signature follows the cabinet's data.
// The digest covers the header without the fields signing changes
// (reserved1 at 4-7; iCabinet, the reserve sizes and the first 16 reserve
// bytes at 34-55), then everything from offset 56 to the signature, as
// osslsigncode and signtool compute it.

const (
	cabFlagReserve   = 0x0004
	cabSignedReserve = 20
)

type cabFile struct {
	r              io.ReaderAt
	size           int64
	sigOff, sigLen int64
}

func openCAB(r io.ReaderAt, size int64) (*cabFile, error) {
	le := binary.LittleEndian
	f := &cabFile{r: r, size: size}
	hdr := make([]byte, 60)
	n, _ := r.ReadAt(hdr, 0)
	if n < 36 {
		return nil, fmt.Errorf("%w: the cabinet header is cut short", ErrDamaged)
	}
	if le.Uint16(hdr[30:])&cabFlagReserve == 0 || n < 60 || le.Uint16(hdr[36:]) != cabSignedReserve {
		return f, nil // no reserve, or one that is not a signature's
	}
	f.sigOff, f.sigLen = int64(le.Uint32(hdr[44:])), int64(le.Uint32(hdr[48:]))
	return f, nil
}

func (f *cabFile) signature() ([]byte, error) {
	if f.sigOff == 0 || f.sigLen == 0 {
		return nil, ErrNotSigned
	}
	if f.sigOff < 60 {
		return nil, fmt.Errorf("%w: the cabinet signature's offset %d is inside the header", ErrMalformed, f.sigOff)
	}
	return readSignature(f.r, f.size, f.sigOff, f.sigLen, "the cabinet signature")
}

func (f *cabFile) digest(h crypto.Hash) ([]byte, error) {
	return hashSpans(f.r, h, []span{{0, 4}, {8, 34}, {56, f.sigOff}})
}
