package msi

import (
	"encoding/binary"

	"github.com/msikit/msikit/internal/codepage"
)

// StringPool is a database's shared string table: tables refer to strings
// by 1-based index. It is read from the _StringPool stream (the code page
// and, per string, its length and reference count) and the _StringData
// stream (the strings' bytes, back to back, in the code page).
type StringPool struct {
	Codepage int  // the code page strings are stored in (0: neutral)
	LongRefs bool // tables hold 3-byte string references, not 2-byte ones
	strs     []string
	refs     []uint16
	raw      [][]byte
}

// longRefsFlag in the pool header's code page says the pool has more
// strings than 2-byte references can name.
const longRefsFlag = 0x80000000

// maxStrings bounds the pool: 3-byte references cannot name more.
const maxStrings = 1 << 24

// ParseStringPool decodes the two string-pool streams.
func ParseStringPool(pool, data []byte) (*StringPool, error) {
	sp := &StringPool{strs: []string{""}, refs: []uint16{0}, raw: [][]byte{nil}}
	if len(pool) == 0 && len(data) == 0 {
		return sp, nil
	}
	if len(pool) < 4 {
		return nil, formatErr("string pool header is %d bytes, want 4", len(pool))
	}
	if len(pool)%4 != 0 {
		return nil, formatErr("string pool size %d is not a multiple of 4", len(pool))
	}
	hdr := binary.LittleEndian.Uint32(pool)
	sp.LongRefs = hdr&longRefsFlag != 0
	sp.Codepage = int(hdr &^ longRefsFlag)
	n := (len(pool) - 4) / 4
	if n > maxStrings {
		return nil, formatErr("string pool has %d entries, more than references can name", n)
	}
	off := 0
	for i := 0; i < n; i++ {
		e := pool[4+4*i:]
		length := int(binary.LittleEndian.Uint16(e))
		refs := binary.LittleEndian.Uint16(e[2:])
		if length == 0 && refs != 0 {
			// A string of 64 KiB or more: this entry holds the high word
			// of the length, the next the low word and the count.
			if i+1 >= n {
				return nil, formatErr("string pool ends inside a long string entry")
			}
			i++
			e = pool[4+4*i:]
			length = int(refs)<<16 | int(binary.LittleEndian.Uint16(e))
			refs = binary.LittleEndian.Uint16(e[2:])
		}
		if length > len(data)-off {
			return nil, formatErr("string %d (%d bytes) runs past the end of the string data (%d bytes)", len(sp.strs), length, len(data))
		}
		b := data[off : off+length]
		off += length
		sp.raw = append(sp.raw, b)
		// An exotic code page should not make the database unreadable:
		// its ASCII still reads, the rest becomes U+FFFD.
		str, _ := codepage.Decode(sp.Codepage, b)
		sp.strs = append(sp.strs, str)
		sp.refs = append(sp.refs, refs)
	}
	return sp, nil
}

// Len is the number of string IDs, including the empty ID 0.
func (sp *StringPool) Len() int { return len(sp.strs) }

// String returns the string with the given ID, and whether the ID exists.
// ID 0 is the empty string (a null value).
func (sp *StringPool) String(id int) (string, bool) {
	if id < 0 || id >= len(sp.strs) {
		return "", false
	}
	return sp.strs[id], true
}

// Bytes returns the string's stored bytes, in the pool's code page.
func (sp *StringPool) Bytes(id int) []byte {
	if id <= 0 || id >= len(sp.raw) {
		return nil
	}
	return sp.raw[id]
}

// RefCount is the reference count the pool records for a string.
func (sp *StringPool) RefCount(id int) int {
	if id <= 0 || id >= len(sp.refs) {
		return 0
	}
	return int(sp.refs[id])
}

// RefSize is the size in bytes of a string reference in table streams.
func (sp *StringPool) RefSize() int {
	if sp.LongRefs {
		return 3
	}
	return 2
}
