// Package stringpool reads and writes a database's shared string table,
// the _StringPool and _StringData streams. Errors are plain: the caller
// says which package and wraps its sentinel.
package stringpool

import (
	"encoding/binary"
	"fmt"
	"math"
	"slices"
	"unicode/utf8"
	"unsafe"

	"github.com/msikit/msikit/internal/codepage"
)

// Pool is a database's shared string table: tables refer to strings
// by 1-based index. It is read from the _StringPool stream (the code page
// and, per string, its length and reference count) and the _StringData
// stream (the strings' bytes, back to back, in the code page).
//
// It holds the strings as the streams do, back to back in one buffer
// with an offset per string, not as a string each: a package's pool has
// tens of thousands of them, and the strings String returns point into
// the buffer rather than being copied.
type Pool struct {
	Codepage int  // the code page strings are stored in (0: neutral)
	LongRefs bool // tables hold 3-byte string references, not 2-byte ones
	data     []byte
	raw      []uint32 // string id is data[raw[id]:raw[id+1]]
	text     []byte   // the strings in UTF-8: data itself when every string is stored as UTF-8 (ASCII)
	off      []uint32 // string id is text[off[id]:off[id+1]]
	refs     []uint16
}

// LongRefsFlag in the pool header's code page says the pool has more
// strings than 2-byte references can name.
const LongRefsFlag = 0x80000000

// MaxStrings bounds the pool: 3-byte references cannot name more.
const MaxStrings = 1 << 24

// Parse decodes the two string-pool streams. The pool keeps data (the
// strings point into it): the caller must not change it afterwards.
func Parse(pool, data []byte) (*Pool, error) {
	sp := &Pool{raw: []uint32{0, 0}, refs: []uint16{0}, data: data}
	if len(pool) == 0 && len(data) == 0 {
		sp.text, sp.off = data, sp.raw
		return sp, nil
	}
	if len(pool) < 4 {
		return nil, fmt.Errorf("string pool header is %d bytes, want 4", len(pool))
	}
	if len(pool)%4 != 0 {
		return nil, fmt.Errorf("string pool size %d is not a multiple of 4", len(pool))
	}
	if uint64(len(data)) > math.MaxUint32 {
		return nil, fmt.Errorf("string data of %d bytes is too large", len(data))
	}
	hdr := binary.LittleEndian.Uint32(pool)
	sp.LongRefs = hdr&LongRefsFlag != 0
	sp.Codepage = int(hdr &^ LongRefsFlag)
	n := (len(pool) - 4) / 4
	if n > MaxStrings {
		return nil, fmt.Errorf("string pool has %d entries, more than references can name", n)
	}
	sp.raw = slices.Grow(sp.raw, n)
	sp.refs = slices.Grow(sp.refs, n)
	off := 0
	asIs := true // every string's stored bytes are its UTF-8
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
			return nil, fmt.Errorf("string %d (%d bytes) runs past the end of the string data (%d bytes)", len(sp.refs), length, len(data))
		}
		asIs = asIs && storedAsUTF8(sp.Codepage, data[off:off+length])
		off += length
		sp.raw = append(sp.raw, uint32(off))
		sp.refs = append(sp.refs, refs)
	}
	if asIs {
		sp.text, sp.off = data, sp.raw
		return sp, nil
	}
	sp.off = make([]uint32, 2, len(sp.raw))
	for id := 1; id < len(sp.refs); id++ {
		// An exotic code page should not make the database unreadable:
		// its ASCII still reads, the rest becomes U+FFFD.
		b := sp.Bytes(id)
		if storedAsUTF8(sp.Codepage, b) {
			sp.text = append(sp.text, b...)
		} else {
			str, _ := codepage.Decode(sp.Codepage, b)
			sp.text = append(sp.text, str...)
		}
		if uint64(len(sp.text)) > math.MaxUint32 {
			return nil, fmt.Errorf("string data of %d bytes is too large", len(data))
		}
		sp.off = append(sp.off, uint32(len(sp.text)))
	}
	return sp, nil
}

// storedAsUTF8 reports whether b, stored in code page cp, is already its
// UTF-8: ASCII in any code page but UTF-16, valid UTF-8 in UTF-8.
func storedAsUTF8(cp int, b []byte) bool {
	if cp == codepage.UTF16 {
		return len(b) == 0
	}
	for _, c := range b {
		if c >= 0x80 {
			return cp == codepage.UTF8 && utf8.Valid(b)
		}
	}
	return true
}

// Len is the number of string IDs, including the empty ID 0.
func (sp *Pool) Len() int { return len(sp.refs) }

// String returns the string with the given ID, and whether the ID exists.
// ID 0 is the empty string (a null value). The string shares the pool's
// memory: it costs no allocation.
func (sp *Pool) String(id int) (string, bool) {
	if id < 0 || id >= len(sp.refs) {
		return "", false
	}
	a, b := sp.off[id], sp.off[id+1]
	if a == b {
		return "", true
	}
	return unsafe.String(&sp.text[a], int(b-a)), true
}

// Bytes returns the string's stored bytes, in the pool's code page.
func (sp *Pool) Bytes(id int) []byte {
	if id <= 0 || id >= len(sp.refs) {
		return nil
	}
	return sp.data[sp.raw[id]:sp.raw[id+1]:sp.raw[id+1]]
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
