package pever

import (
	"encoding/binary"
	"fmt"
	"strings"
	"unicode/utf16"
)

// MarshalBinary encodes the version information as the data of an
// RT_VERSION resource: VS_VERSIONINFO with the fixed information (if
// Fixed is set; its signature is always written correctly), one
// StringFileInfo holding every string table (keyed by Key, or by
// Translation when Key is empty), and one VarFileInfo holding
// the translations (if there are any). ParseVersionInfo reads it back to
// an equal VersionInfo (Language aside).
func (vi *VersionInfo) MarshalBinary() ([]byte, error) {
	var fixed []byte
	if vi.Fixed != nil {
		fixed = marshalFixed(vi.Fixed)
	}
	var kids [][]byte
	if len(vi.StringTables) > 0 {
		tables := make([][]byte, 0, len(vi.StringTables))
		for _, st := range vi.StringTables {
			strs := make([][]byte, 0, len(st.Strings))
			for _, kv := range st.Strings {
				if strings.ContainsRune(kv.Value, 0) {
					return nil, fmt.Errorf("pever: %w: version string %q contains NUL", ErrBuild, kv.Key)
				}
				v := appendUTF16Z(nil, kv.Value)
				s, err := versionNode(kv.Key, 1, v, uint16(len(v)/2))
				if err != nil {
					return nil, err
				}
				strs = append(strs, s)
			}
			// A decoded table keeps its stored key, even an empty one; a
			// table built by hand may give only the translation.
			key := st.Key
			if key == "" && st.Translation != (Translation{}) {
				key = st.Translation.String()
			}
			t, err := versionNode(key, 1, nil, 0, strs...)
			if err != nil {
				return nil, err
			}
			tables = append(tables, t)
		}
		sfi, err := versionNode("StringFileInfo", 1, nil, 0, tables...)
		if err != nil {
			return nil, err
		}
		kids = append(kids, sfi)
	}
	if len(vi.Translations) > 0 {
		v := make([]byte, 0, 4*len(vi.Translations))
		for _, t := range vi.Translations {
			v = binary.LittleEndian.AppendUint16(v, t.Language)
			v = binary.LittleEndian.AppendUint16(v, t.CodePage)
		}
		if len(v) > 0xFFFF {
			return nil, fmt.Errorf("pever: %w: %d translations do not fit a version resource", ErrBuild, len(vi.Translations))
		}
		tr, err := versionNode("Translation", 0, v, uint16(len(v)))
		if err != nil {
			return nil, err
		}
		vfi, err := versionNode("VarFileInfo", 1, nil, 0, tr)
		if err != nil {
			return nil, err
		}
		kids = append(kids, vfi)
	}
	return versionNode("VS_VERSION_INFO", 0, fixed, uint16(len(fixed)), kids...)
}

func marshalFixed(ffi *FixedFileInfo) []byte {
	fms, fls := ffi.FileVersion.Parts()
	pms, pls := ffi.ProductVersion.Parts()
	b := make([]byte, 0, fixedFileInfoSize)
	for _, u := range []uint32{
		FixedFileInfoSignature, ffi.StrucVersion, fms, fls, pms, pls,
		ffi.FlagsMask, ffi.Flags, ffi.OS, ffi.Type, ffi.Subtype,
		uint32(ffi.Date >> 32), uint32(ffi.Date),
	} {
		b = binary.LittleEndian.AppendUint32(b, u)
	}
	return b
}

// versionNode encodes one VS_VERSIONINFO tree node. Nodes are laid out
// from 32-bit aligned offsets, so alignment within a node is alignment
// within the resource.
func versionNode(key string, typ uint16, value []byte, valueLen uint16, kids ...[]byte) ([]byte, error) {
	if strings.ContainsRune(key, 0) {
		return nil, fmt.Errorf("pever: %w: version resource key %q contains NUL", ErrBuild, key)
	}
	b := make([]byte, blockHeaderSize, 64)
	b = appendUTF16Z(b, key)
	b = pad4(b)
	b = append(b, value...)
	for _, k := range kids {
		b = pad4(b)
		b = append(b, k...)
	}
	if len(b) > 0xFFFF {
		return nil, fmt.Errorf("pever: %w: version resource node %q needs %d bytes, more than 65535", ErrBuild, key, len(b))
	}
	binary.LittleEndian.PutUint16(b[0:], uint16(len(b)))
	binary.LittleEndian.PutUint16(b[2:], valueLen)
	binary.LittleEndian.PutUint16(b[4:], typ)
	return b, nil
}

func appendUTF16Z(b []byte, s string) []byte {
	for _, u := range utf16.Encode([]rune(s)) {
		b = binary.LittleEndian.AppendUint16(b, u)
	}
	return append(b, 0, 0)
}

func pad4(b []byte) []byte {
	for len(b)%4 != 0 {
		b = append(b, 0)
	}
	return b
}
