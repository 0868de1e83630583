package oleps

import "fmt"

// Type is a property type (a VARENUM value, [MS-OLEPS] 2.15).
type Type uint16

// Property types.
const (
	VTEmpty    Type = 0x0000
	VTNull     Type = 0x0001
	VTI2       Type = 0x0002
	VTI4       Type = 0x0003
	VTR4       Type = 0x0004
	VTR8       Type = 0x0005
	VTCY       Type = 0x0006
	VTDate     Type = 0x0007
	VTBSTR     Type = 0x0008
	VTError    Type = 0x000A
	VTBool     Type = 0x000B
	VTVariant  Type = 0x000C
	VTDecimal  Type = 0x000E
	VTI1       Type = 0x0010
	VTUI1      Type = 0x0011
	VTUI2      Type = 0x0012
	VTUI4      Type = 0x0013
	VTI8       Type = 0x0014
	VTUI8      Type = 0x0015
	VTInt      Type = 0x0016
	VTUInt     Type = 0x0017
	VTLPSTR    Type = 0x001E
	VTLPWSTR   Type = 0x001F
	VTFiletime Type = 0x0040
	VTBlob     Type = 0x0041
	VTCF       Type = 0x0047
	VTCLSID    Type = 0x0048
	// VTVector is a flag: VTVector|t is a counted array of t.
	VTVector Type = 0x1000
)

var typeNames = map[Type]string{
	VTEmpty: "VT_EMPTY", VTNull: "VT_NULL", VTI2: "VT_I2", VTI4: "VT_I4",
	VTR4: "VT_R4", VTR8: "VT_R8", VTCY: "VT_CY", VTDate: "VT_DATE",
	VTBSTR: "VT_BSTR", VTError: "VT_ERROR", VTBool: "VT_BOOL",
	VTVariant: "VT_VARIANT", VTDecimal: "VT_DECIMAL", VTI1: "VT_I1",
	VTUI1: "VT_UI1", VTUI2: "VT_UI2", VTUI4: "VT_UI4", VTI8: "VT_I8",
	VTUI8: "VT_UI8", VTInt: "VT_INT", VTUInt: "VT_UINT", VTLPSTR: "VT_LPSTR",
	VTLPWSTR: "VT_LPWSTR", VTFiletime: "VT_FILETIME", VTBlob: "VT_BLOB",
	VTCF: "VT_CF", VTCLSID: "VT_CLSID",
}

// String returns the Windows name of the type, such as "VT_LPSTR" or
// "VT_VECTOR|VT_LPSTR".
func (t Type) String() string {
	if t&VTVector != 0 {
		return "VT_VECTOR|" + (t &^ VTVector).String()
	}
	if n, ok := typeNames[t]; ok {
		return n
	}
	return fmt.Sprintf("VT_0x%04X", uint16(t))
}

// fixedSize returns the stored size of a scalar type's value (before the
// padding to 4 bytes), or 0 for types whose size is not fixed.
func fixedSize(t Type) int {
	switch t {
	case VTI1, VTUI1:
		return 1
	case VTI2, VTUI2, VTBool:
		return 2
	case VTI4, VTUI4, VTInt, VTUInt, VTR4, VTError:
		return 4
	case VTI8, VTUI8, VTR8, VTCY, VTDate, VTFiletime:
		return 8
	case VTCLSID:
		return 16
	}
	return 0
}

// vectorElem reports whether t may appear as the element type of a vector
// ([MS-OLEPS] 2.15 lists the allowed VT_VECTOR combinations).
func vectorElem(t Type) bool {
	switch t {
	case VTI2, VTI4, VTR4, VTR8, VTCY, VTDate, VTBSTR, VTError, VTBool,
		VTVariant, VTI1, VTUI1, VTUI2, VTUI4, VTI8, VTUI8, VTLPSTR, VTLPWSTR,
		VTFiletime, VTCLSID:
		return true
	}
	return false
}
