// Package mszip decodes the MSZIP compression used in cabinet folders.
//
// An MSZIP folder is a sequence of CFDATA blocks. Each block holds the two
// signature bytes "CK" followed by a complete deflate stream (RFC 1951)
// whose back-references may reach into the previous 32 KiB of the folder's
// output, so every block is decoded with that history as its preset
// dictionary.
package mszip

import (
	"bytes"
	"compress/flate"
	"errors"
	"fmt"
	"io"
)

// ErrCorrupt is returned (wrapped) for any malformed compressed input.
var ErrCorrupt = errors.New("mszip: corrupt data")

// historySize is the deflate window: no back-reference reaches further.
const historySize = 32 << 10

// maxBlock is the largest uncompressed size of one CFDATA block.
const maxBlock = 32 << 10

// Decoder decodes one cabinet folder, block by block. The history carries
// over from one block to the next. A Decoder is not safe for concurrent use.
type Decoder struct {
	// hist holds the last historySize bytes of output; a fixed array so
	// that priming the next block never allocates.
	hist  [historySize]byte
	nhist int
	src   bytes.Reader
	fr    io.ReadCloser
}

// NewDecoder returns a decoder positioned at the start of a folder.
func NewDecoder() *Decoder { return &Decoder{} }

// Reset returns the decoder to its initial state, for the start of a folder.
func (d *Decoder) Reset() { d.nhist = 0 }

// Decompress decodes one CFDATA block: src is its compressed payload and
// dst, whose length is the block's uncompressed size (at most 32768),
// receives the output. The deflate stream must produce exactly len(dst)
// bytes and then end.
func (d *Decoder) Decompress(dst, src []byte) error {
	if len(dst) > maxBlock {
		return fmt.Errorf("%w: block of %d bytes exceeds 32768", ErrCorrupt, len(dst))
	}
	if len(src) < 2 || src[0] != 'C' || src[1] != 'K' {
		return fmt.Errorf("%w: missing CK signature", ErrCorrupt)
	}
	d.src.Reset(src[2:])
	dict := d.hist[:d.nhist]
	if d.fr == nil {
		d.fr = flate.NewReaderDict(&d.src, dict)
	} else if err := d.fr.(flate.Resetter).Reset(&d.src, dict); err != nil {
		return fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	n, err := io.ReadFull(d.fr, dst)
	if err != nil {
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			return fmt.Errorf("%w: block decodes to %d bytes, header says %d", ErrCorrupt, n, len(dst))
		}
		return fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	// The stream must end exactly here: trailing output means the block
	// header lied about its size, and the next block's history would be
	// wrong.
	var one [1]byte
	if m, err := d.fr.Read(one[:]); m != 0 {
		return fmt.Errorf("%w: block decodes to more than %d bytes", ErrCorrupt, len(dst))
	} else if err != io.EOF {
		if err == nil || err == io.ErrUnexpectedEOF {
			return fmt.Errorf("%w: deflate stream does not end after %d bytes", ErrCorrupt, len(dst))
		}
		return fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	d.remember(dst)
	return nil
}

// remember appends p to the history, keeping only the newest historySize
// bytes.
func (d *Decoder) remember(p []byte) {
	if len(p) >= historySize {
		copy(d.hist[:], p[len(p)-historySize:])
		d.nhist = historySize
		return
	}
	if d.nhist+len(p) > historySize {
		drop := d.nhist + len(p) - historySize
		copy(d.hist[:], d.hist[drop:d.nhist])
		d.nhist -= drop
	}
	d.nhist += copy(d.hist[d.nhist:], p)
}
