// Package pa19test builds PA19 deltas for tests: a minimal writer of the
// PatchAPI container whose LZX DELTA streams hold the new file in
// uncompressed blocks, one per 32768-byte chunk. It lets tests anywhere in
// msikit make the deltas they need (several old files, ranges, large
// files, identical files, header-only deltas, options that are refused)
// instead of depending on the few there are in the corpus.
package pa19test

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"

	"github.com/msikit/msikit/msi/patch/pa19"
)

// Old is one old file a delta applies to.
type Old struct {
	Data   []byte
	Ignore []pa19.Range
	Retain []pa19.Retained

	Transforms uint64 // a PE transform count to write (no records follow)
}

// Spec describes a delta.
type Spec struct {
	Flags      uint32 // pa19.Option* bits; OptionNoTimestamp is set when Time is not 0
	Time       uint32 // the new file's time stamp, seconds since 1970; 0: none
	Rebase     uint64 // written when OptionNoRebase is clear
	New        []byte
	Olds       []Old
	HeaderOnly bool // the header and trailer only, as ExtractPatchHeaderToFile writes
}

// Build writes the delta s describes. An old file equal to the new one
// gets no stream, as PatchAPI writes it for identical files.
func Build(s Spec) []byte {
	flags := s.Flags
	if s.Time != 0 {
		flags |= pa19.OptionNoTimestamp
	}
	b := []byte("PA19")
	b = binary.LittleEndian.AppendUint32(b, flags)
	if flags&pa19.OptionExtraFlags != 0 {
		b = binary.LittleEndian.AppendUint32(b, 0)
	}
	if s.Time != 0 {
		b = binary.LittleEndian.AppendUint32(b, s.Time)
	}
	if flags&pa19.OptionNoRebase == 0 {
		b = uvli(b, s.Rebase)
	}
	b = uvli(b, uint64(len(s.New)))
	b = binary.LittleEndian.AppendUint32(b, newCRC(s.New, s.Olds))
	b = append(b, byte(len(s.Olds)))
	var streams [][]byte
	for _, o := range s.Olds {
		var stream []byte
		identical := bytes.Equal(o.Data, s.New)
		if !identical {
			stream = Stream(s.New)
		}
		streams = append(streams, stream)
		b = svli(b, int64(len(o.Data))-int64(len(s.New)))
		b = binary.LittleEndian.AppendUint32(b, oldCRC(o, identical))
		b = append(b, byte(len(o.Ignore)))
		at := int64(0)
		for _, r := range o.Ignore {
			b = svli(b, r.Offset-at)
			b = uvli(b, uint64(r.Length))
			at = r.Offset + r.Length
		}
		b = append(b, byte(len(o.Retain)))
		at = 0
		for _, r := range o.Retain {
			b = svli(b, r.OldOffset-at)
			b = svli(b, r.NewOffset-r.OldOffset)
			b = uvli(b, uint64(r.Length))
			at = r.OldOffset + r.Length
		}
		b = uvli(b, o.Transforms)
		if flags&pa19.OptionInterleave != 0 {
			b = uvli(b, 0)
		}
		b = uvli(b, uint64(len(stream)))
	}
	if !s.HeaderOnly {
		for _, st := range streams {
			b = append(b, st...)
		}
	}
	return Seal(b)
}

// Seal appends the 4 bytes that make the CRC32 of the whole delta
// 0xFFFFFFFF: the CRC register's value, which feeding to it clears.
func Seal(b []byte) []byte {
	return binary.LittleEndian.AppendUint32(b, ^crc32.ChecksumIEEE(b))
}

// Stream is an LZX DELTA stream that decodes to data whatever the
// reference: no E8 translation, and one uncompressed block per chunk, each
// chunk preceded by its size.
func Stream(data []byte) []byte {
	var out []byte
	for i := 0; i == 0 || i < len(data); i += 32768 {
		chunk := data[i:min(i+32768, len(data))]
		var c []byte
		// Bits, most significant first in 16-bit little-endian words:
		// [E8 flag 0 in the first chunk] type 3, 24-bit size, then 1 to 16
		// bits of padding to the word's end.
		var bits uint64
		n := 0
		if i == 0 {
			n = 1
		}
		bits = 3<<24 | uint64(len(chunk))
		n += 27
		bits <<= 32 - n
		c = append(c, byte(bits>>16), byte(bits>>24), byte(bits), byte(bits>>8))
		for range 3 { // R0, R1, R2
			c = binary.LittleEndian.AppendUint32(c, 1)
		}
		c = append(c, chunk...)
		if len(chunk)%2 == 1 {
			c = append(c, 0)
		}
		out = binary.LittleEndian.AppendUint16(out, uint16(len(c)))
		out = append(out, c...)
		if len(data) == 0 {
			break
		}
	}
	return out
}

func oldCRC(o Old, identical bool) uint32 {
	b := bytes.Clone(o.Data)
	if !identical {
		for _, r := range o.Ignore {
			clear(b[r.Offset : r.Offset+r.Length])
		}
	}
	for _, r := range o.Retain {
		clear(b[r.OldOffset : r.OldOffset+r.Length])
	}
	return crc32.ChecksumIEEE(b)
}

func newCRC(data []byte, olds []Old) uint32 {
	b := bytes.Clone(data)
	if len(olds) > 0 {
		for _, r := range olds[0].Retain {
			clear(b[r.NewOffset : r.NewOffset+r.Length])
		}
	}
	return crc32.ChecksumIEEE(b)
}

func uvli(b []byte, v uint64) []byte {
	for v >= 0x80 {
		b = append(b, byte(v&0x7f))
		v >>= 7
	}
	return append(b, byte(v)|0x80)
}

func svli(b []byte, v int64) []byte {
	var sign byte
	m := uint64(v)
	if v < 0 {
		sign, m = 0x40, uint64(-v)
	}
	if m < 0x40 {
		return append(b, byte(m)|sign|0x80)
	}
	b = append(b, byte(m&0x3f)|sign)
	return uvli(b, m>>6)
}
