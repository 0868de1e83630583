package verify

import (
	"bytes"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/msikit/msikit/cab"
	"github.com/msikit/msikit/manifest"
	"github.com/msikit/msikit/msi/build"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The committed replicas: each verifies clean against its variant, auto
// picks it, and against the other variant every row fails.
func TestVerifyReplicas(t *testing.T) {
	m := kbManifest(t)
	for _, c := range [][2]string{{"SP1", "SP2"}, {"SP2", "SP1"}} {
		pkg := replica(t, c[0])
		r, err := Verify(m, pkg, Options{Variant: Auto})
		require.NoError(t, err)
		assert.Equal(t, c[0], r.Variant)
		assert.Empty(t, failures(r))
		for _, res := range r.Results {
			require.NotNil(t, res.File.Row)
			if res.Entry.Version == manifest.NA {
				assert.Equal(t, res.File.MD5, res.File.Row.Hash, "MsiFileHash of %s", res.File.Path)
			} else {
				assert.Equal(t, res.Entry.Version, res.File.Row.Version)
			}
		}
		r, err = Verify(m, pkg, Options{Variant: c[1]})
		require.NoError(t, err)
		s := r.Summary()
		assert.Equal(t, Summary{Entries: 13, Failed: 12, Missing: 1, Extra: 1}, s)

		dir := extractTree(t, pkg)
		r, err = Verify(m, dir, Options{Variant: Auto})
		require.NoError(t, err)
		assert.Equal(t, c[0], r.Variant)
		assert.Empty(t, failures(r))
	}
}

// A cabinet given as the source: its members are the candidates, with
// the cabinet's times.
func TestVerifyCabinet(t *testing.T) {
	dir := t.TempDir()
	when := time.Date(2010, 1, 25, 6, 27, 0, 0, time.UTC)
	var members []build.Member
	for _, n := range []string{"a.txt", "b.txt"} {
		p := filepath.Join(dir, n)
		require.NoError(t, os.WriteFile(p, []byte("content of "+n), 0o644))
		members = append(members, build.Member{Key: n, Source: p, Size: int64(len("content of " + n)), Modified: when})
	}
	var b bytes.Buffer
	require.NoError(t, build.WriteCabinet(&b, members, "mszip"))
	cabPath := filepath.Join(dir, "files.cab")
	require.NoError(t, os.WriteFile(cabPath, b.Bytes(), 0o644))
	rc, err := cab.Open(cabPath)
	require.NoError(t, err)
	rc.Close()

	m, err := manifest.Parse(strings.NewReader("name: c\nvariants:\n  v:\n    entries:\n" +
		"      - {name: A.TXT, size: 16, timestamp: 2010-01-25T06:27Z, platform: n/a, md5: " + md5hex("content of a.txt") + "}\n" +
		"      - {name: b.txt, size: 16, timestamp: 2010-01-25T06:28Z}\n"))
	require.NoError(t, err)
	r, err := Verify(m, cabPath, Options{})
	require.NoError(t, err)
	assert.Equal(t, KindCabinet, r.Kind)
	assert.Equal(t, []failed{{"b.txt", []string{FieldDate}}}, failures(r))
	assert.Equal(t, "expected 2010-01-25 06:28 UTC, found 2010-01-25 06:27:00", r.Results[1].Mismatches[0].Message)
}

func TestVerifyErrors(t *testing.T) {
	m := kbManifest(t)
	dir := t.TempDir()
	txt := filepath.Join(dir, "x.txt")
	require.NoError(t, os.WriteFile(txt, []byte("hello"), 0o644))

	_, err := Verify(m, txt, Options{Variant: "SP2"})
	assert.ErrorIs(t, err, ErrSource)
	_, err = Verify(m, filepath.Join(dir, "absent"), Options{Variant: "SP2"})
	assert.ErrorIs(t, err, os.ErrNotExist)
	_, err = Verify(m, dir, Options{Variant: "SP3"})
	assert.ErrorIs(t, err, ErrVariant)
	assert.ErrorIs(t, err, manifest.ErrNoVariant)
	// Nothing versioned: no variant fits.
	_, err = Verify(m, dir, Options{Variant: Auto})
	assert.ErrorIs(t, err, ErrVariant)
	assert.ErrorIs(t, err, manifest.ErrNoMatch)
	assert.Contains(t, err.Error(), "SP1: 0 exact, 0 same build; SP2: 0 exact, 0 same build")
	_, err = Verify(m, t.TempDir(), Options{Variant: "SP1"})
	assert.ErrorIs(t, err, ErrSource)

	// A damaged package as the source is an error, not a panic; in a
	// folder, it is a file that could not be opened, noted.
	pkg := sharedKB(t, "SP1")
	b, err := os.ReadFile(pkg)
	require.NoError(t, err)
	bad := filepath.Join(dir, "damaged.msi")
	require.NoError(t, os.WriteFile(bad, b[:4096], 0o644))
	_, err = Verify(m, bad, Options{Variant: "SP1"})
	assert.ErrorIs(t, err, ErrSource)
	require.NoError(t, os.Remove(txt))
	r, err := Verify(m, dir, Options{Variant: "SP1"})
	require.NoError(t, err)
	assert.Equal(t, []failed{{"damaged.msi", []string{FieldExtra}}}, failures(r)[13:])
	require.Len(t, r.Notes, 1)
	assert.True(t, strings.HasPrefix(r.Notes[0], "damaged.msi: not opened as a package ("), r.Notes[0])
	assert.True(t, errors.Is(err, nil))
}

func TestFolderPlatform(t *testing.T) {
	for p, want := range map[string]string{
		"bin/i386/a.dll": "x86", "bin/X64/a.dll": "x64", "AMD64/sub/a.dll": "x64", "bin/ia64/a.dll": "ia64",
		"x86/x64/a.dll": "x64", "a.dll": "", "i386": "", "intel/a.dll": "", "Client/i386/hotfix/KB977203/a.msp": "x86",
	} {
		assert.Equal(t, want, folderPlatform(p), p)
	}
}

func TestLeadingVersion(t *testing.T) {
	for s, want := range map[string]string{
		"4.00.6487.2111": "4.0.6487.2111", "6.1.7600.16385 (win7_rtm.090713-1255)": "6.1.7600.16385",
		"4, 0, 6487, 2111": "4.0.6487.2111", "1.0": "", "": "", "v1.2.3.4": "", "1.2.3.99999": "",
	} {
		got, ok := leadingVersion(s)
		assert.Equal(t, want, got, s)
		assert.Equal(t, want != "", ok, s)
	}
}

func TestLanguageMismatch(t *testing.T) {
	assert.Empty(t, languageMismatch("1033", []uint16{1033}))
	assert.Empty(t, languageMismatch("1031,1033", []uint16{1033}))
	assert.Empty(t, languageMismatch("0", []uint16{1033}))
	assert.Empty(t, languageMismatch("1031", []uint16{0, 1033}))
	assert.Empty(t, languageMismatch("", []uint16{1033}))
	assert.Empty(t, languageMismatch("1031", nil))
	assert.Equal(t, "1031, the version resource is for 1033", languageMismatch("1031", []uint16{1033}))
	assert.Equal(t, `"en" is not a list of language IDs`, languageMismatch("en", []uint16{1033}))
}

// A report with hostile names stays well-formed XML and one line per
// entry in text.
func TestReportsHostileNames(t *testing.T) {
	dir := t.TempDir()
	name := "a<&\"'>\x01\x1b[31m]]>.txt"
	require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte("x"), 0o644))
	m, err := manifest.Parse(strings.NewReader("name: n\nvariants:\n  v:\n    entries:\n      - {name: b.txt, size: 1}\n"))
	require.NoError(t, err)
	r, err := Verify(m, dir, Options{})
	require.NoError(t, err)
	var x bytes.Buffer
	require.NoError(t, WriteJUnit(&x, []*Report{r}))
	doc := parseJUnit(t, x.Bytes())
	require.Len(t, doc.Suites, 2)
	assert.Len(t, doc.Suites[0].Cases, 1)
	assert.Equal(t, "missing", doc.Suites[0].Cases[0].Failure.Type)
	assert.Equal(t, "extra", doc.Suites[1].Cases[0].Failure.Type)
	assert.Equal(t, 2, doc.Failures)
	var text bytes.Buffer
	require.NoError(t, WriteText(&text, []*Report{r}))
	assert.NotContains(t, text.String(), "\x1b")
	assert.Len(t, strings.Split(strings.TrimSpace(text.String()), "\n"), 4, text.String())
}

func md5hex(s string) string {
	h := md5.Sum([]byte(s))
	return hex.EncodeToString(h[:])
}

// Progress reports bytes read, in order, ending at the total, for a
// folder (files and a package in it) and for a package.
func TestVerifyProgress(t *testing.T) {
	m := kbManifest(t)
	pkg := sharedKB(t, "SP2")
	dir := extractTree(t, pkg)
	st, err := os.Stat(pkg)
	require.NoError(t, err)
	b, err := os.ReadFile(pkg)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "copy.msi"), b, 0o644))
	var sum int64
	v, _ := m.Variant("SP2")
	for _, e := range v.Entries {
		sum += e.Size
	}
	for _, c := range []struct {
		path  string
		total int64
	}{{dir, sum + st.Size()}, {pkg, sum}} {
		var calls []int64
		r, err := Verify(m, c.path, Options{Variant: "SP2", AllowExtra: true, Progress: func(done, total int64) {
			assert.Equal(t, c.total, total)
			calls = append(calls, done)
		}})
		require.NoError(t, err)
		require.NotEmpty(t, calls)
		assert.Equal(t, c.total, calls[len(calls)-1])
		for i := 1; i < len(calls); i++ {
			assert.Greater(t, calls[i], calls[i-1])
		}
		assert.Equal(t, 13, r.Summary().OK)
	}
}

// A patch in a folder that no entry names is a container: its files are
// candidates (here extra: the manifest lists the patch, not its content).
func TestVerifyPatchContainer(t *testing.T) {
	m := kbManifest(t)
	dir := extractTree(t, replica(t, "SP2"))
	msp := filepath.Join(dir, "Client/i386/hotfix/KB977203/SCCM2007AC-SP2-KB977203-x86.msp")
	b, err := os.ReadFile(msp)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "other.msp"), b, 0o644))
	r, err := Verify(m, dir, Options{Variant: Auto})
	require.NoError(t, err)
	require.Len(t, r.Extra, 1)
	f := r.Extra[0]
	assert.Equal(t, "other.msp", f.Container)
	assert.Equal(t, "other.msp!KB977203.txt", f.Where())
	assert.Equal(t, manifest.NA, f.Version)
	assert.Equal(t, 13, r.Summary().OK)
}
