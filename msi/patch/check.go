package patch

import (
	"fmt"
	"strings"

	"github.com/msikit/msikit/msi"
	"github.com/msikit/msikit/msi/transform"
)

// Applicability is the answer of Patch.Check: whether the patch applies
// to a product, and per transform why or why not.
type Applicability struct {
	Applies bool
	// Reasons say why the patch as a whole does not apply.
	Reasons []string
	// Transforms has one entry per transform pair, in patch order.
	Transforms []PairCheck
}

// PairCheck is the validation of one transform against a product.
type PairCheck struct {
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
func (pt *Patch) Check(target msi.ProductInfo) *Applicability {
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
func (t *Pair) Check(target msi.ProductInfo) PairCheck {
	tc := PairCheck{Transform: t.Name}
	v, want := t.Validation.Checks, t.Target
	same := func(what, have, need string) {
		tc.Checked = append(tc.Checked, what)
		if !strings.EqualFold(strings.TrimSpace(have), strings.TrimSpace(need)) {
			tc.Failed = append(tc.Failed, fmt.Sprintf("%s is %s, the transform needs %s", what, orNone(have), orNone(need)))
		}
	}
	if v&transform.ValidateProduct != 0 {
		same("product code", target.ProductCode, want.ProductCode)
	}
	if v&transform.ValidateUpgradeCode != 0 {
		same("upgrade code", target.UpgradeCode, want.UpgradeCode)
	}
	if v&transform.ValidateLanguage != 0 {
		tc.Checked = append(tc.Checked, "language")
		if len(want.Languages) > 0 && target.Language != want.Languages[0] {
			tc.Failed = append(tc.Failed, fmt.Sprintf("language is %d, the transform needs %d", target.Language, want.Languages[0]))
		}
	}
	if v&transform.ValidatePlatform != 0 {
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
func versionOperator(v transform.Checks) versionOp {
	switch {
	case v&transform.ValidateNewLessBaseVersion != 0:
		return versionOp{"<", func(c int) bool { return c < 0 }}
	case v&transform.ValidateNewLessEqualBaseVersion != 0:
		return versionOp{"<=", func(c int) bool { return c <= 0 }}
	case v&transform.ValidateNewGreaterEqualBaseVer != 0:
		return versionOp{">=", func(c int) bool { return c >= 0 }}
	case v&transform.ValidateNewGreaterBaseVersion != 0:
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
