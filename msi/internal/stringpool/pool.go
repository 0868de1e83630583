// Package stringpool reads and writes a database's shared string table,
// the _StringPool and _StringData streams. Errors are plain: the caller
// says which package and wraps its sentinel.
package stringpool

import (
	"encoding/binary"
	"fmt"

	"github.com/msikit/msikit/internal/codepage"
)

// Pool is a database's shared string table: tables refer to strings
// by 1-based index. It is read from the _StringPool stream (the code page
// and, per string, its length and reference count) and the _StringData
// stream (the strings' bytes, back to back, in the code page).
type Pool struct {
	Codepage int  // the code page strings are stored in (0: neutral)
	LongRefs bool // tables hold 3-byte string references, not 2-byte ones
	strs     []string
	refs     []uint16
	raw      [][]byte
}

// LongRefsFlag in the pool header's code page says the pool has more
// strings than 2-byte references can name.
const LongRefsFlag = 0x80000000

// MaxStrings bounds the pool: 3-byte references cannot name more.
const MaxStrings = 1 << 24

// Parse decodes the two string-pool streams.
func Parse(pool, data []byte) (*Pool, error) {
	sp := &Pool{strs: []string{""}, refs: []uint16{0}, raw: [][]byte{nil}}
	if len(pool) == 0 && len(data) == 0 {
		return sp, nil
	}
	if len(pool) < 4 {
		return nil, fmt.Errorf("string pool header is %d bytes, want 4", len(pool))
	}
	if len(pool)%4 != 0 {
		return nil, fmt.Errorf("string pool size %d is not a multiple of 4", len(pool))
	}
	hdr := binary.LittleEndian.Uint32(pool)
	sp.LongRefs = hdr&LongRefsFlag != 0
	sp.Codepage = int(hdr &^ LongRefsFlag)
	n := (len(pool) - 4) / 4
	if n > MaxStrings {
		return nil, fmt.Errorf("string pool has %d entries, more than references can name", n)
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
				return nil, fmt.Errorf("string pool ends inside a long string entry")
			}
			i++
			e = pool[4+4*i:]
			length = int(refs)<<16 | int(binary.LittleEndian.Uint16(e))
			refs = binary.LittleEndian.Uint16(e[2:])
		}
		if length > len(data)-off {
			return nil, fmt.Errorf("string %d (%d bytes) runs past the end of the string data (%d bytes)", len(sp.strs), length, len(data))
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
func (sp *Pool) Len() int { return len(sp.strs) }

// String returns the string with the given ID, and whether the ID exists.
// ID 0 is the empty string (a null value).
func (sp *Pool) String(id int) (string, bool) {
	if id < 0 || id >= len(sp.strs) {
		return "", false
	}
	return sp.strs[id], true
}

// Bytes returns the string's stored bytes, in the pool's code page.
func (sp *Pool) Bytes(id int) []byte {
	if id <= 0 || id >= len(sp.raw) {
		return nil
	}
	return sp.raw[id]
}

// RefCount is the reference count the pool records for a string.
func (sp *Pool) RefCount(id int) int {
	if id <= 0 || id >= len(sp.refs) {
		return 0
	}
	return int(sp.refs[id])
}

// RefSize is the size in bytes of a string reference in table streams.
func (sp *Pool) RefSize() int {
	if sp.LongRefs {
		return 3
	}
	return 2
}
