package pa19

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"strings"
	"time"
)

// Option flags of the header (patchapi.h's PATCH_OPTION_*).
const (
	OptionLZXA         = 0x00000001 // LZX, variant A
	OptionLZXB         = 0x00000002 // LZX, variant B (E8 translation for x86 code)
	OptionLZXLarge     = 0x00000004 // windows up to 32 MiB instead of 8 MiB
	OptionNoBindFix    = 0x00010000 // PE images: imports not unbound
	OptionNoLockFix    = 0x00020000 // PE images: lock prefixes not normalised
	OptionNoRebase     = 0x00040000 // PE images: not rebased; no rebase field
	OptionFailIfSame   = 0x00080000
	OptionFailIfBigger = 0x00100000
	OptionNoChecksum   = 0x00200000 // PE images: checksum not fixed
	OptionNoResTimeFix = 0x00400000 // PE images: resource time stamps not fixed
	OptionNoTimestamp  = 0x00800000 // as stored: set when a time stamp IS present
	OptionSignatureMD5 = 0x01000000
	OptionInterleave   = 0x40000000 // streams interleaved with the old files
	OptionExtraFlags   = 0x80000000 // a second 32-bit flags field follows
	supportedOptions   = OptionLZXA | OptionLZXB | OptionLZXLarge | OptionNoBindFix | OptionNoLockFix | OptionNoRebase | OptionFailIfSame | OptionFailIfBigger | OptionNoChecksum | OptionNoResTimeFix | OptionNoTimestamp | OptionInterleave | OptionExtraFlags
	peFixesOff         = OptionNoBindFix | OptionNoLockFix | OptionNoRebase | OptionNoResTimeFix
)

// signature opens every PA19 delta.
var signature = []byte("PA19")

// maxWindowBits is the largest LZX DELTA window PatchAPI uses, without and
// with OptionLZXLarge; an old file larger than the window is patched with
// interleaved streams, which are not supported.
const (
	maxWindowBits      = 23
	maxLargeWindowBits = 25
)

// trailerSize is the 4 bytes at the end that make the CRC32 of the whole
// delta come out as 0xFFFFFFFF.
const trailerSize = 4

// Patch is a parsed PA19 delta. It refers to the bytes given to Parse.
type Patch struct {
	Flags      uint32 // Option* bits
	ExtraFlags uint32 // the second flags field, when OptionExtraFlags is set

	// HasTime says the header carries the new file's time stamp, Time.
	HasTime bool
	Time    time.Time // UTC, from seconds since 1970

	// Rebase is the image base field, present when OptionNoRebase is clear.
	Rebase uint64

	NewSize int64  // the new file's size
	NewCRC  uint32 // CRC32 of the new file, its retained ranges as zeros

	// Olds are the old files the delta applies to, each with its stream.
	Olds []Old

	// HeaderOnly says the streams are absent (ExtractPatchHeaderToFile).
	HeaderOnly bool
}

// Old describes one old file a delta applies to.
type Old struct {
	Size   int64  // its size
	CRC    uint32 // CRC32 with its ignored and retained ranges as zeros
	Ignore []Range
	Retain []Retained

	// Transforms counts the PE transform records (the i386 call/jump
	// transforms); a delta with any is not supported.
	Transforms uint64
	// Interleave counts the interleaving records (OptionInterleave).
	Interleave uint64

	StreamSize int64  // bytes of LZX DELTA stream; 0 when old and new are identical
	stream     []byte // nil in a header-only delta
}

// Range is a range of bytes of the old file.
type Range struct{ Offset, Length int64 }

// Retained is a range copied from the old file to the new one unchanged.
type Retained struct{ OldOffset, NewOffset, Length int64 }

// Identical reports whether the delta says this old file is the new file
// already (it has no stream).
func (o *Old) Identical() bool { return o.StreamSize == 0 }

// Parse reads a delta. It checks the signature, the header and the CRC32
// of the whole delta; the streams are checked when applied. Options that
// only change how a patch is made are accepted; a delta that needs what
// this package does not do (see the package comment) parses, and Check and
// Apply say ErrUnsupported, so that its header can still be shown. Unknown
// option flags and PE transform records, after which nothing can be read,
// are ErrUnsupported here.
func Parse(data []byte) (*Patch, error) {
	return parse(data, false)
}

// ParseHeader reads only the header, from the first bytes of a delta (a
// few hundred are usually enough; a header with many ranges needs more):
// the delta's CRC32 is not checked and its streams are not kept. The
// result can Check an old file, as a header-only delta does, and not
// Apply; it is for listing a delta without reading it whole.
func ParseHeader(head []byte) (*Patch, error) {
	return parse(head, true)
}

func parse(data []byte, headerOnly bool) (*Patch, error) {
	if !bytes.HasPrefix(data, signature) {
		if len(data) < len(signature) && bytes.HasPrefix(signature, data) {
			return nil, truncated("%d bytes, shorter than the signature", len(data))
		}
		return nil, corrupt("no PA19 signature")
	}
	r := &reader{b: data, pos: len(signature)}
	p := &Patch{Flags: r.u32("options")}
	if r.err != nil {
		return nil, r.err
	}
	if bad := p.Flags &^ supportedOptions; bad != 0 {
		return nil, fmt.Errorf("%w: option flags 0x%08x (%s)", ErrUnsupported, bad, strings.Join(OptionNames(bad), ", "))
	}
	if p.Flags&OptionExtraFlags != 0 {
		p.ExtraFlags = r.u32("extra options")
	}
	if p.Flags&OptionNoTimestamp != 0 {
		p.HasTime = true
		p.Time = time.Unix(int64(r.u32("time stamp")), 0).UTC()
	}
	if p.Flags&OptionNoRebase == 0 {
		p.Rebase = r.uvli("rebase")
	}
	p.NewSize = r.size("new file size", int64(r.uvli("new file size")))
	p.NewCRC = r.u32("new file CRC32")
	n := int(r.byte("old file count"))
	if r.err != nil {
		return nil, r.err
	}
	if n == 0 {
		return nil, corrupt("no old file")
	}
	p.Olds = make([]Old, n)
	var streams int64
	for i := range p.Olds {
		if err := r.old(p, i); err != nil {
			return nil, err
		}
		streams += p.Olds[i].StreamSize
	}
	if r.err != nil {
		return nil, r.err
	}
	if headerOnly {
		p.HeaderOnly = true
		return p, nil
	}
	hdr := int64(r.pos)
	end := hdr + streams + trailerSize
	switch size := int64(len(data)); {
	case size >= end:
		// Bytes after the end are not the delta's; PatchAPI ignores them.
		data = data[:end]
	case streams > 0 && size == hdr+trailerSize:
		p.HeaderOnly = true
	default:
		return nil, truncated("%d bytes, the header says %d", size, end)
	}
	if crc := crc32.ChecksumIEEE(data); crc != 0xFFFFFFFF {
		return nil, corrupt("CRC32 of the whole delta is %08x, not ffffffff: damaged", crc)
	}
	if !p.HeaderOnly {
		pos := hdr
		for i := range p.Olds {
			o := &p.Olds[i]
			o.stream = data[pos : pos+o.StreamSize : pos+o.StreamSize]
			pos += o.StreamSize
		}
	}
	return p, nil
}

// old reads the header entry of old file i.
func (r *reader) old(p *Patch, i int) error {
	o := &p.Olds[i]
	label := fmt.Sprintf("old file %d", i+1)
	what := func(s string) string { return label + " " + s }
	o.Size = r.size(what("size"), p.NewSize+r.svli(what("size")))
	o.CRC = r.u32(what("CRC32"))
	n := int(r.byte(what("ignore range count")))
	var at int64
	for range n {
		off := r.svli(what("ignore range"))
		if len(o.Ignore) > 0 {
			off += at
		}
		rg := Range{off, r.size(what("ignore range length"), int64(r.uvli(what("ignore range length"))))}
		if r.err == nil && (rg.Offset < 0 || rg.Offset > o.Size || rg.Length > o.Size-rg.Offset) {
			return corrupt("%s: ignore range %d+%d outside its %d bytes", label, rg.Offset, rg.Length, o.Size)
		}
		o.Ignore = append(o.Ignore, rg)
		at = rg.Offset + rg.Length
	}
	n = int(r.byte(what("retain range count")))
	at = 0
	for k := range n {
		old := r.svli(what("retain range")) + at
		rt := Retained{OldOffset: old}
		rt.NewOffset = old + r.svli(what("retain range"))
		rt.Length = r.size(what("retain range length"), int64(r.uvli(what("retain range length"))))
		if r.err != nil {
			return r.err
		}
		if rt.OldOffset < 0 || rt.OldOffset > o.Size || rt.Length > o.Size-rt.OldOffset ||
			rt.NewOffset < 0 || rt.NewOffset > p.NewSize || rt.Length > p.NewSize-rt.NewOffset {
			return corrupt("%s: retain range %d+%d (new %d) outside the files", label, rt.OldOffset, rt.Length, rt.NewOffset)
		}
		// Every old file retains the same ranges of the new file.
		if i > 0 && (k >= len(p.Olds[0].Retain) || p.Olds[0].Retain[k].NewOffset != rt.NewOffset || p.Olds[0].Retain[k].Length != rt.Length) {
			return corrupt("%s: retain range %d differs from old file 1's in the new file", label, k+1)
		}
		o.Retain = append(o.Retain, rt)
		at = rt.OldOffset + rt.Length
	}
	o.Transforms = r.uvli(what("transform count"))
	if r.err == nil && o.Transforms != 0 {
		// What follows the count is not documented: nothing after it
		// can be read.
		return fmt.Errorf("%w: %s has %d PE transform records (i386 call/jump transforms of a 32-bit executable), not implemented",
			ErrUnsupported, label, o.Transforms)
	}
	if p.Flags&OptionInterleave != 0 {
		o.Interleave = r.uvli(what("interleave count"))
		// 3 numbers a record, less one; each takes a byte at least.
		if o.Interleave > uint64(len(r.b)) {
			r.fail(what("interleave records"))
		}
		for k := uint64(1); r.err == nil && k < o.Interleave*3; k++ {
			r.uvli(what("interleave record"))
		}
	}
	o.StreamSize = r.size(what("stream size"), int64(r.uvli(what("stream size"))))
	return r.err
}

// optionNames are patchapi.h's names of the option bits, without their
// PATCH_OPTION_ prefix.
var optionNames = []struct {
	bit  uint32
	name string
}{
	{OptionLZXA, "USE_LZX_A"}, {OptionLZXB, "USE_LZX_B"}, {OptionLZXLarge, "USE_LZX_LARGE"},
	{OptionNoBindFix, "NO_BINDFIX"}, {OptionNoLockFix, "NO_LOCKFIX"}, {OptionNoRebase, "NO_REBASE"},
	{OptionFailIfSame, "FAIL_IF_SAME_FILE"}, {OptionFailIfBigger, "FAIL_IF_BIGGER"},
	{OptionNoChecksum, "NO_CHECKSUM"}, {OptionNoResTimeFix, "NO_RESTIMEFIX"}, {OptionNoTimestamp, "NO_TIMESTAMP"},
	{OptionSignatureMD5, "SIGNATURE_MD5"}, {OptionInterleave, "INTERLEAVE_FILES"}, {OptionExtraFlags, "EXTRA_FLAGS"},
}

// OptionNames names the bits of flags as patchapi.h does (PATCH_OPTION_
// left out), in bit order; bits it does not name are "0x…".
func OptionNames(flags uint32) []string {
	var out []string
	for _, n := range optionNames {
		if flags&n.bit != 0 {
			out = append(out, n.name)
			flags &^= n.bit
		}
	}
	if flags != 0 {
		out = append(out, fmt.Sprintf("0x%x", flags))
	}
	return out
}

func corrupt(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrCorrupt}, args...)...)
}

func truncated(format string, args ...any) error {
	return fmt.Errorf("%w (%w): "+format, append([]any{ErrTruncated, ErrCorrupt}, args...)...)
}

// reader reads the header's fields; the first error sticks and later reads
// return zeros.
type reader struct {
	b   []byte
	pos int
	err error
}

func (r *reader) fail(what string) {
	if r.err == nil {
		r.err = truncated("the header ends in its %s", what)
	}
}

func (r *reader) byte(what string) byte {
	if r.err != nil || r.pos >= len(r.b) {
		r.fail(what)
		return 0
	}
	r.pos++
	return r.b[r.pos-1]
}

func (r *reader) u32(what string) uint32 {
	if r.err != nil || r.pos+4 > len(r.b) {
		r.fail(what)
		return 0
	}
	r.pos += 4
	return binary.LittleEndian.Uint32(r.b[r.pos-4:])
}

// vli reads PatchAPI's variable-length integer: 7 bits a byte, least
// significant first, the last byte marked by its top bit, at most 9 bytes.
// first is the number of value bits of the first byte (7, or 6 and a sign).
func (r *reader) vli(what string, first uint) (v uint64, head byte) {
	if r.err != nil {
		return 0, 0
	}
	shift := uint(0)
	for i := 0; ; i++ {
		if r.pos >= len(r.b) {
			r.fail(what)
			return 0, 0
		}
		c := r.b[r.pos]
		r.pos++
		if i == 0 {
			head = c
			v = uint64(c) & (1<<first - 1)
			shift = first
		} else {
			v |= uint64(c&0x7f) << shift
			shift += 7
		}
		if c&0x80 != 0 {
			return v, head
		}
		if i == 8 {
			r.err = corrupt("%s: a number longer than 9 bytes", what)
			return 0, 0
		}
	}
}

func (r *reader) uvli(what string) uint64 {
	v, _ := r.vli(what, 7)
	return v
}

// svli reads the signed form: the first byte's bit 6 is the sign.
func (r *reader) svli(what string) int64 {
	v, head := r.vli(what, 6)
	if head&0x40 != 0 {
		return -int64(v)
	}
	return int64(v)
}

// size checks that v is a usable size or offset: PatchAPI's are 32-bit.
func (r *reader) size(what string, v int64) int64 {
	if r.err == nil && (v < 0 || v > 1<<32-1) {
		r.err = corrupt("%s %d out of range", what, v)
		return 0
	}
	return v
}
