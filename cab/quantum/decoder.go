// Package quantum decodes the quantum compression used in cabinet folders.
package quantum

import "errors"

// ErrCorrupt is returned (wrapped) for any malformed compressed input.
var ErrCorrupt = errors.New("quantum: corrupt data")

// Decoder decodes one cabinet folder, block by block. The window and the
// coder state carry over from one block to the next.
type Decoder struct{}

// NewDecoder returns a decoder for a window of 2^windowBits bytes.
func NewDecoder(windowBits int) (*Decoder, error) { return nil, errors.New("quantum: not implemented") }

// Decompress decodes one CFDATA block: src is its compressed payload, dst
// (len = the block's uncompressed size, at most 32768) receives the output.
func (d *Decoder) Decompress(dst, src []byte) error { return errors.New("quantum: not implemented") }

// Reset returns the decoder to its initial state, for the start of a folder.
func (d *Decoder) Reset() {}
