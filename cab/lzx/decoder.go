// Package lzx decodes the LZX compression used in cabinet folders, and its
// delta variant, LZX DELTA, used by PatchAPI binary patches.
//
// The format is the one of [MS-PATCH] ("LZX DELTA Compression and
// Decompression") without the delta reference data, as cabinets use it: a
// folder is one LZX stream cut into frames of 32768 output bytes, one frame
// per CFDATA block, with the bitstream realigned to 16 bits at each frame's
// end. LZX blocks, the window and the repeated offsets run across frames.
//
// [NewDeltaDecoder] decodes LZX DELTA: the window starts out holding
// reference data (the old file of a patch), which matches may copy from;
// windows go up to 32 MiB and matches may be longer than 257 bytes. Its
// frames (the chunks of [MS-PATCH] 2.1) are the same 32768 output bytes.
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

	// LZX DELTA only: the reference data the window starts with, and
	// where the output starts in the window's coordinates (total at Reset).
	delta  bool
	ref    []byte
	origin int64

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
	return newDecoder(windowBits, minWindowBits, maxWindowBits, false, nil)
}

func newDecoder(windowBits, lo, hi int, delta bool, ref []byte) (*Decoder, error) {
	if windowBits < lo || windowBits > hi {
		return nil, fmt.Errorf("%w: %d bits (want %d to %d)", ErrWindowSize, windowBits, lo, hi)
	}
	d := &Decoder{
		windowBits: windowBits,
		window:     make([]byte, 1<<windowBits),
		mainSyms:   numChars + positionSlots[windowBits-minWindowBits]*8,
		delta:      delta,
		ref:        ref,
	}
	d.Reset()
	return d, nil
}

// NewDeltaDecoder returns a decoder for an LZX DELTA stream ([MS-PATCH])
// with a window of 2^windowBits bytes (17 to 25) that starts out holding
// ref, as if ref had just been decoded: matches may copy from it, and from
// the zeros before it. Frames are the stream's chunks of 32768 output bytes
// each (the last one shorter), without their 16-bit size prefix. E8
// translation positions count from the first output byte. Matches may be
// longer than 257 bytes, with the extended length code of LZX DELTA.
//
// The decoder keeps ref and reads it again on Reset: it must not change
// while the decoder is in use.
func NewDeltaDecoder(windowBits int, ref []byte) (*Decoder, error) {
	return newDecoder(windowBits, minDeltaWindowBits, maxDeltaWindowBits, true, ref)
}

// DeltaWindowBits returns the window size, as a power of two, that PatchAPI
// uses for a reference of refSize bytes and an output of outSize bytes: the
// window must hold the reference, rounded up to whole frames, and the
// output; it is at least 2^17 bytes and at most 2^maxBits. The stream does
// not record it.
func DeltaWindowBits(refSize, outSize int64, maxBits int) int {
	need := (refSize+frameSize-1)&^(frameSize-1) + outSize
	bits := minDeltaWindowBits
	for bits < maxBits && int64(1)<<bits < need {
		bits++
	}
	return bits
}

// Reset returns the decoder to its initial state, for the start of a folder.
// It keeps the window's memory; a delta decoder's window holds its
// reference data again.
func (d *Decoder) Reset() {
	if d.delta {
		d.loadReference()
		d.reset()
		d.total = d.origin
		return
	}
	d.reset()
}

// loadReference clears the window and puts the reference data just before
// the first frame-aligned position after it, where the output starts: so
// frames never wrap inside the window, whatever the reference's size.
func (d *Decoder) loadReference() {
	clear(d.window)
	size := int64(len(d.window))
	n := int64(len(d.ref))
	d.origin = (n + frameSize - 1) &^ (frameSize - 1)
	ref := d.ref[max(n-size, 0):]
	pos := (d.origin - int64(len(ref))) & (size - 1)
	k := copy(d.window[pos:], ref)
	copy(d.window, ref[k:])
}

func (d *Decoder) reset() {
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
	if pos := d.total - d.origin; d.e8Size != 0 && pos < e8Limit {
		translateE8(dst, pos, d.e8Size)
	}
	d.total += int64(n)
	d.frames++
	d.shortFrame = n < frameSize
	return nil
}
