// Package oleps reads and writes OLE property-set streams as specified in
// [MS-OLEPS]: the \x05SummaryInformation stream of Windows Installer
// packages, \x05DocumentSummaryInformation and any other property set stored
// in a compound file.
//
// Parse never panics and never allocates more than a small multiple of its
// input: every count and size in the stream is checked against the bytes
// that are actually there. A property whose type this package does not
// decode is kept as an Unknown value holding its bytes, so one exotic
// property does not make an otherwise good set unreadable.
//
// Set.Bytes writes a stream back. The layout is the one Windows itself
// writes (header, FMTID/offset pairs, sections with their property
// identifier/offset arrays, values aligned to 4 bytes and zero-padded), and
// the output depends only on the Set, so equal Sets give equal bytes.
package oleps

import (
	"errors"
	"fmt"
)

// ErrFormat is wrapped by every error Parse returns for a malformed stream.
var ErrFormat = errors.New("oleps: malformed property set")

// ErrEncode is wrapped by the errors Bytes returns when a property cannot be
// represented in a stream (a value of the wrong Go type for its Type, a
// string not representable in the section's code page, a size too large).
var ErrEncode = errors.New("oleps: cannot encode property set")

func formatErr(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrFormat, fmt.Sprintf(format, args...))
}

func encodeErr(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrEncode, fmt.Sprintf(format, args...))
}

// Well-known format identifiers and property identifiers.
var (
	// FMTIDSummaryInformation identifies the \x05SummaryInformation set.
	FMTIDSummaryInformation = MustParseGUID("{F29F85E0-4FF9-1068-AB91-08002B27B3D9}")
	// FMTIDDocSummaryInformation identifies the first section of the
	// \x05DocumentSummaryInformation set.
	FMTIDDocSummaryInformation = MustParseGUID("{D5CDD502-2E9C-101B-9397-08002B2CF9AE}")
	// FMTIDUserDefinedProperties identifies its second, user-defined section.
	FMTIDUserDefinedProperties = MustParseGUID("{D5CDD505-2E9C-101B-9397-08002B2CF9AE}")
)

const (
	// PIDDictionary is the property identifier of a section's dictionary
	// (property names); its value has no type header.
	PIDDictionary uint32 = 0
	// PIDCodepage holds the code page of the section's 8-bit strings.
	PIDCodepage uint32 = 1
	// PIDLocale holds the section's locale identifier.
	PIDLocale uint32 = 0x80000000
	// PIDBehavior holds the section's behavior flags (case sensitivity).
	PIDBehavior uint32 = 0x80000003
)

// Set is a decoded property-set stream.
type Set struct {
	// Version is 0, or 1 when the set uses version-1 features.
	Version uint16
	// SystemIdentifier is the writer's OS version and platform
	// (Windows writes the OS major/minor version in the low word and the
	// platform, 2 for Win32, in the high word).
	SystemIdentifier uint32
	// CLSID is the class identifier of the set, usually zero.
	CLSID GUID
	// Sections are the property sets in stream order (one or two).
	Sections []Section
}

// Section is one property set of the stream: a format identifier and its
// properties.
type Section struct {
	FMTID      GUID
	Properties []Property // in the order of the stream's identifier/offset array
}

// Property is one typed property value.
//
// The dynamic type of Value depends on Type:
//
//	VTEmpty, VTNull            nil
//	VTI1, VTI2, VTI4, VTInt    int8, int16, int32, int32
//	VTUI1, VTUI2, VTUI4, VTUInt uint8, uint16, uint32, uint32
//	VTI8, VTUI8, VTCY          int64, uint64, int64 (units of 1/10000)
//	VTR4, VTR8, VTDate         float32, float64, float64
//	VTError                    uint32 (an HRESULT)
//	VTBool                     bool
//	VTLPSTR, VTBSTR            string, decoded to UTF-8 from the section's code page
//	VTLPWSTR                   string
//	VTFiletime                 Filetime
//	VTBlob                     []byte
//	VTCLSID                    GUID
//	VTVector|t                 []any of the element type above; for
//	                           VTVector|VTVariant, []Variant
//	anything else              Unknown
//
// The dictionary (ID PIDDictionary) has Type VTEmpty and a Dictionary value.
type Property struct {
	ID    uint32
	Type  Type
	Value any
	// Raw holds, for VTLPSTR and VTBSTR values read by Parse, the string's
	// bytes as stored (code-page encoded, up to the first NUL). It lets
	// callers reproduce tools that print the stored bytes. Bytes writes
	// Raw instead of encoding Value when Raw still decodes to Value, so a
	// string with bytes invalid in its code page survives a round trip.
	Raw []byte
}

// Variant is an element of a VTVector|VTVariant vector.
type Variant struct {
	Type  Type
	Value any
}

// Unknown holds the bytes of a value whose type this package does not
// decode: from just after the 4-byte type header to the start of the next
// property value, or to the end of the section. Bytes writes them back
// unchanged.
type Unknown []byte

// DictionaryEntry maps a property identifier to its name.
type DictionaryEntry struct {
	ID   uint32
	Name string
}

// Dictionary is the value of the PIDDictionary property.
type Dictionary []DictionaryEntry

// Property returns the first property with the given identifier.
func (s *Section) Property(id uint32) (Property, bool) {
	for _, p := range s.Properties {
		if p.ID == id {
			return p, true
		}
	}
	return Property{}, false
}

// Codepage returns the section's code page (property PIDCodepage read as
// the unsigned 16-bit value [MS-OLEPS] requires), or 0 when it is absent.
func (s *Section) Codepage() int {
	p, ok := s.Property(PIDCodepage)
	if !ok {
		return 0
	}
	return codepageOf(p.Value)
}

func codepageOf(v any) int {
	switch v := v.(type) {
	case int16:
		return int(uint16(v))
	case uint16:
		return int(v)
	case int32:
		// Some writers store the code page as VT_I4; the low word is meant.
		return int(uint16(v))
	case uint32:
		return int(uint16(v))
	}
	return 0
}

// Section returns the first section with the given format identifier.
func (s *Set) Section(fmtid GUID) (*Section, bool) {
	for i := range s.Sections {
		if s.Sections[i].FMTID == fmtid {
			return &s.Sections[i], true
		}
	}
	return nil, false
}
