package stringpool

import (
	"encoding/binary"
	"fmt"

	"github.com/msikit/msikit/internal/codepage"
)

// Builder assigns string IDs in order of first use and counts
// references, as the _StringPool stream records them.
type Builder struct {
	cp   int
	ids  map[string]int
	strs []string
	refs []int
}

// NewBuilder starts a pool of strings stored in code page cp.
func NewBuilder(cp int) *Builder {
	return &Builder{cp: cp, ids: map[string]int{}, strs: []string{""}, refs: []int{0}}
}

// Ref returns the ID of s, adding it on first use; "" is null (ID 0).
func (pb *Builder) Ref(s string) int {
	if s == "" {
		return 0
	}
	id, ok := pb.ids[s]
	if !ok {
		id = len(pb.strs)
		pb.ids[s] = id
		pb.strs = append(pb.strs, s)
		pb.refs = append(pb.refs, 0)
	}
	pb.refs[id]++
	return id
}

// ID returns the ID Ref gave s, or 0.
func (pb *Builder) ID(s string) int { return pb.ids[s] }

// Encode produces the _StringPool and _StringData streams. Its errors
// (too many strings, a string the code page cannot hold) say what is
// invalid; the caller wraps its sentinel.
func (pb *Builder) Encode() (pool, data []byte, err error) {
	long := len(pb.strs) > 0xFFFF
	if len(pb.strs) > MaxStrings {
		return nil, nil, fmt.Errorf("%d strings, more than 3-byte references can name", len(pb.strs))
	}
	hdr := uint32(pb.cp)
	if long {
		hdr |= LongRefsFlag
	}
	pool = binary.LittleEndian.AppendUint32(nil, hdr)
	for id, s := range pb.strs[1:] {
		b, err := codepage.Encode(pb.cp, s)
		if err != nil {
			return nil, nil, fmt.Errorf("string %q: %v", s, err)
		}
		refs := min(pb.refs[id+1], 0xFFFF)
		if len(b) > 0xFFFF {
			// A long string: a null entry carrying the high word first.
			pool = binary.LittleEndian.AppendUint16(pool, 0)
			pool = binary.LittleEndian.AppendUint16(pool, uint16(len(b)>>16))
		}
		pool = binary.LittleEndian.AppendUint16(pool, uint16(len(b)))
		pool = binary.LittleEndian.AppendUint16(pool, uint16(refs))
		data = append(data, b...)
	}
	return pool, data, nil
}

// RefSize is the size in bytes of a string reference in the tables
// written with this pool.
func (pb *Builder) RefSize() int {
	if len(pb.strs) > 0xFFFF {
		return 3
	}
	return 2
}
