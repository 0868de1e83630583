// Package mszip decodes the MSZIP compression used in cabinet folders.
//
// An MSZIP folder is a sequence of CFDATA blocks. Each block holds the two
// signature bytes "CK" followed by a complete deflate stream (RFC 1951)
// whose back-references may reach into the previous 32 KiB of the folder's
// output, so every block is decoded with that history as its preset
// dictionary.
package mszip

import (
	"errors"
	"fmt"
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
	z inflater
	// buf is the history (its last nhist bytes before historySize), then
	// room for one block and the decoder's slack.
	buf   []byte
	nhist int
}

// NewDecoder returns a decoder positioned at the start of a folder.
func NewDecoder() *Decoder { return &Decoder{} }

// Reset returns the decoder to its initial state, for the start of a folder.
func (d *Decoder) Reset() { d.nhist = 0 }

// checkBlock checks a block's size and signature.
func checkBlock(n int, src []byte) error {
	if n > maxBlock {
		return fmt.Errorf("%w: block of %d bytes exceeds 32768", ErrCorrupt, n)
	}
	if len(src) < 2 || src[0] != 'C' || src[1] != 'K' {
		return fmt.Errorf("%w: missing CK signature", ErrCorrupt)
	}
	return nil
}

// Decompress decodes one CFDATA block: src is its compressed payload and
// dst, whose length is the block's uncompressed size (at most 32768),
// receives the output. The deflate stream must produce exactly len(dst)
// bytes and then end.
func (d *Decoder) Decompress(dst, src []byte) error {
	if err := checkBlock(len(dst), src); err != nil {
		return err
	}
	if d.buf == nil {
		d.buf = make([]byte, historySize+maxBlock+slack)
	}
	const pos = historySize
	if err := d.z.inflate(d.buf, nil, pos-d.nhist, pos, pos+len(dst), src[2:]); err != nil {
		return err
	}
	copy(dst, d.buf[pos:])
	// The newest historySize bytes become the history of the next block.
	copy(d.buf, d.buf[len(dst):pos+len(dst)])
	d.nhist = min(historySize, d.nhist+len(dst))
	return nil
}

// DecodeInto decodes one block, src with its signature, into
// buf[pos:pos+n], resolving back-references against the hist bytes
// before pos (at most 32768: the output of the folder before this
// block). It leaves the Decoder's own history alone. When buf has 8 bytes
// to spare after pos+n, they may be overwritten.
func (d *Decoder) DecodeInto(buf []byte, pos, hist, n int, src []byte) error {
	if err := checkBlock(n, src); err != nil {
		return err
	}
	if hist > historySize || hist > pos || pos+n > len(buf) {
		return fmt.Errorf("mszip: DecodeInto: bad positions")
	}
	return d.z.inflate(buf, nil, pos-hist, pos, pos+n, src[2:])
}
