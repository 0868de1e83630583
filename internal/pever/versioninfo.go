package pever

import (
	"encoding/binary"
	"errors"
	"fmt"
	"strconv"
)

// VersionInfo is the decoded version resource (VS_VERSIONINFO) of an image.
type VersionInfo struct {
	// Fixed is the language-independent VS_FIXEDFILEINFO, nil when the
	// resource has none.
	Fixed *FixedFileInfo
	// StringTables are the StringFileInfo tables, one per language and
	// code page, in resource order.
	StringTables []StringTable
	// Translations are VarFileInfo\Translation's language and code-page
	// pairs: the languages the file says it supports.
	Translations []Translation
	// Language is the LANGID of the resource directory entry the version
	// resource was read from (0 from ParseVersionInfo).
	Language uint16
}

// FixedFileInfo is VS_FIXEDFILEINFO.
type FixedFileInfo struct {
	StrucVersion   uint32
	FileVersion    Version
	ProductVersion Version
	FlagsMask      uint32
	Flags          uint32 // VS_FF_* (debug, prerelease, patched, ...)
	OS             uint32 // VOS_*
	Type           uint32 // VFT_*
	Subtype        uint32 // VFT2_*
	Date           uint64 // usually zero
}

// VS_FIXEDFILEINFO constants used here.
const (
	FixedFileInfoSignature = 0xFEEF04BD
	fixedFileInfoSize      = 52

	FileTypeApp   = 1       // VFT_APP
	FileTypeDLL   = 2       // VFT_DLL
	OSNTWindows32 = 0x40004 // VOS_NT_WINDOWS32
)

// Translation is a language and code page pair, as in VarFileInfo and in
// a string table's key.
type Translation struct {
	Language uint16 // LANGID, e.g. 0x409
	CodePage uint16 // e.g. 1200 (UTF-16) or 1252
}

// String returns the eight hexadecimal digits a string table's key uses,
// e.g. "040904b0".
func (t Translation) String() string { return fmt.Sprintf("%04x%04x", t.Language, t.CodePage) }

// StringTable is one StringFileInfo table: the strings for one language
// and code page.
type StringTable struct {
	Key         string      // as stored, e.g. "040904B0"
	Translation Translation // decoded from Key; zero if Key is not 8 hex digits
	Strings     []KeyValue
}

// KeyValue is one string of a string table, e.g. CompanyName.
type KeyValue struct {
	Key, Value string
}

// Lookup returns the value of a string in the table. Keys are matched
// exactly, as Windows' VerQueryValue does.
func (t *StringTable) Lookup(key string) (string, bool) {
	for _, kv := range t.Strings {
		if kv.Key == key {
			return kv.Value, true
		}
	}
	return "", false
}

// Lookup returns a version string such as "FileVersion" or "CompanyName",
// taken from the string table of the first translation the file declares,
// else from the first table that has it.
func (vi *VersionInfo) Lookup(key string) (string, bool) {
	if len(vi.Translations) > 0 {
		for i := range vi.StringTables {
			if vi.StringTables[i].Translation == vi.Translations[0] {
				if v, ok := vi.StringTables[i].Lookup(key); ok {
					return v, true
				}
			}
		}
	}
	for i := range vi.StringTables {
		if v, ok := vi.StringTables[i].Lookup(key); ok {
			return v, true
		}
	}
	return "", false
}

// FileVersion returns the fixed file version, the number Windows and
// Windows Installer compare, or an error wrapping ErrNoVersion.
func (vi *VersionInfo) FileVersion() (Version, error) {
	if vi.Fixed == nil {
		return Version{}, &Error{What: "version resource", Err: fmt.Errorf("%w: no VS_FIXEDFILEINFO", ErrNoVersion)}
	}
	return vi.Fixed.FileVersion, nil
}

// VersionInfo reads the image's version resource. An image without one
// gives an error wrapping ErrNoVersion. When there are several, the one
// named 1 (VS_VERSION_INFO) is preferred, and of its languages neutral,
// then US English, then the first, as the Windows loader's fallback does
// on an English system.
func (f *File) VersionInfo() (*VersionInfo, error) {
	typ := uint32(RTVersion)
	var best *Resource
	rank := func(r *Resource) int {
		n := 0
		if r.Name.Name == "" && r.Name.ID == 1 {
			n += 4
		}
		switch r.Language {
		case 0:
			n += 2
		case 0x409:
			n++
		}
		return n
	}
	err := f.walkResources(&typ, func(r Resource) {
		if best == nil || rank(&r) > rank(best) {
			best = &r
		}
	})
	if err != nil {
		return nil, err
	}
	if best == nil {
		return nil, &Error{What: "version resource", Err: ErrNoVersion}
	}
	// The structure's length is 16 bits; a larger data entry is padding
	// or damage, and is not read.
	n := min(best.Size, 0xFFFF)
	off, err := f.rvaToOffset(best.RVA, n)
	if err != nil {
		return nil, &Error{What: "version resource", Err: err}
	}
	b := make([]byte, n)
	if err := readFull(f.r, b, off); err != nil {
		return nil, hdrErr("version resource", err)
	}
	vi, err := ParseVersionInfo(b)
	if err != nil {
		return nil, err
	}
	vi.Language = best.Language
	return vi, nil
}

// FileVersion returns the fixed file version from the image's version
// resource; an image without one gives an error wrapping ErrNoVersion.
func (f *File) FileVersion() (Version, error) {
	vi, err := f.VersionInfo()
	if err != nil {
		return Version{}, err
	}
	return vi.FileVersion()
}

// block is one node of the VS_VERSIONINFO tree. Every node is a length,
// a value length, a type, a NUL-terminated UTF-16 key, then 32-bit
// aligned the value and the children. Alignment is relative to the start
// of the resource data, so positions are kept as offsets into it.
type block struct {
	key        string
	valueLen   uint16 // as stored: bytes, or characters for text values
	typ        uint16 // 1 text, 0 binary
	valueStart int
	end        int // of this block, excluding trailing padding
}

const blockHeaderSize = 6

func align4(n int) int { return (n + 3) &^ 3 }

// parseBlock reads the block at off, which must lie within [off, limit).
func parseBlock(b []byte, off, limit int) (block, error) {
	if off+blockHeaderSize > limit {
		return block{}, fmt.Errorf("%w: block header at %#x runs past its parent's end %#x", ErrFormat, off, limit)
	}
	length := int(binary.LittleEndian.Uint16(b[off:]))
	blk := block{
		valueLen: binary.LittleEndian.Uint16(b[off+2:]),
		typ:      binary.LittleEndian.Uint16(b[off+4:]),
		end:      off + length,
	}
	if length < blockHeaderSize+2 {
		return block{}, fmt.Errorf("%w: block at %#x has length %d, less than its header", ErrFormat, off, length)
	}
	if blk.end > limit {
		return block{}, fmt.Errorf("%w: block at %#x of %d bytes runs past its parent's end %#x", ErrFormat, off, length, limit)
	}
	k := off + blockHeaderSize
	for ; k+1 < blk.end; k += 2 {
		if b[k] == 0 && b[k+1] == 0 {
			break
		}
	}
	if k+1 >= blk.end {
		return block{}, fmt.Errorf("%w: key of block at %#x is not NUL-terminated", ErrFormat, off)
	}
	blk.key = decodeUTF16(b[off+blockHeaderSize : k])
	blk.valueStart = min(align4(k+2), blk.end)
	return blk, nil
}

// children calls fn for each child block between start and end. Trailing
// bytes too short for a block, or all zero, are padding.
func children(b []byte, start, end int, fn func(block) error) error {
	for off := align4(start); off < end; {
		if end-off < blockHeaderSize+2 || allZero(b[off:end]) {
			return nil
		}
		blk, err := parseBlock(b, off, end)
		if err != nil {
			return err
		}
		if err := fn(blk); err != nil {
			return err
		}
		// parseBlock guarantees a length of at least 8, so this advances.
		off = align4(blk.end)
	}
	return nil
}

func allZero(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}

// ParseVersionInfo decodes the data of an RT_VERSION resource.
func ParseVersionInfo(b []byte) (*VersionInfo, error) {
	vi, err := parseVersionInfo(b)
	if err != nil {
		var e *Error
		if !errors.As(err, &e) {
			err = &Error{What: "version resource", Err: err}
		}
		return nil, err
	}
	return vi, nil
}

func parseVersionInfo(b []byte) (*VersionInfo, error) {
	root, err := parseBlock(b, 0, len(b))
	if err != nil {
		return nil, err
	}
	if root.key != "VS_VERSION_INFO" {
		return nil, fmt.Errorf("%w: root key is %q, not VS_VERSION_INFO", ErrFormat, root.key)
	}
	vi := &VersionInfo{}
	childStart := root.valueStart
	if root.valueLen != 0 {
		if root.valueLen < fixedFileInfoSize || root.valueStart+fixedFileInfoSize > root.end {
			return nil, fmt.Errorf("%w: VS_FIXEDFILEINFO of %d bytes at %#x does not fit", ErrFormat, root.valueLen, root.valueStart)
		}
		ffi, err := parseFixed(b[root.valueStart : root.valueStart+fixedFileInfoSize])
		if err != nil {
			return nil, err
		}
		vi.Fixed = ffi
		childStart = min(root.valueStart+int(root.valueLen), root.end)
	}
	err = children(b, childStart, root.end, func(c block) error {
		switch c.key {
		case "StringFileInfo":
			return children(b, c.valueStart, c.end, func(t block) error {
				st, err := parseStringTable(b, t)
				if err == nil {
					vi.StringTables = append(vi.StringTables, st)
				}
				return err
			})
		case "VarFileInfo":
			return children(b, c.valueStart, c.end, func(v block) error {
				if v.key != "Translation" {
					return nil
				}
				n := min(int(v.valueLen), v.end-v.valueStart) / 4
				for i := 0; i < n; i++ {
					p := v.valueStart + 4*i
					vi.Translations = append(vi.Translations, Translation{
						Language: binary.LittleEndian.Uint16(b[p:]),
						CodePage: binary.LittleEndian.Uint16(b[p+2:]),
					})
				}
				return nil
			})
		}
		// Other children are not defined; they are skipped.
		return nil
	})
	if err != nil {
		return nil, err
	}
	return vi, nil
}

func parseFixed(b []byte) (*FixedFileInfo, error) {
	u := func(i int) uint32 { return binary.LittleEndian.Uint32(b[4*i:]) }
	if u(0) != FixedFileInfoSignature {
		return nil, fmt.Errorf("%w: VS_FIXEDFILEINFO signature is %#x, not %#x", ErrFormat, u(0), FixedFileInfoSignature)
	}
	return &FixedFileInfo{
		StrucVersion:   u(1),
		FileVersion:    VersionFromParts(u(2), u(3)),
		ProductVersion: VersionFromParts(u(4), u(5)),
		FlagsMask:      u(6),
		Flags:          u(7),
		OS:             u(8),
		Type:           u(9),
		Subtype:        u(10),
		Date:           uint64(u(11))<<32 | uint64(u(12)),
	}, nil
}

// parseStringTable reads one StringTable and its String children. A
// String's value runs from after its key to the end of its block, up to
// the first NUL: its value length is in characters for some compilers and
// bytes for others, so it is not trusted.
func parseStringTable(b []byte, t block) (StringTable, error) {
	st := StringTable{Key: t.key}
	if len(t.key) == 8 {
		if n, err := strconv.ParseUint(t.key, 16, 32); err == nil {
			st.Translation = Translation{Language: uint16(n >> 16), CodePage: uint16(n)}
		}
	}
	err := children(b, t.valueStart, t.end, func(s block) error {
		v := b[s.valueStart:s.end]
		for i := 0; i+1 < len(v); i += 2 {
			if v[i] == 0 && v[i+1] == 0 {
				v = v[:i]
				break
			}
		}
		st.Strings = append(st.Strings, KeyValue{Key: s.key, Value: decodeUTF16(v)})
		return nil
	})
	return st, err
}
