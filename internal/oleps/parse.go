package oleps

import (
	"encoding/binary"
	"math"
	"sort"
	"unicode/utf16"
)

const (
	headerSize     = 28 // byte order, version, system identifier, CLSID, count
	fmtidEntrySize = 20 // FMTID and offset
)

var le = binary.LittleEndian

// Parse decodes a property-set stream. Every error wraps ErrFormat and says
// what is wrong and where.
func Parse(b []byte) (*Set, error) {
	if len(b) < headerSize {
		return nil, formatErr("stream of %d bytes is shorter than the %d-byte header", len(b), headerSize)
	}
	if bo := le.Uint16(b[0:]); bo != 0xFFFE {
		return nil, formatErr("byte order mark 0x%04X, want 0xFFFE", bo)
	}
	set := &Set{
		Version:          le.Uint16(b[2:]),
		SystemIdentifier: le.Uint32(b[4:]),
	}
	if set.Version > 1 {
		return nil, formatErr("version %d, want 0 or 1", set.Version)
	}
	copy(set.CLSID[:], b[8:24])
	n := le.Uint32(b[24:])
	if n == 0 {
		return nil, formatErr("no property sets")
	}
	if uint64(n) > uint64(len(b)-headerSize)/fmtidEntrySize {
		return nil, formatErr("%d property sets do not fit in a %d-byte stream", n, len(b))
	}
	set.Sections = make([]Section, n)
	for i := range set.Sections {
		e := b[headerSize+i*fmtidEntrySize:]
		copy(set.Sections[i].FMTID[:], e[:16])
		off := le.Uint32(e[16:])
		props, err := parseSection(b, off)
		if err != nil {
			return nil, formatErr("section %d (%v at offset %d): %s", i, set.Sections[i].FMTID, off, detail(err))
		}
		set.Sections[i].Properties = props
	}
	return set, nil
}

// detail strips the ErrFormat prefix so nested messages read as one.
func detail(err error) string {
	s := err.Error()
	p := ErrFormat.Error() + ": "
	if len(s) > len(p) && s[:len(p)] == p {
		return s[len(p):]
	}
	return s
}

func parseSection(b []byte, off uint32) ([]Property, error) {
	if uint64(off)+8 > uint64(len(b)) {
		return nil, formatErr("section header runs past the end of the %d-byte stream", len(b))
	}
	size := le.Uint32(b[off:])
	count := le.Uint32(b[off+4:])
	if size < 8 {
		return nil, formatErr("section size %d is smaller than its 8-byte header", size)
	}
	if uint64(off)+uint64(size) > uint64(len(b)) {
		return nil, formatErr("section size %d runs past the end of the %d-byte stream", size, len(b))
	}
	sec := b[off : off+size]
	if uint64(count) > uint64(size-8)/8 {
		return nil, formatErr("%d properties do not fit in a %d-byte section", count, size)
	}

	type entry struct{ id, off uint32 }
	entries := make([]entry, count)
	offsets := make([]uint32, 0, count+1)
	cp := 0
	for i := range entries {
		e := entry{le.Uint32(sec[8+8*i:]), le.Uint32(sec[12+8*i:])}
		if uint64(e.off)+4 > uint64(size) {
			return nil, formatErr("property %d (ID %d) at offset %d is outside the %d-byte section", i, e.id, e.off, size)
		}
		entries[i] = e
		offsets = append(offsets, e.off)
		// The code page must be known before any string is decoded,
		// and it may come after the strings in the array.
		if e.id == PIDCodepage {
			switch Type(le.Uint16(sec[e.off:])) {
			case VTI2, VTUI2, VTI4, VTUI4:
				// Read as Section.Codepage does, so the writer
				// encodes strings in the code page they are read in.
				if uint64(e.off)+6 <= uint64(size) {
					cp = int(le.Uint16(sec[e.off+4:]))
				}
			}
		}
	}
	offsets = append(offsets, size)
	sort.Slice(offsets, func(i, j int) bool { return offsets[i] < offsets[j] })

	// extent returns where the value starting at o ends at the latest: the
	// next value's start or the end of the section. Only Unknown values
	// need it; known types describe their own size.
	extent := func(o uint32) uint32 {
		i := sort.Search(len(offsets), func(i int) bool { return offsets[i] > o })
		return offsets[i] // offsets ends with size > o
	}

	props := make([]Property, 0, count)
	for i, e := range entries {
		if e.id == PIDDictionary {
			d, err := parseDictionary(sec[e.off:], cp)
			if err != nil {
				// A damaged name table does not hide the values.
				props = append(props, Property{ID: e.id, Value: Unknown(sec[e.off:extent(e.off)])})
				continue
			}
			props = append(props, Property{ID: e.id, Value: d})
			continue
		}
		t := Type(le.Uint16(sec[e.off:]))
		data := sec[e.off+4:]
		if !known(t) {
			end := extent(e.off)
			if end < e.off+4 {
				end = e.off + 4
			}
			props = append(props, Property{ID: e.id, Type: t, Value: Unknown(sec[e.off+4 : end])})
			continue
		}
		v, raw, _, err := decodeValue(t, data, cp)
		if err != nil {
			return nil, formatErr("property %d (ID %d, %v) at offset %d: %s", i, e.id, t, e.off, detail(err))
		}
		props = append(props, Property{ID: e.id, Type: t, Value: v, Raw: raw})
	}
	return props, nil
}

// known reports whether decodeValue understands t.
func known(t Type) bool {
	if t&VTVector != 0 {
		return vectorElem(t &^ VTVector)
	}
	switch t {
	case VTEmpty, VTNull, VTBSTR, VTLPSTR, VTLPWSTR, VTBlob:
		return true
	}
	return fixedSize(t) != 0
}

func align4(n uint64) uint64 { return (n + 3) &^ 3 }

// decodeValue decodes the value of type t at the start of data (after the
// type header). It returns the value, the stored bytes of an 8-bit string,
// and the number of bytes the value occupies including the padding that
// variable-size values carry inside vectors.
func decodeValue(t Type, data []byte, cp int) (any, []byte, uint64, error) {
	if t&VTVector != 0 {
		v, n, err := decodeVector(t&^VTVector, data, cp)
		return v, nil, n, err
	}
	if sz := fixedSize(t); sz != 0 {
		if len(data) < sz {
			return nil, nil, 0, formatErr("%d-byte value truncated to %d bytes", sz, len(data))
		}
		return decodeFixed(t, data), nil, uint64(sz), nil
	}
	switch t {
	case VTEmpty, VTNull:
		return nil, nil, 0, nil
	case VTLPSTR, VTBSTR:
		size, body, err := counted(data, 1)
		if err != nil {
			return nil, nil, 0, err
		}
		raw := body
		var s string
		if cp == CodepageUTF16 {
			s = utf16String(body)
		} else {
			for i, c := range body {
				if c == 0 {
					raw = body[:i]
					break
				}
			}
			// An unsupported code page still yields a usable string.
			s, _ = DecodeString(cp, raw)
		}
		return s, raw, 4 + align4(size), nil
	case VTLPWSTR:
		n, body, err := counted(data, 2)
		if err != nil {
			return nil, nil, 0, err
		}
		return utf16String(body), nil, 4 + align4(2*n), nil
	case VTBlob:
		size, body, err := counted(data, 1)
		if err != nil {
			return nil, nil, 0, err
		}
		return append([]byte{}, body...), nil, 4 + align4(size), nil
	}
	return nil, nil, 0, formatErr("type %v cannot be decoded", t)
}

// counted reads a 32-bit element count followed by count elements of unit
// bytes each.
func counted(data []byte, unit uint64) (uint64, []byte, error) {
	if len(data) < 4 {
		return 0, nil, formatErr("length field truncated")
	}
	n := uint64(le.Uint32(data))
	if n*unit > uint64(len(data)-4) {
		return 0, nil, formatErr("length %d runs past the end of the section (%d bytes left)", n*unit, len(data)-4)
	}
	return n, data[4 : 4+n*unit], nil
}

// utf16String decodes little-endian UTF-16 up to the first NUL.
func utf16String(b []byte) string {
	u := make([]uint16, 0, len(b)/2)
	for i := 0; i+1 < len(b); i += 2 {
		c := le.Uint16(b[i:])
		if c == 0 {
			break
		}
		u = append(u, c)
	}
	return string(utf16.Decode(u))
}

func decodeFixed(t Type, d []byte) any {
	switch t {
	case VTI1:
		return int8(d[0])
	case VTUI1:
		return d[0]
	case VTI2:
		return int16(le.Uint16(d))
	case VTUI2:
		return le.Uint16(d)
	case VTBool:
		// VARIANT_TRUE is 0xFFFF; anything but zero is read as true.
		return le.Uint16(d) != 0
	case VTI4, VTInt:
		return int32(le.Uint32(d))
	case VTUI4, VTUInt, VTError:
		return le.Uint32(d)
	case VTR4:
		return math.Float32frombits(le.Uint32(d))
	case VTI8, VTCY:
		return int64(le.Uint64(d))
	case VTUI8:
		return le.Uint64(d)
	case VTR8, VTDate:
		return math.Float64frombits(le.Uint64(d))
	case VTFiletime:
		return Filetime(le.Uint64(d))
	case VTCLSID:
		var g GUID
		copy(g[:], d)
		return g
	}
	return nil
}

func decodeVector(elem Type, data []byte, cp int) (any, uint64, error) {
	if len(data) < 4 {
		return nil, 0, formatErr("vector length truncated")
	}
	n := uint64(le.Uint32(data))
	min := uint64(fixedSize(elem))
	if min == 0 {
		min = 4 // every variable-size element has at least its length or type
	}
	if n > uint64(len(data)-4)/min {
		return nil, 0, formatErr("%d vector elements do not fit in %d bytes", n, len(data)-4)
	}
	pos := uint64(4)
	if elem == VTVariant {
		out := make([]Variant, 0, n)
		for i := uint64(0); i < n; i++ {
			if pos+4 > uint64(len(data)) {
				return nil, 0, formatErr("vector element %d truncated", i)
			}
			t := Type(le.Uint16(data[pos:]))
			if t == VTVariant || !known(t) || t&VTVector != 0 {
				return nil, 0, formatErr("vector element %d has type %v", i, t)
			}
			v, _, used, err := decodeValue(t, data[pos+4:], cp)
			if err != nil {
				return nil, 0, formatErr("vector element %d: %s", i, detail(err))
			}
			out = append(out, Variant{Type: t, Value: v})
			pos += align4(4 + used)
		}
		return out, pos, nil
	}
	out := make([]any, 0, n)
	for i := uint64(0); i < n; i++ {
		if pos > uint64(len(data)) {
			return nil, 0, formatErr("vector element %d truncated", i)
		}
		v, _, used, err := decodeValue(elem, data[pos:], cp)
		if err != nil {
			return nil, 0, formatErr("vector element %d: %s", i, detail(err))
		}
		out = append(out, v)
		pos += used
	}
	return out, align4(pos), nil
}

func parseDictionary(d []byte, cp int) (Dictionary, error) {
	if len(d) < 4 {
		return nil, formatErr("dictionary truncated")
	}
	n := uint64(le.Uint32(d))
	if n > uint64(len(d)-4)/8 {
		return nil, formatErr("%d dictionary entries do not fit", n)
	}
	out := make(Dictionary, 0, n)
	pos := uint64(4)
	unit := uint64(1)
	if cp == CodepageUTF16 {
		unit = 2
	}
	for i := uint64(0); i < n; i++ {
		if pos+8 > uint64(len(d)) {
			return nil, formatErr("dictionary entry %d truncated", i)
		}
		id := le.Uint32(d[pos:])
		l, body, err := counted(d[pos+4:], unit)
		if err != nil {
			return nil, formatErr("dictionary entry %d: %s", i, detail(err))
		}
		var name string
		if unit == 2 {
			name = utf16String(body)
			pos += 8 + align4(2*l)
		} else {
			for j, c := range body {
				if c == 0 {
					body = body[:j]
					break
				}
			}
			name, _ = DecodeString(cp, body)
			pos += 8 + l
		}
		out = append(out, DictionaryEntry{ID: id, Name: name})
	}
	return out, nil
}
