package pa19

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"io"
	"strings"

	"github.com/msikit/msikit/cab/lzx"
)

// chunkSize is the output of one LZX DELTA chunk; each chunk of the stream
// is preceded by its compressed size, 16 bits little-endian.
const chunkSize = 32768

// Check reports which of the delta's old files old is (its index in Olds),
// as TestApplyPatchToFile does: by size and by CRC32 with the ignored and
// retained ranges as zeros. It fails with ErrWrongOld when old is none of
// them, and with ErrUnsupported when applying would need what this package
// does not do. A header-only delta can be checked.
func (p *Patch) Check(old []byte) (int, error) {
	size := int64(len(old))
	sized := false
	for i := range p.Olds {
		o := &p.Olds[i]
		if o.Size != size {
			continue
		}
		sized = true
		if o.crc(old) == o.CRC {
			return i, p.supported(o)
		}
	}
	want := p.Expected()
	if sized && p.Flags&peFixesOff != peFixesOff && isPE32(old) {
		return -1, fmt.Errorf("%w: the old file is a 32-bit PE image of the right size but CRC32 %08x, not %s: "+
			"the delta normalises such images before comparing (rebase, import binding, lock prefixes, resource times), "+
			"which is not implemented; or it is another version of the file", ErrUnsupported, crc32.ChecksumIEEE(old), want)
	}
	return -1, fmt.Errorf("%w: it is %d bytes with CRC32 %08x; the delta wants %s", ErrWrongOld, size, crc32.ChecksumIEEE(old), want)
}

// IsNew reports whether b is the file the delta makes: the header's new
// size, and its CRC32 with the retained ranges as zeros (the same ranges
// for every old file). It is how a patched file is checked after the
// fact, when its base is gone; a header-only delta can check too.
func (p *Patch) IsNew(b []byte) bool {
	if int64(len(b)) != p.NewSize {
		return false
	}
	var retain []Retained
	if len(p.Olds) > 0 {
		retain = p.Olds[0].Retain
	}
	return newCRC(b, retain) == p.NewCRC
}

// Expected describes the old files the delta applies to, for messages:
// "1022 bytes with CRC32 ac44640f or 1024 bytes with CRC32 3c64b164".
func (p *Patch) Expected() string {
	var wants []string
	for _, o := range p.Olds {
		wants = append(wants, fmt.Sprintf("%d bytes with CRC32 %08x", o.Size, o.CRC))
	}
	want := strings.Join(wants, " or ")
	if len(p.Olds) > 0 && len(p.Olds[0].Ignore)+len(p.Olds[0].Retain) > 0 {
		want += " (its ignored and retained ranges as zeros)"
	}
	return want
}

// supported says whether o's stream can be decoded.
func (p *Patch) supported(o *Old) error {
	if o.Identical() {
		return nil
	}
	if p.Flags&OptionInterleave != 0 {
		return fmt.Errorf("%w: interleaved streams (INTERLEAVE_FILES), not implemented", ErrUnsupported)
	}
	if o.Size > 1<<p.maxWindowBits() {
		return fmt.Errorf("%w: the old file (%d bytes) is larger than the LZX window (%d MiB): PatchAPI interleaves such streams, not implemented",
			ErrUnsupported, o.Size, 1<<p.maxWindowBits()>>20)
	}
	return nil
}

func (p *Patch) maxWindowBits() int {
	if p.Flags&OptionLZXLarge != 0 {
		return maxLargeWindowBits
	}
	return maxWindowBits
}

// Apply writes to w the new file made from old, which must be one of the
// delta's old files (see Check). The new file's size and CRC32 are checked
// before anything is written. When the delta says the files are identical,
// the new file is old.
func (p *Patch) Apply(w io.Writer, old []byte) error {
	i, err := p.Check(old)
	if err != nil {
		return err
	}
	o := &p.Olds[i]
	var out []byte
	switch {
	case o.Identical():
		if o.Size != p.NewSize {
			return corrupt("old file %d has no stream, yet it is %d bytes and the new file %d", i+1, o.Size, p.NewSize)
		}
		out = bytes.Clone(old)
	case p.HeaderOnly:
		return ErrHeaderOnly
	default:
		// The decoder sees the old file with its ignored and retained
		// ranges as zeros, as the encoder did.
		ref := bytes.Clone(old)
		zero(ref, o.Ignore, nil)
		zero(ref, nil, o.Retain)
		out, err = p.decode(o.stream, ref)
		if err != nil {
			return fmt.Errorf("%w: stream of old file %d: %v", ErrCorrupt, i+1, err)
		}
	}
	for _, rt := range o.Retain {
		copy(out[rt.NewOffset:rt.NewOffset+rt.Length], old[rt.OldOffset:])
	}
	if crc := newCRC(out, o.Retain); crc != p.NewCRC {
		return corrupt("the new file's CRC32 is %08x, the header says %08x", crc, p.NewCRC)
	}
	_, err = w.Write(out)
	return err
}

// decode decodes an LZX DELTA stream of NewSize bytes against ref. Output
// grows chunk by chunk: a stream cannot make more than 32768 bytes for each
// 2 of its bytes, whatever the header claims.
func (p *Patch) decode(stream, ref []byte) ([]byte, error) {
	if chunks := (p.NewSize + chunkSize - 1) / chunkSize; chunks > int64(len(stream))/2 {
		return nil, fmt.Errorf("%d bytes of stream cannot hold the %d chunks of a %d-byte file", len(stream), chunks, p.NewSize)
	}
	bits := lzx.DeltaWindowBits(int64(len(ref)), p.NewSize, p.maxWindowBits())
	d, err := lzx.NewDeltaDecoder(bits, ref)
	if err != nil {
		return nil, err
	}
	out := make([]byte, 0, min(p.NewSize, int64(len(stream))/2*chunkSize))
	pos := 0
	for k := 0; int64(len(out)) < p.NewSize; k++ {
		if pos+2 > len(stream) {
			return nil, fmt.Errorf("the stream ends after %d of %d bytes of output", len(out), p.NewSize)
		}
		n := int(binary.LittleEndian.Uint16(stream[pos:]))
		pos += 2
		if n > len(stream)-pos {
			return nil, fmt.Errorf("chunk %d of %d bytes runs past the stream's end", k, n)
		}
		m := int(min(chunkSize, p.NewSize-int64(len(out))))
		out = append(out, make([]byte, m)...)
		if err := d.Decompress(out[len(out)-m:], stream[pos:pos+n]); err != nil {
			return nil, fmt.Errorf("chunk %d: %v", k, err)
		}
		pos += n
	}
	return out, nil
}

// crc is the CRC32 of old as the header computes it: retained ranges as
// zeros, and ignored ranges too unless the files are identical.
func (o *Old) crc(old []byte) uint32 {
	if len(o.Retain) == 0 && (len(o.Ignore) == 0 || o.Identical()) {
		return crc32.ChecksumIEEE(old)
	}
	b := bytes.Clone(old)
	if !o.Identical() {
		zero(b, o.Ignore, nil)
	}
	zero(b, nil, o.Retain)
	return crc32.ChecksumIEEE(b)
}

// newCRC is the CRC32 of the new file with its retained ranges as zeros.
func newCRC(b []byte, retain []Retained) uint32 {
	if len(retain) == 0 {
		return crc32.ChecksumIEEE(b)
	}
	b = bytes.Clone(b)
	for _, rt := range retain {
		clear(b[rt.NewOffset : rt.NewOffset+rt.Length])
	}
	return crc32.ChecksumIEEE(b)
}

// zero clears the ranges of an old file.
func zero(b []byte, ignore []Range, retain []Retained) {
	for _, r := range ignore {
		clear(b[r.Offset : r.Offset+r.Length])
	}
	for _, r := range retain {
		clear(b[r.OldOffset : r.OldOffset+r.Length])
	}
}

// isPE32 reports whether b is a 32-bit PE image, the kind PatchAPI
// normalises before comparing and decoding.
func isPE32(b []byte) bool {
	if len(b) < 0x200 || b[0] != 'M' || b[1] != 'Z' {
		return false
	}
	nt := int64(binary.LittleEndian.Uint32(b[0x3c:]))
	if nt+24+2 > int64(len(b)) {
		return false
	}
	return string(b[nt:nt+4]) == "PE\x00\x00" && binary.LittleEndian.Uint16(b[nt+24:]) == 0x10b
}
