package msi

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// TransformValidation is a transform's CharCount decoded as Windows
// Installer reads it: the upper word holds the MSITRANSFORM_VALIDATE_*
// conditions checked before the transform is applied, the lower word the
// MSITRANSFORM_ERROR_* conditions it ignores while applied. (WiX's
// default for patch transforms, 0x0922001F, is product, upgrade code and
// major.minor.update version equal; errors ignored: add existing row or
// table, delete missing row or table, update missing row.)
type TransformValidation struct {
	Checks       uint16 // MSITRANSFORM_VALIDATE_* bits
	IgnoreErrors uint16 // MSITRANSFORM_ERROR_* bits
}

// MSITRANSFORM_VALIDATE_* bits, as msi.h defines them.
const (
	ValidateLanguage                       = 0x0001
	ValidateProduct                        = 0x0002
	ValidatePlatform                       = 0x0004
	ValidateMajorVersion                   = 0x0008
	ValidateMinorVersion                   = 0x0010
	ValidateUpdateVersion                  = 0x0020
	ValidateNewLessBaseVersion             = 0x0040
	ValidateNewLessEqualBaseVersion        = 0x0080
	ValidateNewEqualBaseVersion            = 0x0100
	ValidateNewGreaterEqualBaseVer         = 0x0200
	ValidateNewGreaterBaseVersion          = 0x0400
	ValidateUpgradeCode                    = 0x0800
	validateVersionFields                  = ValidateMajorVersion | ValidateMinorVersion | ValidateUpdateVersion
	validateVersionOperators               = ValidateNewLessBaseVersion | ValidateNewLessEqualBaseVersion | ValidateNewEqualBaseVersion | ValidateNewGreaterEqualBaseVer | ValidateNewGreaterBaseVersion
	maxValidation                   uint16 = 0x0FFF
)

// ValidationOf decodes a transform's CharCount.
func ValidationOf(charCount int32) TransformValidation {
	return TransformValidation{Checks: uint16(uint32(charCount) >> 16), IgnoreErrors: uint16(uint32(charCount))}
}

// Value is the CharCount the flags are stored as.
func (v TransformValidation) Value() int32 {
	return int32(uint32(v.Checks)<<16 | uint32(v.IgnoreErrors))
}

// Names returns the Windows names of the set bits, validation conditions
// first; bits without a name are shown in hexadecimal.
func (v TransformValidation) Names() []string {
	var out []string
	c, e := v.Checks, v.IgnoreErrors
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
func (v TransformValidation) String() string {
	if v == (TransformValidation{}) {
		return "0"
	}
	return strings.Join(v.Names(), "|")
}

// VersionFields is how many fields of ProductVersion the check compares:
// 1 (major), 2 (major.minor), 3 (major.minor.update), or 0 when the
// version is not checked. An operator without a field bit compares three
// fields, and a field bit without an operator compares for equality, as
// WiX documents its defaults.
func (v TransformValidation) VersionFields() int {
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

// ProductInfo is what a transform's validation compares: the target
// package's identity.
type ProductInfo struct {
	ProductCode    string
	ProductVersion string
	UpgradeCode    string
	Language       int    // ProductLanguage
	Platform       string // from the summary's Template: Intel, x64, Intel64, Arm64
}

// ReadProductInfo reads the identity of a package or a database from its
// Property table and summary information. A database without a Property
// table gets ErrNotFound.
func ReadProductInfo(src TableReader) (ProductInfo, error) {
	var pi ProductInfo
	t, err := optionalTable(src, "Property")
	if err != nil {
		return pi, err
	}
	if t == nil {
		return pi, errorf(src, "table Property", ErrNotFound)
	}
	s, err := src.SummaryInfo()
	if err != nil && !errors.Is(err, ErrNotFound) {
		return pi, err
	}
	return productInfo(t, s), nil
}

func productInfo(props *Table, s *SummaryInfo) ProductInfo {
	var pi ProductInfo
	if props != nil {
		for _, r := range props.Rows {
			v := r.String("Value")
			switch r.String("Property") {
			case "ProductCode":
				pi.ProductCode = v
			case "ProductVersion":
				pi.ProductVersion = v
			case "UpgradeCode":
				pi.UpgradeCode = v
			case "ProductLanguage":
				pi.Language, _ = strconv.Atoi(strings.TrimSpace(v))
			}
		}
	}
	if s != nil {
		if pl := s.Platforms(); len(pl) > 0 {
			pi.Platform = pl[0]
		}
	}
	return pi
}

// Applicability is the answer of Patch.Check: whether the patch applies
// to a product, and per transform why or why not.
type Applicability struct {
	Applies bool
	// Reasons say why the patch as a whole does not apply.
	Reasons []string
	// Transforms has one entry per transform pair, in patch order.
	Transforms []TransformCheck
}

// TransformCheck is the validation of one transform against a product.
type TransformCheck struct {
	Transform string
	Applies   bool
	// Checked lists what was compared ("product code", "version 1.0.1
	// == 1.0.1", ...); Failed says what did not match, one sentence each.
	Checked []string
	Failed  []string
}

// Applicable returns the transforms that validate, in order: those
// Windows Installer applies.
func (a *Applicability) Applicable() []string {
	var out []string
	for _, t := range a.Transforms {
		if t.Applies {
			out = append(out, t.Transform)
		}
	}
	return out
}

// Check says whether the patch applies to a product: whether any of its
// transforms passes the validation its flags ask for (product code,
// upgrade code, language, platform, version comparison). A product whose
// code the patch does not list in its targets is reported too, as
// Windows Installer does not consider the patch for it.
func (pt *Patch) Check(target ProductInfo) *Applicability {
	a := &Applicability{}
	listed := len(pt.Targets) == 0
	for _, c := range pt.Targets {
		if strings.EqualFold(c, target.ProductCode) {
			listed = true
		}
	}
	for _, t := range pt.Transforms {
		a.Transforms = append(a.Transforms, t.Check(target))
	}
	if !listed {
		a.Reasons = append(a.Reasons, fmt.Sprintf("product code %s is not among the patch's targets (%s)", orNone(target.ProductCode), strings.Join(pt.Targets, ", ")))
	}
	if len(a.Applicable()) == 0 {
		if len(pt.Transforms) == 0 {
			a.Reasons = append(a.Reasons, "the patch carries no transform")
		} else {
			a.Reasons = append(a.Reasons, "no transform validates against the product")
		}
	}
	a.Applies = len(a.Reasons) == 0
	return a
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

// Check validates one transform against a product, as its flags ask.
func (t *PatchTransform) Check(target ProductInfo) TransformCheck {
	tc := TransformCheck{Transform: t.Name}
	v, want := t.Validation.Checks, t.Target
	same := func(what, have, need string) {
		tc.Checked = append(tc.Checked, what)
		if !strings.EqualFold(strings.TrimSpace(have), strings.TrimSpace(need)) {
			tc.Failed = append(tc.Failed, fmt.Sprintf("%s is %s, the transform needs %s", what, orNone(have), orNone(need)))
		}
	}
	if v&ValidateProduct != 0 {
		same("product code", target.ProductCode, want.ProductCode)
	}
	if v&ValidateUpgradeCode != 0 {
		same("upgrade code", target.UpgradeCode, want.UpgradeCode)
	}
	if v&ValidateLanguage != 0 {
		tc.Checked = append(tc.Checked, "language")
		if len(want.Languages) > 0 && target.Language != want.Languages[0] {
			tc.Failed = append(tc.Failed, fmt.Sprintf("language is %d, the transform needs %d", target.Language, want.Languages[0]))
		}
	}
	if v&ValidatePlatform != 0 {
		same("platform", canonicalPlatform(target.Platform), canonicalPlatform(want.Platform))
	}
	if n := t.Validation.VersionFields(); n > 0 {
		op := versionOperator(v)
		have, need := versionPrefix(target.ProductVersion, n), versionPrefix(want.Version, n)
		what := fmt.Sprintf("version %s %s %s", have, op.symbol, need)
		tc.Checked = append(tc.Checked, what)
		if !op.ok(compareVersions(have, need)) {
			tc.Failed = append(tc.Failed, fmt.Sprintf("product version %s: the transform needs %s %s (first %d fields)", orNone(target.ProductVersion), op.symbol, orNone(want.Version), n))
		}
	}
	tc.Applies = len(tc.Failed) == 0
	return tc
}

// canonicalPlatform maps the platform names of Template to one spelling.
func canonicalPlatform(p string) string {
	switch strings.ToLower(strings.TrimSpace(p)) {
	case "intel", "x86", "":
		return "Intel" // an empty platform is Intel, as Windows Installer reads it
	case "x64", "amd64":
		return "x64"
	case "intel64", "ia64":
		return "Intel64"
	case "arm64":
		return "Arm64"
	case "arm":
		return "Arm"
	}
	return p
}

type versionOp struct {
	symbol string
	ok     func(cmp int) bool
}

// versionOperator picks the comparison: the first operator bit set, or
// equality when none is.
func versionOperator(v uint16) versionOp {
	switch {
	case v&ValidateNewLessBaseVersion != 0:
		return versionOp{"<", func(c int) bool { return c < 0 }}
	case v&ValidateNewLessEqualBaseVersion != 0:
		return versionOp{"<=", func(c int) bool { return c <= 0 }}
	case v&ValidateNewGreaterEqualBaseVer != 0:
		return versionOp{">=", func(c int) bool { return c >= 0 }}
	case v&ValidateNewGreaterBaseVersion != 0:
		return versionOp{">", func(c int) bool { return c > 0 }}
	}
	return versionOp{"==", func(c int) bool { return c == 0 }}
}

// versionPrefix keeps the first n dotted fields of a version, padding
// missing ones with 0.
func versionPrefix(v string, n int) string {
	f := strings.Split(strings.TrimSpace(v), ".")
	out := make([]string, n)
	for i := range out {
		out[i] = "0"
		if i < len(f) && f[i] != "" {
			out[i] = f[i]
		}
	}
	return strings.Join(out, ".")
}

// compareVersions compares dotted versions field by field, numerically;
// a field that is not a number compares as 0 (Windows Installer reads the
// leading digits).
func compareVersions(a, b string) int {
	fa, fb := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < len(fa) || i < len(fb); i++ {
		var x, y int
		if i < len(fa) {
			x = leadingInt(fa[i])
		}
		if i < len(fb) {
			y = leadingInt(fb[i])
		}
		if x != y {
			if x < y {
				return -1
			}
			return 1
		}
	}
	return 0
}

func leadingInt(s string) int {
	n := 0
	for _, c := range strings.TrimSpace(s) {
		if c < '0' || c > '9' || n > 1<<30 {
			break
		}
		n = n*10 + int(c-'0')
	}
	return n
}
