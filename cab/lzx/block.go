package lzx

// readBlockHeader starts a new LZX block: type, size, and the trees or
// repeated offsets it carries.
func (d *Decoder) readBlockHeader() error {
	br := &d.br
	if d.padPending {
		d.padPending = false
		br.seekByte(br.pos + 1)
	}
	if br.overrun() {
		return corrupt("block header past the end of the input")
	}
	d.blockType = int(br.readBits(3))
	d.blockLen = int(br.readBits(24))
	d.blockRemain = d.blockLen
	switch d.blockType {
	case blockVerbatim, blockAligned:
		return d.readTrees(d.blockType == blockAligned)
	case blockUncompressed:
		p := br.alignToWord()
		src := br.src
		if p+12 > len(src) {
			return corrupt("uncompressed block header past the end of the input")
		}
		d.r0 = le32(src[p:])
		d.r1 = le32(src[p+4:])
		d.r2 = le32(src[p+8:])
		br.seekByte(p + 12)
		return nil
	default:
		return corrupt("block type %d", d.blockType)
	}
}

// copyUncompressed copies stored bytes into window[out:end].
func (d *Decoder) copyUncompressed(out, end int) error {
	br := &d.br
	n := end - out
	if br.pos < 0 || br.pos+n > len(br.src) {
		return corrupt("uncompressed block needs %d bytes, input has %d", n, max(len(br.src)-br.pos, 0))
	}
	copy(d.window[out:end], br.src[br.pos:br.pos+n])
	br.seekByte(br.pos + n)
	return nil
}

func le32(b []byte) uint32 {
	return uint32(b[0]) | uint32(b[1])<<8 | uint32(b[2])<<16 | uint32(b[3])<<24
}
