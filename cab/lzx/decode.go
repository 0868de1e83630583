package lzx

// decodeRun decodes the symbols of a verbatim or aligned-offset block into
// window[out:end], where end is the nearer of the block's end and the
// frame's end. A match may cross neither: the reference decoders reject
// such streams, and Microsoft's encoders never write them.
//
// The bit reader's state lives in locals for the duration of the loop: it
// keeps the inner loop free of memory traffic and calls.
func (d *Decoder) decodeRun(out, end int, aligned bool) error {
	win := d.window
	if end > len(win) || out < 0 || out > end || len(d.mainTree.table) < 1<<mainTableBits {
		return corrupt("internal: run %d..%d outside the window or no main tree", out, end)
	}
	winSize := len(win)
	// history+out is the number of bytes of the folder decoded before
	// window[out]; matches may reach no further back than that.
	frameStart := int(d.total & int64(winSize-1))
	history := d.total - int64(frameStart)
	delta := d.delta
	if delta {
		// The reference data sits in the window, and zeros before it
		// ([MS-PATCH] 3.1.2): a match may reach as far as the window goes.
		history = int64(winSize)
	}
	run := win[:end] // output goes here; only match sources may lie beyond

	br := &d.br
	src, pos, buf, nbits := br.src, br.pos, br.buf, br.nbits
	mainT := d.mainTree.table
	// The primary table as an array, so that indexing it needs no check.
	mainPrimary := (*[1 << mainTableBits]uint32)(mainT)
	lenT, lenBits, lenEmpty := d.lengthTree.table, d.lengthTree.bits, d.lengthTree.empty
	alT := d.alignedTree.table
	r0, r1, r2 := d.r0, d.r1, d.r2

	var err error
	for out < len(run) {
		// One refill per symbol: at least 49 bits cover a main symbol,
		// a length symbol and 17 extra bits (aligned offsets top up).
		if nbits < 49 {
			if pos+8 <= len(src) {
				buf, nbits, pos = refill64(src, buf, nbits, pos)
			} else {
				buf, nbits, pos = refillSlow(src, buf, nbits, pos)
			}
		}
		e := mainPrimary[buf>>(64-mainTableBits)]
		if e&entryLink != 0 {
			e = mainT[e>>entrySymShift+uint32((buf<<mainTableBits)>>(64-(e&entryLenMask)))]
		}
		n := uint(e & entryLenMask)
		buf <<= n
		nbits -= n
		sym := int(e >> entrySymShift)
		if sym < numChars {
			run[out] = byte(sym)
			out++
			continue
		}

		sym -= numChars
		length := sym&7 + minMatch
		slot := sym >> 3
		if length == numPrimaryLengths+minMatch {
			if lenEmpty {
				err = corrupt("long match with an empty length tree")
				break
			}
			e := lenT[buf>>(64-lenBits)]
			if e&entryLink != 0 {
				e = lenT[e>>entrySymShift+uint32((buf<<lenBits)>>(64-(e&entryLenMask)))]
			}
			n := uint(e & entryLenMask)
			buf <<= n
			nbits -= n
			length += int(e >> entrySymShift)
		}

		var off uint32
		switch slot {
		case 0:
			off = r0
		case 1:
			off = r1
			r1 = r0
			r0 = off
		case 2:
			off = r2
			r2 = r0
			r0 = off
		default:
			extra := uint(extraBits[slot])
			if aligned && extra >= 3 {
				v := uint32(buf>>(64-(extra-3))) << 3
				buf <<= extra - 3
				nbits -= extra - 3
				if nbits < 16 {
					buf, nbits, pos = refill(src, buf, nbits, pos)
				}
				e := alT[buf>>(64-alignedTableBits)] // never a link
				n := uint(e & entryLenMask)
				buf <<= n
				nbits -= n
				v += e >> entrySymShift
				off = positionBase[slot] + v - 2
			} else {
				v := uint32(buf >> (64 - extra))
				buf <<= extra
				nbits -= extra
				off = positionBase[slot] + v - 2
			}
			r2 = r1
			r1 = r0
			r0 = off
		}
		if length == 257 && delta {
			length, buf, nbits, pos = extendedLength(src, buf, nbits, pos)
		}

		if length > len(run)-out {
			err = corrupt("match of %d bytes runs past the end of its block or frame", length)
			break
		}
		if off == 0 || int64(off) > history+int64(out) || int(off) > winSize {
			err = corrupt("match offset %d reaches before the start of the data", off)
			break
		}
		from := out - int(off)
		if from >= 0 {
			if length <= 16 {
				// A forward byte copy is right for overlapping matches too,
				// and cheaper than copy for these short ones.
				for i := range length {
					win[out+i] = win[from+i]
				}
			} else if int(off) >= length {
				copy(win[out:out+length], win[from:from+length])
			} else {
				// Overlapping: the bytes repeat with period off, so each
				// copy can take twice as much as the one before.
				dst := win[out : out+length]
				for i := 0; i < length; {
					i += copy(dst[i:], win[from:out+i])
				}
			}
		} else {
			// The source wraps around the end of the window: rare enough
			// for a byte loop.
			from += winSize
			for i := range length {
				win[out+i] = win[from]
				from++
				if from == winSize {
					from = 0
				}
			}
		}
		out += length
	}

	br.pos, br.buf, br.nbits = pos, buf, nbits
	d.r0, d.r1, d.r2 = r0, r1, r2
	if err != nil {
		return err
	}
	if br.overrun() {
		return corrupt("compressed block needs more input than the frame has")
	}
	return nil
}

// extendedLength reads the rest of an LZX DELTA match whose length symbols
// said 257: after the offset, a prefix code of 1 to 3 bits picks how many
// length bits follow ([MS-PATCH] 2.3.2.2). It is out of line to keep the
// decoding loop small; such matches are rare.
//
//go:noinline
func extendedLength(src []byte, buf uint64, nbits uint, pos int) (int, uint64, uint, int) {
	if nbits < 18 {
		buf, nbits, pos = refill(src, buf, nbits, pos)
	}
	var p, x, base uint
	switch {
	case buf>>63 == 0:
		p, x, base = 1, 8, 257
	case buf>>62 == 2:
		p, x, base = 2, 10, 513
	case buf>>61 == 6:
		p, x, base = 3, 12, 1537
	default:
		p, x, base = 3, 15, 257
	}
	length := int(base + uint((buf<<p)>>(64-x)))
	return length, buf << (p + x), nbits - (p + x), pos
}
