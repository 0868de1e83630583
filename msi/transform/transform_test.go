package transform

import (
	"errors"
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/msikit/msikit/internal/testutil"
	"github.com/msikit/msikit/msi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// corpusTransforms opens every transform in the corpus: .mst files and
// every sub-storage of the patches and databases.
func corpusTransforms(t *testing.T) map[string]*Transform {
	out := map[string]*Transform{}
	for _, f := range testutil.CorpusFiles(t, testutil.PackageExts...) {
		p, err := msi.Open(f)
		if err != nil {
			continue // damaged packages are other tests' business
		}
		t.Cleanup(func() { p.Close() })
		base := filepath.Base(f)
		if p.Kind() == msi.KindTransform {
			tr, err := Open(p)
			require.NoError(t, err, base)
			out[base] = tr
		}
		for _, s := range p.Storages() {
			tr, err := FromStorage(p, s.Name)
			require.NoError(t, err, base+" "+s.Name)
			out[base+":"+s.Name] = tr
		}
	}
	return out
}

// changeSummary renders a transform's changes compactly:
// "Table[+table][ +cols a,b] ins/upd/del".
func changeSummary(cs []TableChange) []string {
	var out []string
	for _, c := range cs {
		s := c.Table
		if c.Added {
			s += " added"
		}
		if c.Dropped {
			s += " dropped"
		}
		if len(c.NewColumns) > 0 && !c.Added {
			var names []string
			for _, col := range c.NewColumns {
				names = append(names, col.Name)
			}
			s += " +cols " + strings.Join(names, ",")
		}
		if c.Err != nil {
			s += " undecoded"
		} else {
			s += fmt.Sprintf(" %d/%d/%d", len(c.Inserted), len(c.Updated), len(c.Deleted))
		}
		out = append(out, s)
	}
	return out
}

func TestCorpusTransformsDecode(t *testing.T) {
	all := corpusTransforms(t)
	want := map[string][]string{
		"AutoGenProductId__expected.mst":                  {"Property 0/3/0"},
		"SimpleInstanceTransform__expected.msi:Instance1": {"Property 0/3/0"},
		"SimpleInstanceTransform__expected.msi:Instance3": {"Property 0/2/0"},
		"PerMachineMsisMsps__PatchAv101.msp:rtmA.1":       {"Property 0/1/0"},
		"PerMachineMsisMsps__PatchAv101.msp:#rtmA.1":      {"Media 1/0/0", "PatchPackage added 1/0/0", "Property 5/0/0"},
		"GDR1__gdr1.msp:rtm.2":                            {"Component 1/0/0", "FeatureComponents 1/0/0", "File 1/1/0", "InstallExecuteSequence 2/0/0", "MsiFileHash 1/1/0", "Registry added 1/0/0"},
		"GDR1__gdr1.msp:#rtm.2":                           {"File 1/1/0", "Media 1/0/0", "PatchPackage added 1/0/0", "Property 5/0/0"},
		"Sequencing__expected.msp:rtm.1":                  {"InstallExecuteSequence 0/1/0"},
		"SQL2008_AS.msp:Target01ToUpgrade01":              {"Registry 0/1/0", "RemoveFile 0/0/8", "_sqlServiceControl undecoded"},
		"SQL2008_AS.msp:#Target01ToUpgrade01":             {"AdminExecuteSequence 1/0/0", "Media 1/0/0", "PatchPackage added 1/0/0", "Property 3/0/0", "MsiPatchHeaders added 0/0/0", "Patch added 0/0/0"},
		"LDR2__ldr2.msp:rtmldr.1":                         {"Component 1/0/0", "FeatureComponents 1/0/0", "File 1/0/0", "InstallExecuteSequence 2/0/0", "MsiFileHash 1/0/0", "Registry added 1/0/0"},
		"Baseliner__rtmldr.msp:#rtm.1":                    {"Media 1/0/0", "PatchPackage added 1/0/0", "Property 5/0/0"},
		"PerMachineMsisMsps__PatchBv101.msp:rtmB.1":       {"Property 0/1/0"},
		"SimpleInstanceTransform__expected.msi:Instance2": {"Property 0/3/0"},
		"GDR1__gdr1.msp:rtmldr.1":                         {"Component 1/0/0", "FeatureComponents 1/0/0", "File 1/1/0", "InstallExecuteSequence 2/0/0", "MsiFileHash 1/1/0", "Registry added 1/0/0"},
	}
	for name, w := range want {
		tr, ok := all[name]
		if !ok {
			t.Errorf("%s: not in the corpus", name)
			continue
		}
		got := changeSummary(tr.Changes())
		// MsiPatchHeaders and Patch only get columns: their order is a map's.
		sort.Strings(got)
		sort.Strings(w)
		assert.Equal(t, w, got, name)
	}
	assert.GreaterOrEqual(t, len(all), 20, "transforms in the corpus")
	for name, tr := range all {
		for _, c := range tr.Changes() {
			if c.Err != nil {
				// Only the SQL Server custom table has no standard layout.
				assert.True(t, errors.Is(c.Err, msi.ErrNotFound), "%s %s: %v", name, c.Table, c.Err)
				assert.Equal(t, "_sqlServiceControl", c.Table, name)
			}
			for _, r := range append(append(c.Inserted, c.Updated...), c.Deleted...) {
				assert.NotEmpty(t, r.Key, "%s %s: a row without key", name, c.Table)
			}
		}
	}
}

func TestCorpusTransformContents(t *testing.T) {
	all := corpusTransforms(t)

	// AutoGenProductId__expected.mst, read by hand: three updates of the
	// Property table's Value column (mask 0x0002), references 1-6 of its
	// six-string pool.
	mst := all["AutoGenProductId__expected.mst"]
	require.NotNil(t, mst)
	assert.Equal(t, []string{"Property"}, mst.Tables())
	cs := mst.Changes()
	require.Len(t, cs, 1)
	var got []string
	for _, u := range cs[0].Updated {
		assert.Equal(t, []string{"Value"}, u.Columns)
		got = append(got, u.KeyText()+"="+u.Values[0].Str)
	}
	assert.Equal(t, []string{"Instance=Instance1.mst", "ProductCode={1F9B1809-273F-4036-AB02-26D19171D5AE}", "ProductName=Instance 1"}, got)
	require.NotNil(t, mst.Summary())
	assert.Equal(t, "Intel;1033", mst.Summary().Template)
	assert.Equal(t, "Intel;1033", mst.Summary().LastSavedBy)
	assert.Equal(t, Checks(0), mst.Validation().Checks)
	assert.Equal(t, ErrorConditions(0), mst.Validation().Ignore)
	rev := TargetOf(mst.Summary())
	assert.Equal(t, "{5B38B259-C979-4E88-84F8-061DCDF85ED6}", rev.ProductCode)
	assert.Equal(t, "{1F9B1809-273F-4036-AB02-26D19171D5AE}", rev.NewProductCode)
	assert.Equal(t, "{F907C172-70B8-4654-8D23-49FB3AE2ECB7}", rev.UpgradeCode)
	assert.Equal(t, []string{"1.0.0.0", "1.0.0.0", "Intel", "Intel"}, []string{rev.Version, rev.NewVersion, rev.Platform, rev.NewPlatform})
	assert.Equal(t, []int{1033}, rev.NewLanguages)

	// The patch transforms WiX writes: validation in the upper word of
	// Character Count (product, update version, new = base, upgrade code),
	// the five row and table errors ignored in the lower.
	rtm := all["GDR1__gdr1.msp:rtm.2"]
	require.NotNil(t, rtm)
	assert.Equal(t, Checks(0x0922), rtm.Validation().Checks)
	assert.Equal(t, IgnoreAddExistingRow|IgnoreDelMissingRow|IgnoreAddExistingTable|IgnoreDelMissingTable|IgnoreUpdateMissingRow, rtm.Validation().Ignore)
	assert.Equal(t, []string{"_Tables", "_Columns", "Component", "FeatureComponents", "File", "InstallExecuteSequence", "MsiFileHash", "Registry"}, rtm.Tables())
	assert.Equal(t, []string{"Registry"}, rtm.AddedTables())
	for _, c := range rtm.Changes() {
		switch c.Table {
		case "File":
			require.Len(t, c.Inserted, 1)
			ins := c.Inserted[0]
			assert.Equal(t, "F_Patch", ins.KeyText())
			name, _ := ins.Get("FileName")
			size, _ := ins.Get("FileSize")
			seq, _ := ins.Get("Sequence")
			assert.Equal(t, "patch.wxs", name.Str)
			assert.Equal(t, msi.IntValue(1025), size)
			assert.Equal(t, msi.IntValue(1), seq)
			require.Len(t, c.Updated, 1)
			assert.Equal(t, "F_Source", c.Updated[0].KeyText())
			assert.Equal(t, []string{"FileSize"}, c.Updated[0].Columns)
			assert.Equal(t, []msi.Value{msi.IntValue(2051)}, c.Updated[0].Values)
		case "MsiFileHash":
			require.Len(t, c.Updated, 1)
			assert.Equal(t, []string{"HashPart1", "HashPart2", "HashPart3", "HashPart4"}, c.Updated[0].Columns)
		case "Registry":
			assert.True(t, c.Added)
			assert.Equal(t, "Registry:s72* Root:i2 Key:l255 Name:L255 Value:L0 Component_:s72", layoutText(c.Columns))
			require.Len(t, c.Inserted, 1)
			name, _ := c.Inserted[0].Get("Name")
			value, _ := c.Inserted[0].Get("Value")
			root, _ := c.Inserted[0].Get("Root")
			assert.Equal(t, []msi.Value{msi.IntValue(-1), msi.StringValue("Baseline"), msi.StringValue("GDR")}, []msi.Value{root, name, value})
		}
	}

	sql := all["SQL2008_AS.msp:Target01ToUpgrade01"]
	require.NotNil(t, sql)
	assert.Equal(t, 1252, sql.Codepage())
	assert.Equal(t, Checks(0x0800), sql.Validation().Checks)
	for _, c := range sql.Changes() {
		if c.Table == "RemoveFile" {
			assert.Equal(t, "AS_msmdsrvdata_ini_64", c.Deleted[0].KeyText())
		}
	}
	hash := all["SQL2008_AS.msp:#Target01ToUpgrade01"]
	require.NotNil(t, hash)
	for _, c := range hash.Changes() {
		if c.Table == "Patch" {
			// Added with an older layout: Sequence i2.
			assert.Equal(t, "File_:s72* Sequence:i2* PatchSize:i4 Attributes:i2 Header:V0 StreamRef_:S72", layoutText(c.Columns))
		}
	}
}

// loadDB reads a corpus package as a Database.
func loadDB(t *testing.T, path string) *msi.Database {
	t.Helper()
	p, err := msi.Open(path)
	require.NoError(t, err)
	t.Cleanup(func() { p.Close() })
	db, err := p.Database()
	require.NoError(t, err)
	return db
}

func TestApplyPatchTransformToProdA(t *testing.T) {
	dir := testutil.Corpus(t, "wix3")
	base := loadDB(t, filepath.Join(dir, "PerMachineMsisMsps__prodAv100.msi"))
	want := loadDB(t, filepath.Join(dir, "PerMachineMsisMsps__prodAv101.msi"))
	p, err := msi.Open(filepath.Join(dir, "PerMachineMsisMsps__PatchAv101.msp"))
	require.NoError(t, err)
	defer p.Close()
	tr, err := FromStorage(p, "rtmA.1")
	require.NoError(t, err)
	before, _ := lookupTable(base, "Property").Lookup("ProductVersion")
	assert.Equal(t, "1.0.0.0", before.String("Value"))
	require.NoError(t, tr.Apply(base))
	after, _ := lookupTable(base, "Property").Lookup("ProductVersion")
	assert.Equal(t, "1.0.1.0", after.String("Value"))

	// The patched v1.0.0 now matches v1.0.1 in every table but one: WiX
	// rebuilt product.wxs for v1.0.1 (same size, other bytes), so its
	// MsiFileHash row differs, yet the patch carries neither the file (its
	// A.cab is empty) nor the hash. The summary differs too (package code).
	d, err := Diff(base, want)
	require.NoError(t, err)
	require.Equal(t, []string{"MsiFileHash 0/1/0"}, changeSummary(d.Tables), "tables that differ from prodAv101")
	u := d.Tables[0].Updated[0]
	assert.Equal(t, "F_Source", u.KeyText())
	assert.Equal(t, []string{"HashPart1", "HashPart2", "HashPart3", "HashPart4"}, u.Columns)
	assert.Equal(t, []msi.Value{msi.IntValue(-840635923), msi.IntValue(1468284479), msi.IntValue(579772134), msi.IntValue(331331959)}, u.Old)
	var pids []int
	for _, s := range d.Summary {
		pids = append(pids, s.PID)
	}
	assert.Subset(t, []int{msi.PIDRevisionNumber}, pids)

	// The patch transform adds what the patch needs to install.
	hash, err := FromStorage(p, "#rtmA.1")
	require.NoError(t, err)
	require.NoError(t, hash.Apply(base))
	pp := lookupTable(base, "PatchPackage")
	require.NotNil(t, pp)
	require.Len(t, pp.Rows, 1)
	assert.Equal(t, "{7A59E0BE-5179-4D9C-A7F0-B9F0955315A0}", pp.Rows[0].String("PatchId"))
	m, ok := lookupTable(base, "Media").Lookup("2")
	require.True(t, ok)
	assert.Equal(t, "#A.cab", m.String("Cabinet"))
}

func TestApplyInstanceTransforms(t *testing.T) {
	dir := testutil.Corpus(t, "wix3")
	path := filepath.Join(dir, "SimpleInstanceTransform__expected.msi")
	p, err := msi.Open(path)
	require.NoError(t, err)
	defer p.Close()
	for i, want := range []struct{ instance, code, name string }{
		{"Instance1", "{1F9B1809-273F-4036-AB02-26D19171D5AE}", "Instance 1"},
		{"Instance2", "{1D53CF88-158A-47DC-957A-69C0AAD67572}", "Instance 2"},
		{"Instance3", "{42923AA9-D605-4222-8E20-3378471811DE}", "Wix Test Product"},
	} {
		db := loadDB(t, path)
		tr, err := FromStorage(p, fmt.Sprintf("Instance%d", i+1))
		require.NoError(t, err)
		require.NoError(t, tr.Apply(db))
		props := lookupTable(db, "Property")
		for k, v := range map[string]string{"Instance": want.instance, "ProductCode": want.code, "ProductName": want.name, "UpgradeCode": "{F907C172-70B8-4654-8D23-49FB3AE2ECB7}"} {
			r, ok := props.Lookup(k)
			require.True(t, ok, k)
			assert.Equal(t, v, r.String("Value"), "%s %s", want.instance, k)
		}
	}

	// expected1.msi is WiX's reference output for the first instance: the
	// same tables, but WiX's test keeps the base product code and stores
	// the transform's file name in Instance.
	db := loadDB(t, path)
	tr, err := FromStorage(p, "Instance1")
	require.NoError(t, err)
	require.NoError(t, tr.Apply(db))
	d, err := Diff(db, loadDB(t, filepath.Join(dir, "SimpleInstanceTransform__expected1.msi")))
	require.NoError(t, err)
	assert.Equal(t, []string{"Property 0/2/0"}, changeSummary(d.Tables))
	var diffs []string
	for _, u := range d.Tables[0].Updated {
		diffs = append(diffs, u.KeyText()+": "+u.Old[0].Str+" -> "+u.Values[0].Str)
	}
	assert.ElementsMatch(t, []string{"Instance: Instance1 -> Instance1.mst", "ProductCode: {1F9B1809-273F-4036-AB02-26D19171D5AE} -> {4014E041-A968-4DE3-B43C-322DF9A19359}"}, diffs)
}

func TestApplyAutoGenProductIdToItsBase(t *testing.T) {
	dir := testutil.Corpus(t, "wix3")
	// The corpus lacks the transform's own base package; the WiX test
	// product SimpleInstanceTransform is built from the same source
	// (upgrade code, Property rows), so the transform applies to it.
	db := loadDB(t, filepath.Join(dir, "SimpleInstanceTransform__expected.msi"))
	p, err := msi.Open(filepath.Join(dir, "AutoGenProductId__expected.mst"))
	require.NoError(t, err)
	defer p.Close()
	tr, err := Open(p)
	require.NoError(t, err)
	require.NoError(t, tr.Apply(db))
	var sb strings.Builder
	require.NoError(t, lookupTable(db, "Property").WriteIDT(&sb))
	assert.Equal(t, "Property\tValue\r\ns72\tl0\r\nProperty\tProperty\r\n"+
		"Manufacturer\tMicrosoft Corporation\r\n"+
		"ProductCode\t{1F9B1809-273F-4036-AB02-26D19171D5AE}\r\n"+
		"ProductLanguage\t1033\r\n"+
		"ProductName\tInstance 1\r\n"+
		"ProductVersion\t1.0.0.0\r\n"+
		"UpgradeCode\t{F907C172-70B8-4654-8D23-49FB3AE2ECB7}\r\n"+
		"Instance\tInstance1.mst\r\n", sb.String())
}

func TestApplyGDR1ToRtmProduct(t *testing.T) {
	dir := testutil.Corpus(t, "wix3")
	db := loadDB(t, filepath.Join(dir, "RtmProduct__product.msi"))
	p, err := msi.Open(filepath.Join(dir, "GDR1__gdr1.msp"))
	require.NoError(t, err)
	defer p.Close()
	for _, s := range []string{"rtm.2", "#rtm.2"} {
		tr, err := FromStorage(p, s)
		require.NoError(t, err)
		// ChangesFor decodes with the target's layouts: the same as the
		// standard ones here.
		cs, err := tr.ChangesFor(db)
		require.NoError(t, err)
		assert.Equal(t, changeSummary(tr.Changes()), changeSummary(cs), s)
		require.NoError(t, tr.Apply(db), s)
	}
	f, ok := lookupTable(db, "File").Lookup("F_Patch")
	require.True(t, ok)
	assert.Equal(t, "patch.wxs", f.String("FileName"))
	src, ok := lookupTable(db, "File").Lookup("F_Source")
	require.True(t, ok)
	size := src.Int("FileSize")
	seq := src.Int("Sequence")
	attr := src.Int("Attributes")
	assert.Equal(t, []int32{2051, 4, 4608}, []int32{size, seq, attr})
	reg := lookupTable(db, "Registry")
	require.NotNil(t, reg)
	require.Len(t, reg.Rows, 1)
	assert.Equal(t, "GDR", reg.Rows[0].String("Value"))
	assert.NotNil(t, lookupTable(db, "PatchPackage"))

	// Applied a second time without ignoring anything, it conflicts.
	tr, err := FromStorage(p, "rtm.2")
	require.NoError(t, err)
	err = tr.ApplyWith(db, 0)
	require.ErrorIs(t, err, ErrConflict)
	assert.Contains(t, err.Error(), "transform rtm.2")
	assert.Contains(t, err.Error(), "adding a table the database has")
	// The failed application left the database as it was.
	assert.Len(t, lookupTable(db, "Registry").Rows, 1)
	// Ignoring the conditions, as the transform's summary asks, the pair
	// applies again and gives the same database: inserts replace rows.
	before := snapshot(db)
	require.NoError(t, tr.Apply(db))
	assert.NotEqual(t, before["File"], snapshot(db)["File"], "rtm.2 alone resets F_Patch's attributes")
	hash, err := FromStorage(p, "#rtm.2")
	require.NoError(t, err)
	require.NoError(t, hash.Apply(db))
	assert.Equal(t, before, snapshot(db))
}

// snapshot renders every table as text, to compare databases.
func snapshot(db *msi.Database) map[string]string {
	out := map[string]string{}
	for _, t := range db.Tables() {
		var sb strings.Builder
		t.WriteIDT(&sb)
		out[t.Name] = sb.String()
	}
	return out
}
