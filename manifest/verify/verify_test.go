package verify

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"github.com/msikit/msikit/internal/testutil"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/msikit/msikit/manifest"
	"github.com/msikit/msikit/msi"
	"github.com/msikit/msikit/msi/build"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// failed is one thing a report fails on: where (a file, or the entry
// for a missing one) and the fields.
type failed struct {
	Where  string
	Fields []string
}

func failures(r *Report) []failed {
	var out []failed
	for _, res := range r.Results {
		if res.Status == StatusOK {
			continue
		}
		w := res.Entry.String()
		if res.File != nil {
			w = res.File.Where()
		}
		out = append(out, failed{w, fields(res.Mismatches)})
	}
	for _, f := range r.Extra {
		out = append(out, failed{f.Where(), fields(r.ExtraMismatches(f))})
	}
	return out
}

func fields(ms []Mismatch) []string {
	var out []string
	for _, m := range ms {
		out = append(out, m.Field)
	}
	return out
}

func TestVerifyPackageClean(t *testing.T) {
	m := kbManifest(t)
	for _, sp := range []string{"SP1", "SP2"} {
		pkg := sharedKB(t, sp)
		r, err := Verify(m, pkg, Options{Variant: Auto})
		require.NoError(t, err)
		assert.Equal(t, sp, r.Variant)
		assert.True(t, r.Detected)
		assert.Equal(t, KindPackage, r.Kind)
		assert.Empty(t, failures(r), sp)
		assert.True(t, r.OK())
		assert.Equal(t, Summary{Entries: 13, OK: 13}, r.Summary())
		// Every entry was matched to the file the layout puts it in.
		v, _ := m.Variant(sp)
		for _, pl := range kbLayout(sp) {
			e := v.Lookup(pl[0], pl[1])[0]
			for _, res := range r.Results {
				if res.Entry.Name == e.Name && res.Entry.Platform == e.Platform {
					assert.Equal(t, pl[2], res.File.Path)
					assert.Equal(t, e.Size, res.File.Size)
					assert.Equal(t, e.Version, res.File.Version)
					assert.Equal(t, e.Platform, res.File.Platform)
					require.NotNil(t, res.File.Row, pl[2])
					if e.Version == manifest.NA {
						assert.Equal(t, res.File.MD5, res.File.Row.Hash, "MsiFileHash of %s", pl[2])
					}
				}
			}
		}
		// Scores: the detected variant has all 8 versioned rows exact.
		for _, s := range r.Scores {
			if s.Variant == sp {
				assert.Equal(t, 8, s.Exact)
			} else {
				assert.Equal(t, 0, s.Exact)
			}
		}
	}
}

// The other variant fails on every row that differs, each with exactly
// the fields in which the two rows of the manifest differ.
func TestVerifyWrongVariantListsEveryRow(t *testing.T) {
	m := kbManifest(t)
	for _, c := range [][2]string{{"SP1", "SP2"}, {"SP2", "SP1"}} {
		pkg := sharedKB(t, c[0])
		r, err := Verify(m, pkg, Options{Variant: c[1]})
		require.NoError(t, err)
		assert.False(t, r.OK())
		have, _ := m.Variant(c[0])
		want, _ := m.Variant(c[1])
		var expect []failed
		for _, e := range want.Entries {
			hs := have.Lookup(e.Name, e.Platform)
			if len(hs) == 0 {
				expect = append(expect, failed{e.String(), []string{FieldMissing}})
				continue
			}
			h := hs[0]
			var fs []string
			if h.Version != e.Version {
				fs = append(fs, FieldVersion)
			}
			if h.Size != e.Size {
				fs = append(fs, FieldSize)
			}
			if !h.Modified.Equal(e.Modified) {
				fs = append(fs, FieldDate)
			}
			if len(fs) > 0 {
				for _, pl := range kbLayout(c[0]) {
					if h.Matches(pl[0], pl[1]) {
						expect = append(expect, failed{pl[2], fs})
					}
				}
			}
		}
		msp := kbLayout(c[0])[12][2]
		expect = append(expect, failed{msp, []string{FieldExtra}})
		assert.Equal(t, expect, failures(r), "%s against %s", c[0], c[1])
		assert.Len(t, expect, 14) // every row differs; the patch is named after the service pack
	}
}

// tamper is one change to an extracted tree, and what verification must
// then name.
type tamper struct {
	name   string
	change func(t *testing.T, dir string)
	where  string
	field  string
	// also are other fields the same file may fail on, as consequences.
	also []string
}

func flipVersionByte(t *testing.T, path string) {
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	i := bytes.Index(b, []byte{0xBD, 0x04, 0xEF, 0xFE}) // VS_FIXEDFILEINFO signature
	require.Positive(t, i)
	b[i+12] ^= 0x01 // dwFileVersionLS, low byte: the revision
	keepTimes(t, path, func() { require.NoError(t, os.WriteFile(path, b, 0o644)) })
}

// keepTimes runs fn and gives path its modification time back.
func keepTimes(t *testing.T, path string, fn func()) {
	st, err := os.Stat(path)
	require.NoError(t, err)
	fn()
	require.NoError(t, os.Chtimes(path, st.ModTime(), st.ModTime()))
}

func tampers() []tamper {
	return []tamper{
		{"version resource byte", func(t *testing.T, dir string) {
			flipVersionByte(t, filepath.Join(dir, "bin/i386/smpmgr.dll"))
		}, "bin/i386/smpmgr.dll", FieldVersion, []string{FieldChecksum}},
		{"truncated", func(t *testing.T, dir string) {
			p := filepath.Join(dir, "Client/i386/ccmsetup.exe")
			keepTimes(t, p, func() { require.NoError(t, os.Truncate(p, 600000)) })
		}, "Client/i386/ccmsetup.exe", FieldSize, nil},
		{"truncated unversioned", func(t *testing.T, dir string) {
			p := filepath.Join(dir, "bin/i386/mcs.msi")
			keepTimes(t, p, func() { require.NoError(t, os.Truncate(p, 1000)) })
		}, "bin/i386/mcs.msi", FieldSize, nil},
		{"x86 and x64 swapped", func(t *testing.T, dir string) {
			a, b := filepath.Join(dir, "bin/i386/ccmgencert.dll"), filepath.Join(dir, "bin/x64/ccmgencert.dll")
			require.NoError(t, os.Rename(a, a+".tmp"))
			require.NoError(t, os.Rename(b, a))
			require.NoError(t, os.Rename(a+".tmp", b))
		}, "bin/x64/ccmgencert.dll+bin/i386/ccmgencert.dll", FieldPlatform, nil},
		{"removed", func(t *testing.T, dir string) {
			require.NoError(t, os.Remove(filepath.Join(dir, "bin/x64/mcsisapip.dll")))
		}, "Mcsisapip.dll (x64)", FieldMissing, nil},
		{"extra", func(t *testing.T, dir string) {
			require.NoError(t, os.WriteFile(filepath.Join(dir, "bin/i386/readme.txt"), []byte("not in the list\n"), 0o644))
		}, "bin/i386/readme.txt", FieldExtra, nil},
		{"extra copy", func(t *testing.T, dir string) {
			b, err := os.ReadFile(filepath.Join(dir, "Logs/KB977203/CCMCertFix.exe"))
			require.NoError(t, err)
			require.NoError(t, os.WriteFile(filepath.Join(dir, "CCMCertFix.exe"), b, 0o644))
		}, "CCMCertFix.exe", FieldExtra, nil},
		{"wrong date", func(t *testing.T, dir string) {
			when := time.Date(2010, 1, 26, 6, 28, 0, 0, time.Local)
			require.NoError(t, os.Chtimes(filepath.Join(dir, "bin/ia64/ccmgencert.dll"), when, when))
		}, "bin/ia64/ccmgencert.dll", FieldDate, nil},
	}
}

// Every tamper of the issue, on a tree extracted from the SP2 test
// package, fails naming exactly that file and that field, in the report
// and in all three formats.
func TestVerifyTamperedTree(t *testing.T) {
	m := kbManifest(t)
	pkg := sharedKB(t, "SP2")
	for _, tc := range tampers() {
		t.Run(tc.name, func(t *testing.T) {
			dir := extractTree(t, pkg)
			clean, err := Verify(m, dir, Options{Variant: Auto})
			require.NoError(t, err)
			require.Empty(t, failures(clean), "the extracted tree before the change")
			tc.change(t, dir)
			r, err := Verify(m, dir, Options{Variant: Auto})
			require.NoError(t, err)
			assert.Equal(t, "SP2", r.Variant)
			checkTamper(t, r, tc)
		})
	}
}

func checkTamper(t *testing.T, r *Report, tc tamper) {
	t.Helper()
	assert.False(t, r.OK())
	got := failures(r)
	wheres := strings.Split(tc.where, "+")
	require.Len(t, got, len(wheres), "%+v", got)
	allowed := append([]string{tc.field}, tc.also...)
	for i, w := range wheres {
		assert.Equal(t, w, got[i].Where)
		assert.Contains(t, got[i].Fields, tc.field)
		for _, f := range got[i].Fields {
			assert.Contains(t, allowed, f, "%s fails on %s too", w, f)
		}
	}

	var text bytes.Buffer
	require.NoError(t, WriteText(&text, []*Report{r}))
	var bad []string
	for _, line := range strings.Split(text.String(), "\n") {
		if strings.HasPrefix(line, "FAIL ") || strings.HasPrefix(line, "MISSING ") || strings.HasPrefix(line, "EXTRA ") {
			bad = append(bad, line)
		}
	}
	require.Len(t, bad, len(wheres), text.String())
	for i, w := range wheres {
		assert.Contains(t, bad[i], w)
		assert.Contains(t, bad[i], " "+tc.field+": ")
	}
	assert.Contains(t, text.String(), "\nFAIL: 13 entries: ")

	var js bytes.Buffer
	require.NoError(t, WriteJSON(&js, []*Report{r}))
	checkSchema(t, js.Bytes())
	var doc struct {
		OK      bool
		Sources []struct {
			OK      bool
			Entries []struct {
				Entry struct {
					Name, Platform string
				}
				Status string
				File   *struct{ Path string }
				Mism   []struct{ Field, Expected, Found, Message string } `json:"mismatches"`
			}
			Extra []struct {
				File struct{ Path string }
				Mism []struct{ Field, Message string } `json:"mismatches"`
			}
		}
	}
	require.NoError(t, json.Unmarshal(js.Bytes(), &doc))
	assert.False(t, doc.OK)
	require.Len(t, doc.Sources, 1)
	assert.Len(t, doc.Sources[0].Entries, 13)
	var jsonGot []failed
	for _, e := range doc.Sources[0].Entries {
		if e.Status == "ok" {
			assert.Empty(t, e.Mism)
			continue
		}
		w := e.Entry.Name
		if e.Entry.Platform != "" && e.Entry.Platform != manifest.NA {
			w += " (" + e.Entry.Platform + ")"
		}
		if e.File != nil {
			w = e.File.Path
		}
		var fs []string
		for _, mm := range e.Mism {
			fs = append(fs, mm.Field)
			assert.NotEmpty(t, mm.Message)
		}
		jsonGot = append(jsonGot, failed{w, fs})
	}
	for _, x := range doc.Sources[0].Extra {
		var fs []string
		for _, mm := range x.Mism {
			fs = append(fs, mm.Field)
		}
		jsonGot = append(jsonGot, failed{x.File.Path, fs})
	}
	assert.Equal(t, got, jsonGot)

	var xb bytes.Buffer
	require.NoError(t, WriteJUnit(&xb, []*Report{r}))
	suites := parseJUnit(t, xb.Bytes())
	require.NotEmpty(t, suites.Suites)
	assert.Len(t, suites.Suites[0].Cases, 13, "one testcase per manifest entry")
	assert.Equal(t, 13, suites.Suites[0].Tests)
	var junitGot []failed
	for _, s := range suites.Suites {
		for _, c := range s.Cases {
			if c.Failure == nil {
				continue
			}
			assert.Equal(t, strings.Split(c.Failure.Type, ","), fieldsOf(c.Failure.Text))
			w := c.Name
			if i := strings.Index(c.Failure.Message, ": "); i > 0 && c.SystemOut != "" {
				w = c.Failure.Message[:i]
				assert.Equal(t, c.SystemOut, w)
			}
			junitGot = append(junitGot, failed{w, strings.Split(c.Failure.Type, ",")})
		}
	}
	assert.Equal(t, got, junitGot)
	assert.Equal(t, len(wheres), suites.Failures)
}

func fieldsOf(text string) []string {
	var out []string
	for _, line := range strings.Split(strings.TrimSpace(text), "\n") {
		out = append(out, line[:strings.Index(line, ":")])
	}
	return out
}

type junitDoc struct {
	XMLName  xml.Name `xml:"testsuites"`
	Tests    int      `xml:"tests,attr"`
	Failures int      `xml:"failures,attr"`
	Suites   []struct {
		Name     string `xml:"name,attr"`
		Tests    int    `xml:"tests,attr"`
		Failures int    `xml:"failures,attr"`
		Props    []struct {
			Name  string `xml:"name,attr"`
			Value string `xml:"value,attr"`
		} `xml:"properties>property"`
		Cases []struct {
			Name      string `xml:"name,attr"`
			Classname string `xml:"classname,attr"`
			SystemOut string `xml:"system-out"`
			Failure   *struct {
				Message string `xml:"message,attr"`
				Type    string `xml:"type,attr"`
				Text    string `xml:",chardata"`
			} `xml:"failure"`
		} `xml:"testcase"`
	} `xml:"testsuite"`
}

// parseJUnit reads the XML strictly: every token must be well-formed.
func parseJUnit(t *testing.T, b []byte) junitDoc {
	t.Helper()
	require.True(t, bytes.HasPrefix(b, []byte(xml.Header)))
	dec := xml.NewDecoder(bytes.NewReader(b))
	dec.Strict = true
	for {
		_, err := dec.Token()
		if err != nil {
			require.Equal(t, "EOF", err.Error())
			break
		}
	}
	var doc junitDoc
	require.NoError(t, xml.Unmarshal(b, &doc))
	return doc
}

// The same tampers on a tree extracted by msiextract, which does not keep
// the cabinet's dates: the extraction times are recognised and the one
// changed file is still the only one named.
func TestVerifyTamperedPeerTree(t *testing.T) {
	if _, err := exec.LookPath("msiextract"); err != nil {
		testutil.Skip(t, "msiextract (msitools) not installed")
	}
	m := kbManifest(t)
	pkg := sharedKB(t, "SP2")
	for _, tc := range tampers() {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			out, err := exec.Command("msiextract", "-C", dir, pkg).CombinedOutput()
			require.NoError(t, err, "%s", out)
			clean, err := Verify(m, dir, Options{Variant: Auto})
			require.NoError(t, err)
			require.Empty(t, failures(clean))
			require.Len(t, clean.Notes, 1)
			assert.Contains(t, clean.Notes[0], "dates not checked for 13 of the 13 loose files")

			strict, err := Verify(m, dir, Options{Variant: "SP2", StrictDates: true})
			require.NoError(t, err)
			assert.Equal(t, 13, strict.Summary().Failed, "msiextract drops every date")

			tc.change(t, dir)
			r, err := Verify(m, dir, Options{Variant: Auto})
			require.NoError(t, err)
			checkTamper(t, r, tc)
		})
	}
}

// A distribution point: the package in a folder, next to its extracted
// copy's client folder. The package is a container; its files and the
// loose copies are candidates; the copies are extra.
func TestVerifyDistributionPoint(t *testing.T) {
	m := kbManifest(t)
	pkg := sharedKB(t, "SP2")
	dp := t.TempDir()
	b, err := os.ReadFile(pkg)
	require.NoError(t, err)
	require.NoError(t, os.MkdirAll(filepath.Join(dp, "hotfix"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dp, "hotfix", filepath.Base(pkg)), b, 0o644))

	r, err := Verify(m, dp, Options{Variant: Auto, Workers: 2})
	require.NoError(t, err)
	assert.Equal(t, KindFolder, r.Kind)
	assert.Empty(t, failures(r))
	for _, res := range r.Results {
		assert.Equal(t, "hotfix/"+filepath.Base(pkg), res.File.Container)
	}

	// A folder that is not a package, not listed: extra.
	require.NoError(t, os.WriteFile(filepath.Join(dp, "hotfix", "notes.msi"), []byte("not a package"), 0o644))
	r, err = Verify(m, dp, Options{Variant: Auto})
	require.NoError(t, err)
	assert.Equal(t, []failed{{"hotfix/notes.msi", []string{FieldExtra}}}, failures(r))
	r, err = Verify(m, dp, Options{Variant: Auto, AllowExtra: true})
	require.NoError(t, err)
	assert.True(t, r.OK())
	assert.Len(t, r.Extra, 1)
}

// A File table that lies about a file is a mismatch of its own, on the
// file's row, even when the bytes are what the manifest lists.
func TestVerifyFileTable(t *testing.T) {
	m := kbManifest(t)
	pkg := buildKB(t, "SP2", func(res *build.Result) {
		ft := dbTable(res.DB, "File")
		for i := range ft.Rows {
			r := &ft.Rows[i]
			switch r.String("FileName") {
			case "smpmgr.dll":
				r.Values[ft.Index("Version")] = msi.StringValue("4.0.6487.2112")
				r.Values[ft.Index("Language")] = msi.StringValue("1031")
			case "ccmsetup.exe":
				r.Values[ft.Index("FileSize")] = msi.IntValue(1)
			}
		}
		h := dbTable(res.DB, "MsiFileHash")
		for i := range h.Rows {
			if strings.HasPrefix(h.Rows[i].String("File_"), "mp") {
				h.Rows[i].Values[h.Index("HashPart1")] = msi.IntValue(12345)
			}
		}
	})
	r, err := Verify(m, pkg, Options{Variant: "SP2"})
	require.NoError(t, err)
	got := map[string][]string{}
	for _, res := range r.Results {
		for _, mm := range res.Mismatches {
			got[res.File.Path] = append(got[res.File.Path], mm.Field+":"+mm.Column+" "+mm.Expected+" "+mm.Found)
		}
	}
	smp := got["bin/i386/smpmgr.dll"]
	assert.Equal(t, []string{"file-table:Version 4.0.6487.2112 4.0.6487.2111", "file-table:Language 1031 1033"}, smp)
	mp := got["bin/i386/mp.msi"]
	require.Len(t, mp, 1)
	assert.True(t, strings.HasPrefix(mp[0], "hash: 39300000"), mp[0]) // 12345 = 0x3039, little-endian
	assert.Equal(t, []string{"file-table:FileSize 1 611688"}, got["Client/i386/ccmsetup.exe"])
	assert.Len(t, got, 3, "%v", got)
	assert.Equal(t, 3, r.Summary().Failed)
}
