package mszip

import (
	"bytes"
	"compress/flate"
	"errors"
	"fmt"
)

// ErrBlockSize is returned by Encoder.Compress for an empty block or one
// longer than 32768 bytes, which no MSZIP block may hold.
var ErrBlockSize = errors.New("mszip: block size must be 1 to 32768 bytes")

// finalEmptyStored is a deflate stored block with BFINAL set and no data,
// starting on a byte boundary: the header bits 1,00 padded to a byte, then
// LEN 0 and NLEN 0xFFFF. It ends each block's deflate stream.
var finalEmptyStored = []byte{0x01, 0x00, 0x00, 0xFF, 0xFF}

// Encoder compresses one cabinet folder into MSZIP blocks. An Encoder is
// not safe for concurrent use.
//
// Every block must decode on its own given the previous 32 KiB of the
// folder as the preset dictionary, and must end with a final deflate
// block. Rather than start a new deflate stream per block (a new
// compressor primed with NewWriterDict, hundreds of KiB of state each
// time), the Encoder runs one deflate stream over the whole folder and
// cuts it at a sync flush after each block: a flush leaves the stream on a
// byte boundary with all of the block's input encoded, and deflate never
// refers more than 32 KiB back, so the bytes up to the flush are exactly
// a deflate stream over the block with the previous 32 KiB as dictionary,
// apart from the final-block bit, which a trailing empty final stored
// block supplies. The stream is flushed every 8 KiB (see complete.go), at
// a cost of about 0.1% in size.
type Encoder struct {
	fw    *flate.Writer
	buf   bytes.Buffer
	level int
}

// NewEncoder returns an Encoder at the start of a folder. The level is
// that of compress/flate (flate.BestSpeed to flate.BestCompression, or
// flate.DefaultCompression).
func NewEncoder(level int) (*Encoder, error) {
	e := &Encoder{level: level}
	fw, err := flate.NewWriter(&e.buf, level)
	if err != nil {
		return nil, fmt.Errorf("mszip: %w", err)
	}
	e.fw = fw
	return e, nil
}

// Reset returns the encoder to the start of a folder: the next block has
// no history.
func (e *Encoder) Reset() {
	e.buf.Reset()
	e.fw.Reset(&e.buf)
}

// Compress appends to dst the MSZIP block for src ("CK" and the deflate
// stream) and returns the extended slice. src holds 1 to 32768 bytes, the
// block's uncompressed data; every block of a folder but the last must
// hold exactly 32768.
func (e *Encoder) Compress(dst, src []byte) ([]byte, error) {
	if len(src) == 0 || len(src) > maxBlock {
		return dst, fmt.Errorf("%w: %d bytes", ErrBlockSize, len(src))
	}
	dst = append(dst, 'C', 'K')
	for len(src) > 0 {
		chunk := src[:min(len(src), chunkSize)]
		src = src[len(chunk):]
		e.buf.Reset()
		if _, err := e.fw.Write(chunk); err != nil {
			return dst, fmt.Errorf("mszip: %w", err)
		}
		if err := e.fw.Flush(); err != nil {
			return dst, fmt.Errorf("mszip: %w", err)
		}
		seg, err := fixBlock(e.buf.Bytes(), chunk)
		if err != nil {
			return dst, err
		}
		dst = append(dst, seg...)
	}
	return append(dst, finalEmptyStored...), nil
}
