package oleps

import (
	"bytes"
	"fmt"
	"math"
	"strings"
	"unicode/utf16"
)

// Bytes encodes the set as a property-set stream. Properties are written in
// the order of each Section's Properties, sections in order, each value
// aligned to 4 bytes with zero padding. 8-bit strings are encoded in the
// code page of their section's PIDCodepage property (1252 when it is
// absent or 0). Errors wrap ErrEncode.
func (s *Set) Bytes() ([]byte, error) {
	if len(s.Sections) == 0 {
		return nil, encodeErr("a property set stream needs at least one section")
	}
	if s.Version > 1 {
		return nil, encodeErr("version %d, want 0 or 1", s.Version)
	}
	bodies := make([][]byte, len(s.Sections))
	total := uint64(headerSize + fmtidEntrySize*len(s.Sections))
	for i := range s.Sections {
		b, err := encodeSection(&s.Sections[i])
		if err != nil {
			return nil, fmt.Errorf("section %d (%v): %w", i, s.Sections[i].FMTID, err)
		}
		bodies[i] = b
		total += uint64(len(b))
	}
	if total > math.MaxUint32 {
		return nil, encodeErr("stream of %d bytes exceeds the 4 GiB offset range", total)
	}
	out := make([]byte, 0, total)
	out = le.AppendUint16(out, 0xFFFE)
	out = le.AppendUint16(out, s.Version)
	out = le.AppendUint32(out, s.SystemIdentifier)
	out = append(out, s.CLSID[:]...)
	out = le.AppendUint32(out, uint32(len(s.Sections)))
	off := uint32(headerSize + fmtidEntrySize*len(s.Sections))
	for i := range s.Sections {
		out = append(out, s.Sections[i].FMTID[:]...)
		out = le.AppendUint32(out, off)
		off += uint32(len(bodies[i]))
	}
	for _, b := range bodies {
		out = append(out, b...)
	}
	return out, nil
}

func encodeSection(sec *Section) ([]byte, error) {
	cp := sec.Codepage()
	vals := make([][]byte, len(sec.Properties))
	size := uint64(8 + 8*len(sec.Properties))
	for i, p := range sec.Properties {
		v, err := encodeProperty(p, cp)
		if err != nil {
			return nil, fmt.Errorf("property ID %d (%v): %w", p.ID, p.Type, err)
		}
		vals[i] = v
		size += uint64(len(v))
	}
	if size > math.MaxUint32 {
		return nil, encodeErr("section of %d bytes exceeds the 4 GiB offset range", size)
	}
	out := make([]byte, 0, size)
	out = le.AppendUint32(out, uint32(size))
	out = le.AppendUint32(out, uint32(len(sec.Properties)))
	off := uint32(8 + 8*len(sec.Properties))
	for i, p := range sec.Properties {
		out = le.AppendUint32(out, p.ID)
		out = le.AppendUint32(out, off)
		off += uint32(len(vals[i]))
	}
	for _, v := range vals {
		out = append(out, v...)
	}
	return out, nil
}

func pad4(b []byte) []byte {
	for len(b)%4 != 0 {
		b = append(b, 0)
	}
	return b
}

func encodeProperty(p Property, cp int) ([]byte, error) {
	if p.ID == PIDDictionary {
		switch d := p.Value.(type) {
		case Dictionary:
			return encodeDictionary(d, cp)
		case Unknown:
			return pad4(append([]byte(nil), d...)), nil
		}
		return nil, encodeErr("the dictionary needs a Dictionary value, have %T", p.Value)
	}
	out := le.AppendUint16(nil, uint16(p.Type))
	out = append(out, 0, 0)
	if u, ok := p.Value.(Unknown); ok {
		if known(p.Type) {
			return nil, encodeErr("Unknown value for the decodable type %v", p.Type)
		}
		return pad4(append(out, u...)), nil
	}
	if p.Raw != nil && (p.Type == VTLPSTR || p.Type == VTBSTR) && cp != CodepageUTF16 {
		// A string read with bytes its code page cannot decode (now
		// U+FFFD) goes back as it was, as long as Value is unchanged.
		if v, ok := p.Value.(string); ok && bytes.IndexByte(p.Raw, 0) < 0 {
			if d, _ := DecodeString(cp, p.Raw); d == v {
				out = le.AppendUint32(out, uint32(len(p.Raw)+1))
				out = append(append(out, p.Raw...), 0)
				return pad4(out), nil
			}
		}
	}
	out, err := appendValue(out, p.Type, p.Value, cp)
	if err != nil {
		return nil, err
	}
	return pad4(out), nil
}

func typeErr(t Type, want string, v any) error {
	return encodeErr("%v wants a %s value, have %T", t, want, v)
}

// appendValue appends the value without its type header. Variable-size
// values are padded to 4 bytes, as vectors need; scalars are not.
func appendValue(out []byte, t Type, v any, cp int) ([]byte, error) {
	if t&VTVector != 0 {
		return appendVector(out, t&^VTVector, v, cp)
	}
	switch t {
	case VTEmpty, VTNull:
		if v != nil {
			return nil, typeErr(t, "nil", v)
		}
		return out, nil
	case VTI1:
		x, ok := v.(int8)
		if !ok {
			return nil, typeErr(t, "int8", v)
		}
		return append(out, byte(x)), nil
	case VTUI1:
		x, ok := v.(uint8)
		if !ok {
			return nil, typeErr(t, "uint8", v)
		}
		return append(out, x), nil
	case VTI2:
		x, ok := v.(int16)
		if !ok {
			return nil, typeErr(t, "int16", v)
		}
		return le.AppendUint16(out, uint16(x)), nil
	case VTUI2:
		x, ok := v.(uint16)
		if !ok {
			return nil, typeErr(t, "uint16", v)
		}
		return le.AppendUint16(out, x), nil
	case VTBool:
		x, ok := v.(bool)
		if !ok {
			return nil, typeErr(t, "bool", v)
		}
		if x {
			return le.AppendUint16(out, 0xFFFF), nil
		}
		return le.AppendUint16(out, 0), nil
	case VTI4, VTInt:
		x, ok := v.(int32)
		if !ok {
			return nil, typeErr(t, "int32", v)
		}
		return le.AppendUint32(out, uint32(x)), nil
	case VTUI4, VTUInt, VTError:
		x, ok := v.(uint32)
		if !ok {
			return nil, typeErr(t, "uint32", v)
		}
		return le.AppendUint32(out, x), nil
	case VTR4:
		x, ok := v.(float32)
		if !ok {
			return nil, typeErr(t, "float32", v)
		}
		return le.AppendUint32(out, math.Float32bits(x)), nil
	case VTI8, VTCY:
		x, ok := v.(int64)
		if !ok {
			return nil, typeErr(t, "int64", v)
		}
		return le.AppendUint64(out, uint64(x)), nil
	case VTUI8:
		x, ok := v.(uint64)
		if !ok {
			return nil, typeErr(t, "uint64", v)
		}
		return le.AppendUint64(out, x), nil
	case VTR8, VTDate:
		x, ok := v.(float64)
		if !ok {
			return nil, typeErr(t, "float64", v)
		}
		return le.AppendUint64(out, math.Float64bits(x)), nil
	case VTFiletime:
		x, ok := v.(Filetime)
		if !ok {
			return nil, typeErr(t, "Filetime", v)
		}
		return le.AppendUint64(out, uint64(x)), nil
	case VTCLSID:
		x, ok := v.(GUID)
		if !ok {
			return nil, typeErr(t, "GUID", v)
		}
		return append(out, x[:]...), nil
	case VTLPSTR, VTBSTR:
		x, ok := v.(string)
		if !ok {
			return nil, typeErr(t, "string", v)
		}
		b, err := encode8(cp, x)
		if err != nil {
			return nil, err
		}
		out = le.AppendUint32(out, uint32(len(b)))
		return pad4(append(out, b...)), nil
	case VTLPWSTR:
		x, ok := v.(string)
		if !ok {
			return nil, typeErr(t, "string", v)
		}
		if strings.IndexByte(x, 0) >= 0 {
			return nil, encodeErr("string %q has a NUL character", x)
		}
		u := append(utf16.Encode([]rune(x)), 0)
		if uint64(len(u)) > math.MaxUint32/2 {
			return nil, encodeErr("string of %d characters is too long", len(u))
		}
		out = le.AppendUint32(out, uint32(len(u)))
		for _, c := range u {
			out = le.AppendUint16(out, c)
		}
		return pad4(out), nil
	case VTBlob:
		x, ok := v.([]byte)
		if !ok {
			return nil, typeErr(t, "[]byte", v)
		}
		if uint64(len(x)) > math.MaxUint32 {
			return nil, encodeErr("blob of %d bytes is too long", len(x))
		}
		out = le.AppendUint32(out, uint32(len(x)))
		return pad4(append(out, x...)), nil
	}
	return nil, encodeErr("type %v has no encoder; use an Unknown value", t)
}

// encode8 encodes an 8-bit string with its NUL terminator. In code page
// 1200 the "8-bit" string is UTF-16 and its terminator is two bytes.
func encode8(cp int, s string) ([]byte, error) {
	if strings.IndexByte(s, 0) >= 0 {
		return nil, encodeErr("string %q has a NUL character", s)
	}
	if cp == 0 {
		cp = 1252
	}
	b, err := EncodeString(cp, s)
	if err != nil {
		return nil, err
	}
	if cp == CodepageUTF16 {
		b = append(b, 0, 0)
	} else {
		b = append(b, 0)
	}
	if uint64(len(b)) > math.MaxUint32 {
		return nil, encodeErr("string of %d bytes is too long", len(b))
	}
	return b, nil
}

func appendVector(out []byte, elem Type, v any, cp int) ([]byte, error) {
	if !vectorElem(elem) {
		return nil, encodeErr("VT_VECTOR|%v is not a valid vector type", elem)
	}
	if elem == VTVariant {
		vs, ok := v.([]Variant)
		if !ok {
			return nil, typeErr(VTVector|elem, "[]Variant", v)
		}
		out = le.AppendUint32(out, uint32(len(vs)))
		for i, e := range vs {
			if e.Type == VTVariant || e.Type&VTVector != 0 || !known(e.Type) {
				return nil, encodeErr("vector element %d has type %v", i, e.Type)
			}
			out = le.AppendUint16(out, uint16(e.Type))
			out = append(out, 0, 0)
			var err error
			if out, err = appendValue(out, e.Type, e.Value, cp); err != nil {
				return nil, fmt.Errorf("vector element %d: %w", i, err)
			}
			out = pad4(out)
		}
		return out, nil
	}
	vs, ok := v.([]any)
	if !ok {
		return nil, typeErr(VTVector|elem, "[]any", v)
	}
	out = le.AppendUint32(out, uint32(len(vs)))
	for i, e := range vs {
		var err error
		if out, err = appendValue(out, elem, e, cp); err != nil {
			return nil, fmt.Errorf("vector element %d: %w", i, err)
		}
	}
	return out, nil
}

func encodeDictionary(d Dictionary, cp int) ([]byte, error) {
	out := le.AppendUint32(nil, uint32(len(d)))
	for _, e := range d {
		out = le.AppendUint32(out, e.ID)
		if cp == CodepageUTF16 {
			if strings.IndexByte(e.Name, 0) >= 0 {
				return nil, encodeErr("dictionary name %q has a NUL character", e.Name)
			}
			u := append(utf16.Encode([]rune(e.Name)), 0)
			out = le.AppendUint32(out, uint32(len(u)))
			for _, c := range u {
				out = le.AppendUint16(out, c)
			}
			out = pad4(out)
			continue
		}
		b, err := encode8(cp, e.Name)
		if err != nil {
			return nil, err
		}
		out = le.AppendUint32(out, uint32(len(b)))
		out = append(out, b...)
	}
	return pad4(out), nil
}
