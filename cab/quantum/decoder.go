// Package quantum decodes the Quantum compression used in cabinet folders.
//
// Quantum, David Stafford's format, is LZ77 over a window of 1 KiB to 2 MiB
// whose literals, match lengths and match offsets are arithmetic coded with
// adaptive frequency models. Output is produced in frames of 32 KiB; each
// frame restarts the arithmetic coder on a byte boundary, while the window
// and the models carry over for the whole folder. A cabinet stores one frame
// per CFDATA block, so a Decoder is fed the blocks of a folder in order.
package quantum

import (
	"errors"
	"fmt"
)

// ErrCorrupt is returned (wrapped) for any malformed compressed input.
var ErrCorrupt = errors.New("quantum: corrupt data")

// Selectors 0-3 are literals from the four 64-symbol literal models;
// 4 and 5 are matches of 3 and 4 bytes; 6 is a match of 5 or more bytes.
const (
	numSelectors  = 7
	selMatch3     = 4
	selMatch4     = 5
	selMatchLong  = 6
	numLiterals   = 4
	literalSyms   = 64
	match3Slots   = 24 // the 3- and 4-byte match offset models never use
	match4Slots   = 36 // more slots than these, whatever the window
	minLongLength = 5
)

// Decoder decodes one cabinet folder, block by block. The window and the
// models carry over from one block to the next. A Decoder that has returned
// an error keeps returning it until Reset.
type Decoder struct {
	windowBits int

	// history holds the last bytes of the folder, up to the window size.
	// It grows until it holds a window, then serves as a ring in which next
	// is where the next byte goes (and the oldest byte is).
	history []byte
	next    int
	window  int

	selector model
	literal  [numLiterals]model
	match3   model // offset slots of 3-byte matches
	match4   model // offset slots of 4-byte matches
	longPos  model // offset slots of longer matches
	longLen  model // length slots of longer matches

	ac  arithDecoder
	err error
}

// NewDecoder returns a decoder for a window of 2^windowBits bytes, with
// windowBits from 10 to 21: bits 8-12 of a folder's typeCompress. (The
// compression level, bits 4-7, does not affect decoding.) The window, up to
// 2 MiB, is allocated as the folder's data fills it.
func NewDecoder(windowBits int) (*Decoder, error) {
	if windowBits < minWindowBits || windowBits > maxWindowBits {
		return nil, fmt.Errorf("%w: window of 2^%d bytes, want 2^%d to 2^%d",
			ErrCorrupt, windowBits, minWindowBits, maxWindowBits)
	}
	d := &Decoder{windowBits: windowBits, window: 1 << windowBits}
	d.Reset()
	return d, nil
}

// Reset returns the decoder to its initial state, for the start of a folder.
func (d *Decoder) Reset() {
	d.history, d.next, d.err = d.history[:0], 0, nil
	d.selector.init(0, numSelectors)
	for i := range d.literal {
		d.literal[i].init(i*literalSyms, literalSyms)
	}
	slots := 2 * d.windowBits
	d.match3.init(0, min(slots, match3Slots))
	d.match4.init(0, min(slots, match4Slots))
	d.longPos.init(0, slots)
	d.longLen.init(0, numLengthSlots)
}

// Decompress decodes one CFDATA block: src is its compressed payload, dst
// (len = the block's uncompressed size, at most 32768) receives the output.
//
// Each block is taken to be one frame, as cabinet writers produce them: a
// block of 32768 bytes completes its frame and must not read past its
// payload; a shorter block is the folder's last, and its last match may run
// past its end, up to the frame's. Malformed input gives an error wrapping
// ErrCorrupt.
func (d *Decoder) Decompress(dst, src []byte) error {
	if d.err != nil {
		return d.err
	}
	if err := d.decompress(dst, src); err != nil {
		d.err = err
		return err
	}
	d.remember(dst)
	return nil
}

func (d *Decoder) decompress(dst, src []byte) error {
	if len(dst) > frameSize {
		return fmt.Errorf("%w: block of %d bytes exceeds the %d-byte frame", ErrCorrupt, len(dst), frameSize)
	}
	if len(dst) == 0 {
		return nil
	}
	ac := &d.ac
	ac.start(src)
	for out := 0; out < len(dst); {
		// Past its payload a block reads the trailer and padding, then
		// zeros, which could otherwise keep decoding to the block's end.
		if ac.br.overrun() {
			return fmt.Errorf("%w: block needs more than its %d bytes of input", ErrCorrupt, len(src))
		}
		sel := ac.decode(&d.selector)
		if sel < numLiterals {
			dst[out] = byte(ac.decode(&d.literal[sel]))
			out++
			continue
		}
		var length, slot int
		switch sel {
		case selMatch3:
			length, slot = 3, ac.decode(&d.match3)
		case selMatch4:
			length, slot = 4, ac.decode(&d.match4)
		default:
			ls := ac.decode(&d.longLen)
			length = int(lengthBase[ls]+ac.br.bits(uint(lengthExtra[ls]))) + minLongLength
			slot = ac.decode(&d.longPos)
		}
		offset := int(positionBase[slot]+ac.br.bits(uint(positionExtra[slot]))) + 1
		if offset > len(d.history)+out {
			return fmt.Errorf("%w: match offset %d at byte %d reaches before the start of the folder",
				ErrCorrupt, offset, out)
		}
		if out+length > frameSize {
			return fmt.Errorf("%w: %d-byte match at byte %d runs past the %d-byte frame",
				ErrCorrupt, length, out, frameSize)
		}
		if length > len(dst)-out {
			if err := d.checkOverrun(len(dst), out, length); err != nil {
				return err
			}
			length = len(dst) - out
		}
		d.copyMatch(dst, out, offset, length)
		out += length
	}
	if ac.br.overrun() {
		return fmt.Errorf("%w: block needs more than its %d bytes of input", ErrCorrupt, len(src))
	}
	// A full frame is followed in the folder's stream by the trailer the
	// next frame resynchronises on; a frame that reads into it is corrupt.
	if len(dst) == frameSize && ac.br.consumed() > len(src)*8 {
		return fmt.Errorf("%w: frame reads past its %d bytes of input", ErrCorrupt, len(src))
	}
	return nil
}

// checkOverrun decides on a match at byte out of a block of size bytes that
// runs past the block's end. The frame, not the block, bounds a match: the
// folder's last block is usually shorter than a frame, and its last match may
// run on into the rest of the frame, which holds nothing the folder declares,
// so its bytes are dropped. libmspack decodes these, and cabextract extracts
// such folders; 7-Zip calls them a data error.
//
// libmspack writes its output from the window, and when a match runs over
// the end of the window it writes out everything up to that end before
// finishing the match. If the folder's data ends before the window does,
// that is more than was asked for, and it fails the folder instead. With a
// window smaller than a frame, that end can fall inside the dropped part of
// the match; such a folder is refused here too, so that what extracts
// agrees with cabextract.
func (d *Decoder) checkOverrun(size, out, length int) error {
	toWindowEnd := d.window - (d.next+out)%d.window
	if length > toWindowEnd && toWindowEnd > size-out {
		return fmt.Errorf("%w: %d-byte match at byte %d of the %d-byte block wraps the window past the block's end",
			ErrCorrupt, length, out, size)
	}
	return nil
}

// copyMatch appends to dst[:out] length bytes copied from offset bytes back,
// taking from the history what lies before dst. The ranges may overlap, in
// which case the copy repeats the last offset bytes, as LZ77 intends.
func (d *Decoder) copyMatch(dst []byte, out, offset, length int) {
	end := out + length
	if back := offset - out; back > 0 {
		// The match starts in an earlier block.
		p := d.next - back
		if p < 0 {
			p += len(d.history)
		}
		for ; out < end && back > 0; back-- {
			dst[out] = d.history[p]
			out++
			if p++; p == len(d.history) {
				p = 0
			}
		}
	}
	if out == end {
		return
	}
	if offset >= end-out {
		copy(dst[out:end], dst[out-offset:])
		return
	}
	for ; out < end; out++ {
		dst[out] = dst[out-offset]
	}
}

// remember appends a decoded block to the history.
func (d *Decoder) remember(b []byte) {
	if n := len(d.history); n < d.window {
		k := min(len(b), d.window-n)
		if n+k > cap(d.history) {
			grown := make([]byte, n, min(d.window, max(2*cap(d.history), n+k)))
			copy(grown, d.history)
			d.history = grown
		}
		d.history = append(d.history, b[:k]...)
		b = b[k:]
		d.next = len(d.history) % d.window
	}
	if len(b) >= d.window {
		copy(d.history, b[len(b)-d.window:])
		d.next = 0
		return
	}
	k := copy(d.history[d.next:], b)
	copy(d.history, b[k:])
	d.next = (d.next + len(b)) % d.window
}
