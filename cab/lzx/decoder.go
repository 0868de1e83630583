// Package lzx decodes the LZX compression used in cabinet folders.
//
// The format is the one of [MS-PATCH] ("LZX DELTA Compression and
// Decompression") without the delta reference data, as cabinets use it: a
// folder is one LZX stream cut into frames of 32768 output bytes, one frame
// per CFDATA block, with the bitstream realigned to 16 bits at each frame's
// end. LZX blocks, the window and the repeated offsets run across frames.
package lzx

import (
	"errors"
	"fmt"
)

// ErrCorrupt is returned (wrapped) for any malformed compressed input.
var ErrCorrupt = errors.New("lzx: corrupt data")

// ErrWindowSize is returned by NewDecoder for a window a cabinet cannot use.
var ErrWindowSize = errors.New("lzx: window size out of range")

const (
	maxMainSyms = numChars + maxSlots*8
)

// Decoder decodes one cabinet folder, block by block. The window and the
// coder state carry over from one block to the next. A Decoder is not safe
// for concurrent use.
type Decoder struct {
	windowBits int
	window     []byte // 2^windowBits bytes; frames never wrap inside it
	mainSyms   int    // main tree size for this window

	// Stream state.
	total       int64 // bytes output by the frames decoded so far
	frames      int   // frames decoded so far
	shortFrame  bool  // a frame shorter than frameSize was seen: it was the last
	headerRead  bool  // the E8 header at the start of the stream
	e8Size      int32 // E8 translation size; 0 = no translation
	r0, r1, r2  uint32
	err         error // sticky: the stream is unusable after an error
	blockType   int
	blockLen    int // uncompressed size the current block declared
	blockRemain int // of it, still to decode
	padPending  bool

	br bitReader

	mainTree, lengthTree, alignedTree, pretree huffman

	// Code lengths persist from block to block: each block codes its
	// lengths as differences from the previous ones.
	mainLens   [maxMainSyms + lengthSlack]uint8
	lengthLens [numLengthSymbols + lengthSlack]uint8
}

// NewDecoder returns a decoder for a window of 2^windowBits bytes. Cabinets
// name windowBits 15 to 21 in bits 8-12 of a folder's typeCompress.
func NewDecoder(windowBits int) (*Decoder, error) {
	if windowBits < minWindowBits || windowBits > maxWindowBits {
		return nil, fmt.Errorf("%w: %d bits (want %d to %d)", ErrWindowSize, windowBits, minWindowBits, maxWindowBits)
	}
	d := &Decoder{
		windowBits: windowBits,
		window:     make([]byte, 1<<windowBits),
		mainSyms:   numChars + positionSlots[windowBits-minWindowBits]*8,
	}
	d.Reset()
	return d, nil
}

// Reset returns the decoder to its initial state, for the start of a folder.
// It keeps the window's memory.
func (d *Decoder) Reset() {
	d.total, d.frames = 0, 0
	d.shortFrame, d.headerRead, d.padPending = false, false, false
	d.e8Size = 0
	d.r0, d.r1, d.r2 = 1, 1, 1
	d.err = nil
	d.blockType, d.blockLen, d.blockRemain = 0, 0, 0
	clear(d.mainLens[:])
	clear(d.lengthLens[:])
	d.br.init(nil)
}

// Decompress decodes one CFDATA block: src is its compressed payload, dst
// (len = the block's uncompressed size, at most 32768) receives the output.
// Blocks must come in folder order, and only the last block of a folder may
// be shorter than 32768 bytes. Bytes of src after the frame's bitstream are
// ignored. Errors for malformed input wrap ErrCorrupt; after one, the
// decoder keeps returning it until Reset.
func (d *Decoder) Decompress(dst, src []byte) error {
	if d.err != nil {
		return d.err
	}
	if len(dst) == 0 {
		return nil
	}
	if err := d.decompress(dst, src); err != nil {
		d.err = fmt.Errorf("frame %d: %w", d.frames, err)
		d.br.init(nil)
		return d.err
	}
	return nil
}

func (d *Decoder) decompress(dst, src []byte) error {
	n := len(dst)
	if n > frameSize {
		return corrupt("block of %d bytes, more than an LZX frame (%d)", n, frameSize)
	}
	if d.shortFrame {
		return corrupt("a block follows a short block of the folder")
	}
	d.br.init(src)
	if !d.headerRead {
		d.headerRead = true
		if d.br.readBits(1) == 1 {
			d.e8Size = int32(d.br.readBits(32))
		}
	}

	start := int(d.total & int64(len(d.window)-1))
	out, end := start, start+n
	for out < end {
		if d.blockRemain == 0 {
			if err := d.readBlockHeader(); err != nil {
				return err
			}
			continue
		}
		runEnd := out + min(d.blockRemain, end-out)
		var err error
		switch d.blockType {
		case blockUncompressed:
			err = d.copyUncompressed(out, runEnd)
		default:
			err = d.decodeRun(out, runEnd, d.blockType == blockAligned)
		}
		if err != nil {
			return err
		}
		d.blockRemain -= runEnd - out
		out = runEnd
		if d.blockRemain == 0 && d.blockType == blockUncompressed && d.blockLen&1 == 1 {
			d.padPending = true
		}
	}
	if d.br.overrun() {
		return corrupt("frame needs more input than its %d bytes", len(src))
	}
	// The pad byte of an odd uncompressed block that ends the frame belongs
	// to this block's input if it is there, else to the next one's.
	if d.padPending && d.br.nbits == 0 && d.br.pos < len(src) {
		d.padPending = false
	}

	copy(dst, d.window[start:end])
	if d.e8Size != 0 && d.total < e8Limit {
		translateE8(dst, d.total, d.e8Size)
	}
	d.total += int64(n)
	d.frames++
	d.shortFrame = n < frameSize
	return nil
}
