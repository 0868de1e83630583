package cfb

import (
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"strings"
)

// CLSID is a class ID in its on-disk byte order: the first three fields
// little-endian, the last eight bytes as they are.
type CLSID [16]byte

// Root storage class IDs of Windows Installer files.
var (
	CLSIDDatabase  = MustParseCLSID("{000C1084-0000-0000-C000-000000000046}") // .msi, .msm
	CLSIDPatch     = MustParseCLSID("{000C1086-0000-0000-C000-000000000046}") // .msp
	CLSIDTransform = MustParseCLSID("{000C1082-0000-0000-C000-000000000046}") // .mst
)

// ParseCLSID reads a GUID written as "{XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}";
// the braces are optional and case does not matter.
func ParseCLSID(s string) (CLSID, error) {
	var id CLSID
	t := strings.TrimSuffix(strings.TrimPrefix(s, "{"), "}")
	if len(t) != 36 || t[8] != '-' || t[13] != '-' || t[18] != '-' || t[23] != '-' {
		return id, fmt.Errorf("%w: %q", ErrCLSID, s)
	}
	raw, err := hex.DecodeString(t[0:8] + t[9:13] + t[14:18] + t[19:23] + t[24:])
	if err != nil {
		return id, fmt.Errorf("%w: %q", ErrCLSID, s)
	}
	binary.LittleEndian.PutUint32(id[0:], binary.BigEndian.Uint32(raw[0:]))
	binary.LittleEndian.PutUint16(id[4:], binary.BigEndian.Uint16(raw[4:]))
	binary.LittleEndian.PutUint16(id[6:], binary.BigEndian.Uint16(raw[6:]))
	copy(id[8:], raw[8:])
	return id, nil
}

// MustParseCLSID is ParseCLSID for constants; it panics on a bad string.
func MustParseCLSID(s string) CLSID {
	id, err := ParseCLSID(s)
	if err != nil {
		panic(err)
	}
	return id
}

// String formats the class ID as "{XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}",
// upper case, as Windows shows it.
func (id CLSID) String() string {
	return fmt.Sprintf("{%08X-%04X-%04X-%X-%X}",
		binary.LittleEndian.Uint32(id[0:]), binary.LittleEndian.Uint16(id[4:]),
		binary.LittleEndian.Uint16(id[6:]), id[8:10], id[10:])
}
