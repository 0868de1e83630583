package patch

import (
	"bytes"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/msikit/msikit/internal/testutil"
	"github.com/msikit/msikit/msi"
	"github.com/msikit/msikit/msi/transform"
)

func openCorpusPatch(t *testing.T, name string) *Patch {
	t.Helper()
	path := testutil.Corpus(t, name)
	pt, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pt.Close() })
	return pt
}

func openCorpus(t *testing.T, name string) *msi.Package {
	t.Helper()
	p, err := msi.Open(testutil.Corpus(t, name))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	return p
}

// Values from msiinfo suminfo / export in the corpus MANIFESTs.
func TestPatchCorpus(t *testing.T) {
	tests := []struct {
		file           string
		code, target   string
		transforms     []string
		patchNames     []string
		cabinets       []string
		signed         bool
		classification string
		checks         transform.Checks
		versions       []string // each transform's base version
	}{
		{"wix3/GDR1__gdr1.msp", "{780B530E-03AD-47AF-A128-DA08DB495253}", "{FB94421B-7FA3-4495-A9D7-212099C19147}",
			[]string{"rtmldr.1", "rtm.2"}, []string{"#rtmldr.1", "#rtm.2"}, []string{"gdr1.cab", "ldr1.cab"}, false, "Security Rollup", 0x0922, []string{"1.0.1.0", "1.0.0.0"}},
		{"wix3/LDR2__ldr2.msp", "{8FE377A5-C5A1-45D9-A642-FB4FAE6EE4F6}", "{FB94421B-7FA3-4495-A9D7-212099C19147}",
			[]string{"rtmldr.1"}, []string{"#rtmldr.1"}, []string{"ldr2.cab"}, false, "Update", 0x0922, []string{"1.0.1.0"}},
		{"wix3/Baseliner__rtmldr.msp", "{EB761DF7-9EF8-42EC-93D7-D409AB391BA6}", "{FB94421B-7FA3-4495-A9D7-212099C19147}",
			[]string{"rtm.1"}, []string{"#rtm.1"}, []string{"rtmldr.cab"}, false, "Update", 0x0920, []string{"1.0.0.0"}},
		{"wix3/PerMachineMsisMsps__PatchAv101.msp", "{7A59E0BE-5179-4D9C-A7F0-B9F0955315A0}", "{6EA3AE83-A14F-4B8B-8A86-BB977A9E7833}",
			[]string{"rtmA.1"}, []string{"#rtmA.1"}, []string{"A.cab"}, false, "Update", 0x0922, []string{"1.0.0.0"}},
		{"wix3/PerMachineMsisMsps__PatchBv101.msp", "{64FB5082-6D59-461C-BC62-98B34D535369}", "{398B8855-E3B8-4559-9C2B-3ED457C5A889}",
			[]string{"rtmB.1"}, []string{"#rtmB.1"}, []string{"B.cab"}, false, "Update", 0x0922, []string{"1.0.0.0"}},
		{"wix3/Sequencing__expected.msp", "{CE9141E2-E628-4327-ACF7-72EF69860FA7}", "{4DF5C000-4B70-41B7-A70C-B4FB01A79487}",
			[]string{"rtm.1"}, []string{"#rtm.1"}, []string{"patch.cab"}, false, "Service Pack", 0x0922, []string{"1.6.0.0"}},
		{"lessmsi/SQL2008_AS.msp", "{2DFFC5F8-9B0F-4510-92AE-FA3D38B8A47D}", "{4508D19D-07FE-4722-88C7-27152965756B}",
			[]string{"Target01ToUpgrade01"}, []string{"#Target01ToUpgrade01"}, []string{"PCW_CAB_Family01"}, true, "", 0x0800, []string{"10.0.1075.23"}},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			pt := openCorpusPatch(t, tc.file)
			if pt.Code != tc.code || !reflect.DeepEqual(pt.Targets, []string{tc.target}) {
				t.Errorf("code %s targets %v", pt.Code, pt.Targets)
			}
			var names, patchNames, versions []string
			for _, tr := range pt.Transforms {
				names, patchNames, versions = append(names, tr.Name), append(patchNames, tr.PatchName), append(versions, tr.Target.Version)
				if tr.Validation.Checks != tc.checks {
					t.Errorf("%s: validation %#x, want %#x", tr.Name, tr.Validation.Checks, tc.checks)
				}
				if tr.Target.ProductCode != tc.target || tr.Transform == nil || tr.Companion == nil {
					t.Errorf("%s: target %+v", tr.Name, tr.Target)
				}
			}
			if !reflect.DeepEqual(names, tc.transforms) || !reflect.DeepEqual(patchNames, tc.patchNames) || !reflect.DeepEqual(versions, tc.versions) {
				t.Errorf("transforms %v %v %v", names, patchNames, versions)
			}
			if !reflect.DeepEqual(pt.Cabinets, tc.cabinets) || pt.Signed != tc.signed || pt.Classification() != tc.classification {
				t.Errorf("cabinets %v signed %v classification %q", pt.Cabinets, pt.Signed, pt.Classification())
			}
		})
	}
}

func TestPatchMetadataAndSequence(t *testing.T) {
	pt := openCorpusPatch(t, "wix3/GDR1__gdr1.msp")
	want := map[string]string{"Classification": "Security Rollup", "AllowRemoval": "1", "CreationTimeUTC": "12-29-09 21:49",
		"Description": "Security Update (KB1)", "DisplayName": "Security Update (KB1)", "ManufacturerName": "My Company",
		"MoreInfoURL": "http://support.MyCompany.com/kb/1"}
	for k, v := range want {
		if got := pt.MetadataValue(k); got != v {
			t.Errorf("%s = %q, want %q", k, got, v)
		}
	}
	var company []string
	for _, m := range pt.Metadata {
		if m.Company != "" {
			company = append(company, m.Company+"/"+m.Property+"="+m.Value)
		}
	}
	if !reflect.DeepEqual(company, []string{"My Company/Baseline=0", "My Company/Branch=GDR"}) {
		t.Errorf("company metadata %v", company)
	}
	wantSeq := []Sequence{{"Source", "", "1.0.1.1", 1}, {"Patch", "", "1.0.1.1", 1}}
	if !reflect.DeepEqual(pt.Sequences, wantSeq) || !pt.Sequences[0].Supersedes() {
		t.Errorf("sequences %+v", pt.Sequences)
	}
	if pt.DisplayName() != "Security Update (KB1)" || len(pt.Obsoletes) != 0 {
		t.Errorf("name %q obsoletes %v", pt.DisplayName(), pt.Obsoletes)
	}
	// Per-transform changes, as the transform reader decodes them.
	counts := map[string]string{}
	for _, c := range pt.Transforms[1].Transform.Changes() {
		counts[c.Table] = fmt.Sprintf("%v/%d/%d/%d", c.Added, len(c.Inserted), len(c.Updated), len(c.Deleted))
	}
	wantCounts := map[string]string{"Component": "false/1/0/0", "FeatureComponents": "false/1/0/0", "File": "false/1/1/0",
		"InstallExecuteSequence": "false/2/0/0", "MsiFileHash": "false/1/1/0", "Registry": "true/1/0/0"}
	if !reflect.DeepEqual(counts, wantCounts) {
		t.Errorf("rtm.2 changes %v", counts)
	}
}

func md5Files(t *testing.T, pt *Patch, files []*File) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := pt.ReadFiles(files, msi.ReadOptions{}, func(f *File, r io.Reader) error {
		h := md5.New()
		if _, err := io.Copy(h, r); err != nil {
			return err
		}
		out[f.Transform+"/"+f.Key] = hex.EncodeToString(h.Sum(nil))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// MD5s checked against cabextract on the gdr1.cab and ldr1.cab streams.
func TestPatchFilesWithoutTarget(t *testing.T) {
	pt := openCorpusPatch(t, "wix3/GDR1__gdr1.msp")
	files, err := pt.Files(FileOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range files {
		got = append(got, fmt.Sprintf("%s %s %s %q %d %s named=%v delta=%v", f.Transform, f.Cabinet, f.Key, f.LongName, f.Size, f.Directory, f.Named, f.Delta))
	}
	want := []string{
		`rtmldr.1 ldr1.cab F_Patch "patch.wxs" 1025 INSTALLDIR named=true delta=false`,
		`rtmldr.1 ldr1.cab F_Source "" 2059  named=true delta=false`, // an update row: only its size changes
		`rtm.2 gdr1.cab F_Patch "patch.wxs" 1025 INSTALLDIR named=true delta=false`,
		`rtm.2 gdr1.cab F_Source "" 2051  named=true delta=false`,
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("files:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	sums := md5Files(t, pt, files)
	wantSums := map[string]string{
		"rtmldr.1/F_Patch": "a515476bb0f449060dc29d917e848ee8", "rtmldr.1/F_Source": "ecbda77d9f2542b648b3ffb33437e743",
		"rtm.2/F_Patch": "a515476bb0f449060dc29d917e848ee8", "rtm.2/F_Source": "0d85dd364dc05f3366d7fd25fd0c0ae8",
	}
	if !reflect.DeepEqual(sums, wantSums) {
		t.Errorf("md5 %v", sums)
	}
}

func TestPatchFilesWithTarget(t *testing.T) {
	pt := openCorpusPatch(t, "wix3/GDR1__gdr1.msp")
	target := openCorpus(t, "wix3/RtmProduct__product.msi")
	files, err := pt.Files(FileOptions{Target: target})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range files {
		got = append(got, fmt.Sprintf("%s %s %d %s base=%v", f.Transform, f.Key, f.Size, f.Path, f.Base != nil))
	}
	dir := "Program Files/Dual Branch Servicing - Single MSP/"
	want := []string{"rtm.2 F_Patch 1025 " + dir + "patch.wxs base=false", "rtm.2 F_Source 2051 " + dir + "product.wxs base=true"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("files %v", got)
	}
	sums := md5Files(t, pt, files)
	if sums["rtm.2/F_Source"] != "0d85dd364dc05f3366d7fd25fd0c0ae8" || len(sums) != 2 {
		t.Errorf("md5 %v", sums)
	}
	// LDR2 needs the LDR baseline (version 1.0.1.0) first.
	ldr2 := openCorpusPatch(t, "wix3/LDR2__ldr2.msp")
	_, err = ldr2.Files(FileOptions{Target: target})
	if !errors.Is(err, ErrNotApplicable) || !strings.Contains(err.Error(), "LDR2__ldr2.msp") || !strings.Contains(err.Error(), "needs == 1.0.1.0") {
		t.Errorf("LDR2 on RTM: %v", err)
	}
}

// A PCW patch whose cabinet holds only a filler member, and WiX patches
// with header-only (36-byte) cabinets.
func TestPatchFilesUnnamedAndEmpty(t *testing.T) {
	pt := openCorpusPatch(t, "lessmsi/SQL2008_AS.msp")
	files, err := pt.Files(FileOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 1 || files[0].Key != "filler" || files[0].Named || files[0].Member.Size != 6 {
		t.Fatalf("files %+v", files)
	}
	sums := md5Files(t, pt, files)
	if sums["Target01ToUpgrade01/filler"] != fmt.Sprintf("%x", md5.Sum([]byte("filler"))) {
		t.Errorf("filler md5 %v", sums)
	}
	for _, name := range []string{"wix3/PerMachineMsisMsps__PatchAv101.msp", "wix3/Baseliner__rtmldr.msp", "wix3/Sequencing__expected.msp"} {
		files, err := openCorpusPatch(t, name).Files(FileOptions{})
		if err != nil || len(files) != 0 {
			t.Errorf("%s: %v %v", name, files, err)
		}
	}
}

func TestPatchCheck(t *testing.T) {
	a101 := openCorpusPatch(t, "wix3/PerMachineMsisMsps__PatchAv101.msp")
	infoOf := func(name string) msi.ProductInfo {
		pi, err := msi.ReadProductInfo(openCorpus(t, name))
		if err != nil {
			t.Fatal(err)
		}
		return pi
	}
	a := a101.Check(infoOf("wix3/PerMachineMsisMsps__prodAv100.msi"))
	if !a.Applies || !reflect.DeepEqual(a.Applicable(), []string{"rtmA.1"}) || !reflect.DeepEqual(a.Transforms[0].Checked, []string{"product code", "upgrade code", "version 1.0.0 == 1.0.0"}) {
		t.Errorf("A on A100: %+v", a)
	}
	b := a101.Check(infoOf("wix3/PerMachineMsisMsps__prodBv100.msi"))
	wantFail := []string{"product code is {398B8855-E3B8-4559-9C2B-3ED457C5A889}, the transform needs {6EA3AE83-A14F-4B8B-8A86-BB977A9E7833}"}
	if b.Applies || !reflect.DeepEqual(b.Transforms[0].Failed, wantFail) || len(b.Reasons) != 2 || !strings.Contains(b.Reasons[0], "not among the patch's targets") {
		t.Errorf("A on B100: %+v", b)
	}
	// Already at 1.0.1.0: the version no longer matches.
	c := a101.Check(infoOf("wix3/PerMachineMsisMsps__prodAv101.msi"))
	if c.Applies || !reflect.DeepEqual(c.Transforms[0].Failed, []string{"product version 1.0.1.0: the transform needs == 1.0.0.0 (first 3 fields)"}) {
		t.Errorf("A on A101: %+v", c)
	}
	gdr := openCorpusPatch(t, "wix3/GDR1__gdr1.msp")
	g := gdr.Check(infoOf("wix3/RtmProduct__product.msi"))
	if !g.Applies || !reflect.DeepEqual(g.Applicable(), []string{"rtm.2"}) {
		t.Errorf("GDR1 on RTM: %+v", g)
	}
}

func TestValidationChecks(t *testing.T) {
	tr := &Pair{Name: "t", Target: transform.Target{ProductCode: "{A}", Version: "2.5.7.1", UpgradeCode: "{U}", Platform: "x64", Languages: []int{1031}}}
	base := msi.ProductInfo{ProductCode: "{a}", ProductVersion: "2.5.7.9", UpgradeCode: "{U}", Language: 1031, Platform: "AMD64"}
	cases := []struct {
		checks transform.Checks
		pi     func(*msi.ProductInfo)
		ok     bool
	}{
		{transform.ValidateProduct | transform.ValidateUpdateVersion | transform.ValidateNewEqualBaseVersion, nil, true}, // codes compare without case; the 4th field is not compared
		{transform.ValidateLanguage, func(p *msi.ProductInfo) { p.Language = 1033 }, false},
		{transform.ValidatePlatform, nil, true},
		{transform.ValidatePlatform, func(p *msi.ProductInfo) { p.Platform = "Intel" }, false},
		{transform.ValidateUpgradeCode, func(p *msi.ProductInfo) { p.UpgradeCode = "{V}" }, false},
		{transform.ValidateMajorVersion | transform.ValidateNewGreaterBaseVersion, func(p *msi.ProductInfo) { p.ProductVersion = "3.0" }, true},
		{transform.ValidateMinorVersion | transform.ValidateNewGreaterBaseVersion, func(p *msi.ProductInfo) { p.ProductVersion = "2.5.9" }, false},
		{transform.ValidateUpdateVersion | transform.ValidateNewLessBaseVersion, func(p *msi.ProductInfo) { p.ProductVersion = "2.5.6" }, true},
		{transform.ValidateNewLessEqualBaseVersion, func(p *msi.ProductInfo) { p.ProductVersion = "2.5.8" }, false},
		{transform.ValidateNewGreaterEqualBaseVer, func(p *msi.ProductInfo) { p.ProductVersion = "2.5.7" }, true},
		{0, func(p *msi.ProductInfo) { p.ProductCode = "{B}" }, true},
	}
	for i, c := range cases {
		pi := base
		if c.pi != nil {
			c.pi(&pi)
		}
		tr.Validation = transform.Validation{Checks: c.checks}
		if got := tr.Check(pi); got.Applies != c.ok {
			t.Errorf("case %d (%#x): applies %v, want %v (%v)", i, c.checks, got.Applies, c.ok, got.Failed)
		}
	}
	v := transform.ValidationOf(&msi.SummaryInfo{CharCount: 0x0922001f})
	if v.Checks != 0x0922 || v.Ignore != 0x1f || v.CharCount() != 0x0922001f || v.VersionFields() != 3 {
		t.Errorf("ValidationOf %+v", v)
	}
	if v != defaultValidation {
		t.Errorf("WiX's default validation %+v, Create's %+v", v, defaultValidation)
	}
}

// The patched administrative database of product A 1.0.0 equals product
// A 1.0.1's in every table but MsiFileHash: the patch carries no file
// (its cabinet is header-only), so the hash of the changed product.wxs
// is not updated.
func TestApplyAdminMatchesUpgrade(t *testing.T) {
	db, err := openCorpus(t, "wix3/PerMachineMsisMsps__prodAv100.msi").AdminDatabase()
	if err != nil {
		t.Fatal(err)
	}
	res, err := applyAdmin(db, openCorpusPatch(t, "wix3/PerMachineMsisMsps__PatchAv101.msp"), msi.FileOptions{Layout: msi.LayoutAdmin})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(res.Transforms, []string{"rtmA.1"}) || len(res.Files) != 0 {
		t.Errorf("applied %+v", res)
	}
	want, err := openCorpus(t, "wix3/PerMachineMsisMsps__prodAv101.msi").AdminDatabase()
	if err != nil {
		t.Fatal(err)
	}
	rows := func(tb *msi.Table) []string {
		var out []string
		for _, r := range tb.Rows {
			out = append(out, fmt.Sprint(r.Values))
		}
		sort.Strings(out)
		return out
	}
	compared := 0
	for _, wt := range want.Tables() {
		gt := lookupTable(db, wt.Name)
		if gt == nil {
			t.Errorf("table %s missing", wt.Name)
			continue
		}
		g, w := rows(gt), rows(wt)
		if wt.Name == "MsiFileHash" {
			if reflect.DeepEqual(g, w) || len(g) != len(w) {
				t.Errorf("MsiFileHash: expected the F_Source hash only to differ: %v vs %v", g, w)
			}
			continue
		}
		if !reflect.DeepEqual(g, w) {
			t.Errorf("table %s differs:\n%v\n%v", wt.Name, g, w)
		}
		compared++
	}
	if pi, _ := msi.ReadProductInfo(db); compared != 13 || pi.ProductVersion != "1.0.1.0" {
		t.Errorf("compared %d tables, version %s", compared, pi.ProductVersion)
	}
	// The companion transform is not persisted: no PatchPackage table,
	// no patch Media row.
	if lookupTable(db, "PatchPackage") != nil || len(lookupTable(db, "Media").Rows) != 1 {
		t.Errorf("companion transform persisted")
	}
}

func TestApplyAdminWritesFiles(t *testing.T) {
	db, err := openCorpus(t, "wix3/RtmProduct__product.msi").AdminDatabase()
	if err != nil {
		t.Fatal(err)
	}
	pt := openCorpusPatch(t, "wix3/GDR1__gdr1.msp")
	res, err := applyAdmin(db, pt, msi.FileOptions{Layout: msi.LayoutAdmin})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Files) != 2 || res.Files[0].Path != "Program Files/Dual Branch Servicing - Single MSP/patch.wxs" {
		t.Fatalf("files %+v", res.Files)
	}
	r, ok := lookupTable(db, "File").Lookup("F_Patch")
	if !ok || r.String("FileName") != "patch.wxs" {
		t.Errorf("F_Patch row %v", r.Values)
	}
	if attrs := r.Int("Attributes"); attrs&(msi.FileAttrCompressed|msi.FileAttrNoncompressed) != 0 {
		t.Errorf("attributes %#x", attrs)
	}
	// LDR2 needs the LDR baseline's version, 1.0.1.0: not this image's.
	if _, err := applyAdmin(db, openCorpusPatch(t, "wix3/LDR2__ldr2.msp"), msi.FileOptions{}); !errors.Is(err, ErrNotApplicable) {
		t.Errorf("LDR2 on the RTM image: %v", err)
	}
}

func TestSortPatches(t *testing.T) {
	a := &Patch{Code: "a", Sequences: []Sequence{{Family: "F", Sequence: "1.0.10"}}}
	b := &Patch{Code: "b", Sequences: []Sequence{{Family: "F", Sequence: "1.0.9"}}}
	c := &Patch{Code: "c"}
	ps := []*Patch{a, c, b}
	Sort(ps)
	if ps[0] != c && ps[0] != b || patchIndex(ps, b) > patchIndex(ps, a) {
		t.Errorf("order %s %s %s", ps[0].Code, ps[1].Code, ps[2].Code)
	}
}

func patchIndex(ps []*Patch, p *Patch) int {
	for i, q := range ps {
		if q == p {
			return i
		}
	}
	return -1
}

func TestParsePatchTransforms(t *testing.T) {
	n, p, err := parsePairs(":rtmldr.1;:#rtmldr.1;:rtm.2;:#rtm.2")
	if err != nil || !reflect.DeepEqual(n, []string{"rtmldr.1", "rtm.2"}) || !reflect.DeepEqual(p, []string{"#rtmldr.1", "#rtm.2"}) {
		t.Errorf("%v %v %v", n, p, err)
	}
	n, p, err = parsePairs(":a")
	if err != nil || !reflect.DeepEqual(n, []string{"a"}) || p[0] != "" {
		t.Errorf("%v %v %v", n, p, err)
	}
	for _, bad := range []string{"a;:#a", ":#b", ":a;:a", ":a;:#a;:#a", ":", ":#"} {
		if _, _, err := parsePairs(bad); !errors.Is(err, msi.ErrFormat) {
			t.Errorf("%q: %v", bad, err)
		}
	}
	if _, _, err := parsePairs(strings.Repeat(":x;", maxPatchTransforms+1)); !errors.Is(err, msi.ErrFormat) {
		t.Errorf("long list: %v", err)
	}
}

// hostilePatch saves a patch database whose summary says what lsb says.
func hostilePatch(t testing.TB, rev, lsb string) []byte {
	db := msi.NewDatabase(0)
	db.Kind = msi.KindPatch
	db.Summary = &msi.SummaryInfo{Template: "{6EA3AE83-A14F-4B8B-8A86-BB977A9E7833}", LastSavedBy: lsb, RevisionNumber: rev}
	var buf bytes.Buffer
	if err := db.Save(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestPatchHostile(t *testing.T) {
	code := "{7A59E0BE-5179-4D9C-A7F0-B9F0955315A0}"
	cases := []struct {
		rev, lsb, want string
	}{
		{code, ":rtm.1;:#rtm.1", `transform rtm.1: invalid or damaged package: listed in the summary information but no such storage`},
		{code, "rtm.1", `not ":storage"`},
		{"not a code", "", "does not start with a patch code"},
	}
	for _, c := range cases {
		b := hostilePatch(t, c.rev, c.lsb)
		p, err := msi.NewPackage(bytes.NewReader(b), int64(len(b)), "bad.msp")
		if err != nil {
			t.Fatal(err)
		}
		_, err = New(p)
		if !errors.Is(err, msi.ErrFormat) || !strings.HasPrefix(err.Error(), "bad.msp: ") || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q %q: %v", c.rev, c.lsb, err)
		}
	}
	// An empty patch: no transforms, applies to nothing.
	b := hostilePatch(t, code, "")
	p, _ := msi.NewPackage(bytes.NewReader(b), int64(len(b)), "empty.msp")
	pt, err := New(p)
	if err != nil || len(pt.Transforms) != 0 || pt.Check(msi.ProductInfo{ProductCode: "{6EA3AE83-A14F-4B8B-8A86-BB977A9E7833}"}).Applies {
		t.Errorf("empty patch: %v", err)
	}
	// A database is not a patch.
	if _, err := New(openCorpus(t, "wix3/RtmProduct__product.msi")); !errors.Is(err, ErrNotPatch) || !strings.Contains(err.Error(), "RtmProduct__product.msi") {
		t.Errorf("database as patch: %v", err)
	}
	// A truncated patch names its file.
	full, err := os.ReadFile(testutil.Corpus(t, "wix3/GDR1__gdr1.msp"))
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []int{4096, 9000, 12800} {
		p, err := msi.NewPackage(bytes.NewReader(full[:n]), int64(n), "cut.msp")
		if err == nil {
			var pt *Patch
			if pt, err = New(p); err == nil {
				_, err = pt.Files(FileOptions{})
			}
		}
		if err == nil || !strings.Contains(err.Error(), "cut.msp") {
			t.Errorf("truncated at %d: %v", n, err)
		}
	}
	if _, err := Open("/nonexistent/x.msp"); !errors.Is(err, os.ErrNotExist) || !strings.Contains(err.Error(), "x.msp") {
		t.Errorf("missing file: %v", err)
	}
}

// applyAdmin applies one patch to an administrative image's database.
func applyAdmin(db *msi.Database, pt *Patch, o msi.FileOptions) (*AdminResult, error) {
	var res *AdminResult
	err := ApplyAdmin(db, []*Patch{pt}, o, func(r *AdminResult) error {
		res = r
		return nil
	})
	return res, err
}

func TestSummaryCodes(t *testing.T) {
	s := &msi.SummaryInfo{RevisionNumber: "{AAAAAAAA-AAAA-AAAA-AAAA-AAAAAAAAAAAA}{BBBBBBBB-BBBB-BBBB-BBBB-BBBBBBBBBBBB};{CCCCCCCC-CCCC-CCCC-CCCC-CCCCCCCCCCCC}",
		Template: "{4508D19D-07FE-4722-88C7-27152965756B}", LastSavedBy: ":Target01ToUpgrade01;:#Target01ToUpgrade01"}
	want := []string{"{BBBBBBBB-BBBB-BBBB-BBBB-BBBBBBBBBBBB}", "{CCCCCCCC-CCCC-CCCC-CCCC-CCCCCCCCCCCC}"}
	if got := obsoletes(s); !reflect.DeepEqual(got, want) {
		t.Errorf("obsoleted %v", got)
	}
	if obsoletes(&msi.SummaryInfo{RevisionNumber: "not a guid"}) != nil {
		t.Error("obsoleted codes without a patch code")
	}
	targets, transforms := SummaryLists(s)
	if !reflect.DeepEqual(targets, []string{"{4508D19D-07FE-4722-88C7-27152965756B}"}) || !reflect.DeepEqual(transforms, []string{":Target01ToUpgrade01", ":#Target01ToUpgrade01"}) {
		t.Errorf("targets %v transforms %v", targets, transforms)
	}
}
