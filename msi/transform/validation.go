package transform

import (
	"fmt"
	"strings"

	"github.com/msikit/msikit/msi"
)

// Validation is a transform's Character Count (summary PID 16) decoded
// as Windows Installer reads it: the upper word holds the
// MSITRANSFORM_VALIDATE_* conditions checked before the transform is
// applied, the lower word the MSITRANSFORM_ERROR_* conditions it ignores
// while applied. (WiX's default for patch transforms, 0x0922001F, is
// product, upgrade code and major.minor.update version equal; errors
// ignored: add existing row or table, delete missing row or table,
// update missing row.)
type Validation struct {
	Checks Checks
	Ignore ErrorConditions
}

// Checks is a set of MSITRANSFORM_VALIDATE_* conditions: what the
// installer compares between the package a transform is applied to and
// the one it was made from.
type Checks uint16

// The conditions, as msi.h defines them.
const (
	ValidateLanguage                Checks = 0x0001
	ValidateProduct                 Checks = 0x0002
	ValidatePlatform                Checks = 0x0004
	ValidateMajorVersion            Checks = 0x0008
	ValidateMinorVersion            Checks = 0x0010
	ValidateUpdateVersion           Checks = 0x0020
	ValidateNewLessBaseVersion      Checks = 0x0040
	ValidateNewLessEqualBaseVersion Checks = 0x0080
	ValidateNewEqualBaseVersion     Checks = 0x0100
	ValidateNewGreaterEqualBaseVer  Checks = 0x0200
	ValidateNewGreaterBaseVersion   Checks = 0x0400
	ValidateUpgradeCode             Checks = 0x0800
	validateVersionOperators               = ValidateNewLessBaseVersion | ValidateNewLessEqualBaseVersion | ValidateNewEqualBaseVersion | ValidateNewGreaterEqualBaseVer | ValidateNewGreaterBaseVersion
)

// ErrorConditions is a set of MSITRANSFORM_ERROR_* conditions: the
// conflicts Apply ignores, or those a transform's summary asks to ignore.
type ErrorConditions uint16

// The conditions, with the values of MsiDatabaseApplyTransform.
const (
	IgnoreAddExistingRow   ErrorConditions = 0x0001 // an inserted row replaces the row with its key
	IgnoreDelMissingRow    ErrorConditions = 0x0002 // deleting a missing row does nothing
	IgnoreAddExistingTable ErrorConditions = 0x0004 // adding an existing table keeps it (its new columns are added)
	IgnoreDelMissingTable  ErrorConditions = 0x0008 // dropping a missing table does nothing
	IgnoreUpdateMissingRow ErrorConditions = 0x0010 // updating a missing row does nothing
	IgnoreChangeCodepage   ErrorConditions = 0x0020 // code pages that differ, neither neutral, are accepted
	IgnoreAll              ErrorConditions = 0x003f
)

// ValidationOf decodes the Character Count of a transform's summary
// information; nil gives the zero Validation.
func ValidationOf(s *msi.SummaryInfo) Validation {
	if s == nil {
		return Validation{}
	}
	cc := uint32(s.CharCount)
	return Validation{Checks: Checks(cc >> 16), Ignore: ErrorConditions(uint16(cc))}
}

// CharCount is the Character Count the validation is stored as.
func (v Validation) CharCount() int32 {
	return int32(uint32(v.Checks)<<16 | uint32(v.Ignore))
}

// Names returns the Windows names of the set bits, validation conditions
// first; bits without a name are shown in hexadecimal.
func (v Validation) Names() []string {
	var out []string
	c, e := uint16(v.Checks), uint16(v.Ignore)
	for _, n := range validateNames {
		if c&n.bit != 0 {
			out = append(out, n.name)
			c &^= n.bit
		}
	}
	if c != 0 {
		out = append(out, fmt.Sprintf("MSITRANSFORM_VALIDATE_0x%04X", c))
	}
	for _, n := range errorNames {
		if e&n.bit != 0 {
			out = append(out, n.name)
			e &^= n.bit
		}
	}
	if e != 0 {
		out = append(out, fmt.Sprintf("MSITRANSFORM_ERROR_0x%04X", e))
	}
	return out
}

// String joins Names with "|", or returns "0".
func (v Validation) String() string {
	if v == (Validation{}) {
		return "0"
	}
	return strings.Join(v.Names(), "|")
}

// VersionFields is how many fields of ProductVersion the check compares:
// 1 (major), 2 (major.minor), 3 (major.minor.update), or 0 when the
// version is not checked. An operator without a field bit compares three
// fields, and a field bit without an operator compares for equality, as
// WiX documents its defaults.
func (v Validation) VersionFields() int {
	switch {
	case v.Checks&ValidateUpdateVersion != 0:
		return 3
	case v.Checks&ValidateMinorVersion != 0:
		return 2
	case v.Checks&ValidateMajorVersion != 0:
		return 1
	case v.Checks&validateVersionOperators != 0:
		return 3
	}
	return 0
}

var validateNames = []struct {
	bit  uint16
	name string
}{
	{0x0001, "MSITRANSFORM_VALIDATE_LANGUAGE"},
	{0x0002, "MSITRANSFORM_VALIDATE_PRODUCT"},
	{0x0004, "MSITRANSFORM_VALIDATE_PLATFORM"},
	{0x0008, "MSITRANSFORM_VALIDATE_MAJORVERSION"},
	{0x0010, "MSITRANSFORM_VALIDATE_MINORVERSION"},
	{0x0020, "MSITRANSFORM_VALIDATE_UPDATEVERSION"},
	{0x0040, "MSITRANSFORM_VALIDATE_NEWLESSBASEVERSION"},
	{0x0080, "MSITRANSFORM_VALIDATE_NEWLESSEQUALBASEVERSION"},
	{0x0100, "MSITRANSFORM_VALIDATE_NEWEQUALBASEVERSION"},
	{0x0200, "MSITRANSFORM_VALIDATE_NEWGREATEREQUALBASEVERSION"},
	{0x0400, "MSITRANSFORM_VALIDATE_NEWGREATERBASEVERSION"},
	{0x0800, "MSITRANSFORM_VALIDATE_UPGRADECODE"},
}

var errorNames = []struct {
	bit  uint16
	name string
}{
	{0x0001, "MSITRANSFORM_ERROR_ADDEXISTINGROW"},
	{0x0002, "MSITRANSFORM_ERROR_DELMISSINGROW"},
	{0x0004, "MSITRANSFORM_ERROR_ADDEXISTINGTABLE"},
	{0x0008, "MSITRANSFORM_ERROR_DELMISSINGTABLE"},
	{0x0010, "MSITRANSFORM_ERROR_UPDATEMISSINGROW"},
	{0x0020, "MSITRANSFORM_ERROR_CHANGECODEPAGE"},
	{0x0100, "MSITRANSFORM_ERROR_VIEWTRANSFORM"},
}
