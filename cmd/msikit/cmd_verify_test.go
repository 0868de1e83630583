package main

import (
	"encoding/json"
	"encoding/xml"
	"github.com/msikit/msikit/internal/testutil"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func replicaPath(t *testing.T, sp string) string {
	p := "../../fixtures/kb977203/SCCM2007-" + sp + "-KB977203-ENU.msi"
	if _, err := os.Stat(p); err != nil {
		testutil.Skip(t, "%s absent (made by fixtures/gen): %v", p, err)
	}
	return p
}

// What make demo runs, and the other variant.
func TestVerifyCLIReplica(t *testing.T) {
	sp2 := replicaPath(t, "SP2")
	code, out, errOut := msikit(t, "verify", sp2, "--manifest", "kb977203", "--variant", "auto")
	require.Equal(t, 0, code, errOut)
	assert.Empty(t, errOut)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	require.Len(t, lines, 16, out)
	assert.Equal(t, "KB977203 SP2: "+sp2+" (package; variant detected: SP1: 0 exact, 0 same build; SP2: 8 exact, 0 same build)", lines[0])
	assert.Equal(t, "OK       Ccmgencert.dll (ia64)            bin/ia64/ccmgencert.dll", lines[11])
	assert.Equal(t, "UNSIGNED "+sp2+": not signed", lines[14])
	assert.Equal(t, "OK: 13 entries: 13 OK, 0 failed, 0 missing; 0 extra files", lines[15])

	code, out, errOut = msikit(t, "verify", sp2, "--manifest", "kb977203", "--variant", "SP1")
	assert.Equal(t, 1, code)
	assert.Empty(t, errOut)
	assert.Contains(t, out, "FAIL     Smpmgr.dll (x86)                 bin/i386/smpmgr.dll: version: expected 4.0.6221.1193, found 4.0.6487.2111; size: expected 85864 bytes, found 86376; date: expected 2008-12-01 01:40 UTC, found 2010-01-25 06:28:00\n")
	assert.Contains(t, out, "MISSING  Sccm2007ac-sp1-kb977203-x86.msp: missing: no file named Sccm2007ac-sp1-kb977203-x86.msp\n")
	assert.Contains(t, out, "EXTRA    Client/i386/hotfix/KB977203/SCCM2007AC-SP2-KB977203-x86.msp: extra: ")
	assert.True(t, strings.HasSuffix(out, "FAIL: 13 entries: 0 OK, 12 failed, 1 missing; 1 extra file\n"), out)

	// Both service packs at once, as JSON: each gets its own variant.
	code, out, errOut = msikit(t, "verify", "--json", replicaPath(t, "SP1"), sp2, "--manifest", "kb977203")
	require.Equal(t, 0, code, errOut)
	var doc struct {
		Manifest string
		OK       bool
		Sources  []struct {
			Source, Kind, Variant string
			Detected, OK          bool
			Summary               struct{ Entries, OK, Failed, Missing, Extra int }
			Entries               []struct {
				Status string
				File   struct{ Path, Version, Platform string }
			}
		}
	}
	require.NoError(t, json.Unmarshal([]byte(out), &doc))
	assert.Equal(t, "KB977203", doc.Manifest)
	assert.True(t, doc.OK)
	require.Len(t, doc.Sources, 2)
	for i, sp := range []string{"SP1", "SP2"} {
		s := doc.Sources[i]
		assert.Equal(t, sp, s.Variant)
		assert.True(t, s.Detected && s.OK)
		assert.Equal(t, "package", s.Kind)
		assert.Equal(t, 13, s.Summary.OK)
		assert.Equal(t, "bin/x64/ccmgencert.dll", s.Entries[11].File.Path)
		assert.Equal(t, "x64", s.Entries[11].File.Platform)
	}
}

// A tree extracted with msikit extract, one file cut short: JUnit to a
// file, exit 1, the failure naming the file and the field.
func TestVerifyCLITamperedJUnit(t *testing.T) {
	sp1 := replicaPath(t, "SP1")
	dir := t.TempDir()
	code, _, errOut := msikit(t, "extract", "-q", sp1, "-o", dir)
	require.Equal(t, 0, code, errOut)
	p := filepath.Join(dir, "bin", "i386", "mcsisapip.dll")
	st, err := os.Stat(p)
	require.NoError(t, err)
	require.NoError(t, os.Truncate(p, st.Size()-1))
	require.NoError(t, os.Chtimes(p, st.ModTime(), st.ModTime()))

	report := filepath.Join(t.TempDir(), "report.xml")
	code, out, errOut := msikit(t, "verify", dir, "-m", "kb977203", "--format", "junit", "-o", report)
	assert.Equal(t, 1, code)
	assert.Empty(t, out)
	assert.Equal(t, "msikit verify: 1 of 1 sources failed verification (report in "+report+")\n", errOut)
	b, err := os.ReadFile(report)
	require.NoError(t, err)
	var doc struct {
		Tests    int `xml:"tests,attr"`
		Failures int `xml:"failures,attr"`
		Suites   []struct {
			Name  string `xml:"name,attr"`
			Cases []struct {
				Name    string `xml:"name,attr"`
				Failure *struct {
					Message string `xml:"message,attr"`
					Type    string `xml:"type,attr"`
				} `xml:"failure"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	require.NoError(t, xml.Unmarshal(b, &doc))
	require.Len(t, doc.Suites, 1)
	assert.Equal(t, "KB977203 SP1: "+dir, doc.Suites[0].Name)
	assert.Equal(t, 13, doc.Tests)
	assert.Equal(t, 1, doc.Failures)
	require.Len(t, doc.Suites[0].Cases, 13)
	for _, c := range doc.Suites[0].Cases {
		if c.Name == "Mcsisapip.dll (x86)" {
			require.NotNil(t, c.Failure)
			assert.Equal(t, "size", c.Failure.Type)
			assert.Equal(t, "bin/i386/mcsisapip.dll: size: expected 205672 bytes, found 205671 (its PE version and platform cannot be read: pever: PE headers: invalid or damaged PE image: fail to read string table: unexpected EOF)", c.Failure.Message)
		} else {
			assert.Nil(t, c.Failure, c.Name)
		}
	}
}

func TestVerifyCLIUsage(t *testing.T) {
	dir := t.TempDir()
	txt := filepath.Join(dir, "a.txt")
	require.NoError(t, os.WriteFile(txt, []byte("x"), 0o644))
	for _, c := range []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"verify"}, 2, "msikit verify: missing argument (see 'msikit verify --help')\n"},
		{[]string{"verify", dir}, 2, "msikit verify: --manifest is required (e.g. --manifest kb977203) (see 'msikit verify --help')\n"},
		{[]string{"verify", dir, "-m", "kb977203", "--format", "xml"}, 2, "msikit verify: --format \"xml\": use text, json or junit (see 'msikit verify --help')\n"},
		{[]string{"verify", dir, "-m", "kb977203", "--variant", "SP3"}, 2, "msikit verify: no such variant: \"SP3\" in manifest KB977203 (it has SP1, SP2) (see 'msikit verify --help')\n"},
		{[]string{"verify", dir, "-m", filepath.Join(dir, "none.yaml")}, 1, ""},
		{[]string{"verify", filepath.Join(dir, "absent"), "-m", "kb977203"}, 1, ""},
		{[]string{"verify", txt, "-m", "kb977203", "--variant", "SP1"}, 1, "msikit verify: not a package, cabinet or folder: " + txt + " is neither a Windows Installer package, nor a cabinet, nor a download msikit opens\n"},
		{[]string{"verify", dir, "-m", "kb977203"}, 1, ""},
	} {
		code, out, errOut := msikit(t, c.args...)
		assert.Equal(t, c.code, code, "%v: %s", c.args, errOut)
		assert.Empty(t, out, c.args)
		if c.msg != "" {
			assert.Equal(t, c.msg, errOut, c.args)
		} else {
			assert.NotEmpty(t, errOut, c.args)
		}
	}
	code, out, _ := msikit(t, "verify", "--help")
	assert.Equal(t, 0, code)
	assert.Contains(t, out, "--variant string")
	assert.Contains(t, out, "--allow-extra")
}

// TestVerifyRecursiveExtraction: what extract -r leaves (NAME.extracted/
// beside NAME) verifies against the manifest with no extra files: NAME is
// read itself, its extraction is noted and skipped.
func TestVerifyRecursiveExtraction(t *testing.T) {
	out := filepath.Join(t.TempDir(), "x")
	code, _, errOut := msikit(t, "extract", "-q", "-r", "../../fixtures/kb977203/SCCM2007-SP2-KB977203-ENU.msi", "-o", out)
	require.Equal(t, 0, code, errOut)
	code, report, errOut := msikit(t, "verify", out, "-m", "kb977203")
	assert.Equal(t, 0, code, "%s%s", report, errOut)
	assert.Contains(t, report, "0 extra files")
	assert.Contains(t, report, "ccmsetup-sup.cab.extracted: skipped, the extraction of ccmsetup-sup.cab")
}

// TestVerifyDistributionPointOfTwoVariants: a folder holding the SP1 and
// the SP2 package fits both variants equally; each package is then
// checked against its own variant (exit 0), and a loose file is named,
// unchecked.
func TestVerifyDistributionPointOfTwoVariants(t *testing.T) {
	dir := t.TempDir()
	for _, sp := range []string{"SP1", "SP2"} {
		b, err := os.ReadFile("../../fixtures/kb977203/SCCM2007-" + sp + "-KB977203-ENU.msi")
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(dir, sp+".msi"), b, 0o644))
	}
	require.NoError(t, os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("loose"), 0o644))
	code, out, errOut := msikit(t, "verify", dir, "-m", "kb977203")
	require.Equal(t, 0, code, "%s%s", out, errOut)
	assert.Contains(t, out, "KB977203 SP1: "+filepath.Join(dir, "SP1.msi"))
	assert.Contains(t, out, "KB977203 SP2: "+filepath.Join(dir, "SP2.msi"))
	assert.Contains(t, out, "1 loose files of "+dir+" not checked")

	code, out, _ = msikit(t, "verify", dir, "-m", "kb977203", "--variant", "SP1")
	assert.Equal(t, 1, code, "a variant given is the variant checked: SP2's files fail\n%s", out)
}
