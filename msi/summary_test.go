package msi

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/richardlehane/mscfb"

	"github.com/msikit/msikit/internal/oleps"
	"github.com/msikit/msikit/internal/testutil"
)

// sumStream reads the root \x05SummaryInformation stream with mscfb, which
// moves the control character into File.Initial.
func sumStream(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r, err := mscfb.New(f)
	if err != nil {
		return nil, err
	}
	for {
		e, err := r.Next()
		if errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("%s: no summary information stream", path)
		}
		if err != nil {
			return nil, err
		}
		if len(e.Path) == 0 && e.Initial == 5 && e.Name == "SummaryInformation" {
			return io.ReadAll(e)
		}
	}
}

func needMsiinfo(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("msiinfo"); err != nil {
		testutil.Skip(t, "msiinfo (msitools) not installed")
	}
}

// runMsiinfo runs msiinfo with TZ=UTC, so its times are comparable.
func runMsiinfo(args ...string) ([]byte, error) {
	cmd := exec.Command("msiinfo", args...)
	cmd.Env = append(os.Environ(), "TZ=UTC")
	return cmd.Output()
}

func formatRows(rows []SummaryRow) string {
	var b strings.Builder
	for _, r := range rows {
		fmt.Fprintf(&b, "%d\t%s\r\n", r.PID, r.Value)
	}
	return b.String()
}

const msiinfoSummaryHeader = "PropertyId\tValue\r\ni2\tl255\r\n_SummaryInformation\tPropertyId\r\n"

// TestSummaryCorpusExportMatchesMsiinfo compares IDTRows with
// `msiinfo export PKG _SummaryInformation` for every corpus package that
// msiinfo can open, and requires Bytes to reproduce the stream exactly.
func TestSummaryCorpusExportMatchesMsiinfo(t *testing.T) {
	pkgs := testutil.CorpusFiles(t, testutil.PackageExts...)
	needMsiinfo(t)
	matched := 0
	for _, p := range pkgs {
		name := filepath.Base(p)
		want, werr := runMsiinfo("export", p, "_SummaryInformation")
		b, err := sumStream(p)
		if werr != nil {
			// msiinfo cannot open it (the damaged merge module):
			// neither can mscfb.
			if err == nil {
				t.Errorf("%s: msiinfo fails (%v) but the stream reads", name, werr)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		s, err := ParseSummaryInfo(b)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		got := msiinfoSummaryHeader + formatRows(s.idtRows())
		if got != string(want) {
			t.Errorf("%s: export differs\n got %q\nwant %q", name, got, want)
			continue
		}
		out, err := s.Bytes()
		if err != nil {
			t.Errorf("%s: Bytes: %v", name, err)
			continue
		}
		if !bytes.Equal(out, b) {
			t.Errorf("%s: Bytes does not reproduce the stream\n got %x\nwant %x", name, out, b)
			continue
		}
		matched++
	}
	t.Logf("%d of %d packages: export identical to msiinfo, stream rewritten byte for byte", matched, len(pkgs))
	if matched < 50 {
		t.Errorf("only %d packages matched; the corpus has 55 readable ones", matched)
	}
}

// suminfoFields parses `msiinfo suminfo` output: "Label: value" lines.
func suminfoFields(out []byte) map[string]string {
	m := map[string]string{}
	for _, line := range strings.Split(string(out), "\n") {
		if k, v, ok := strings.Cut(line, ": "); ok {
			m[k] = v
		} else if k, ok := strings.CutSuffix(line, ":"); ok {
			m[k] = ""
		}
	}
	return m
}

// TestSummaryCorpusSuminfoMatchesMsiinfo compares the decoded fields with
// what `msiinfo suminfo` prints for them.
func TestSummaryCorpusSuminfoMatchesMsiinfo(t *testing.T) {
	pkgs := testutil.CorpusFiles(t, testutil.PackageExts...)
	needMsiinfo(t)
	checked := 0
	for _, p := range pkgs {
		name := filepath.Base(p)
		out, err := runMsiinfo("suminfo", p)
		if err != nil {
			continue
		}
		m := suminfoFields(out)
		b, err := sumStream(p)
		if err != nil {
			// msiinfo exits 0 on a file it cannot open, printing nothing.
			if len(m) != 0 {
				t.Errorf("%s: %v, but msiinfo prints %v", name, err, m)
			}
			continue
		}
		s, err := ParseSummaryInfo(b)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		strs := map[string]struct {
			pid int
			v   string
		}{
			"Title": {PIDTitle, s.Title}, "Subject": {PIDSubject, s.Subject},
			"Author": {PIDAuthor, s.Author}, "Keywords": {PIDKeywords, s.Keywords},
			"Comments": {PIDComments, s.Comments}, "Template": {PIDTemplate, s.Template},
			"Last author":            {PIDLastSavedBy, s.LastSavedBy},
			"Revision number (UUID)": {PIDRevisionNumber, s.RevisionNumber},
			"Application":            {PIDAppName, s.AppName},
		}
		for label, f := range strs {
			v, ok := m[label]
			if ok != s.has(f.pid) {
				t.Errorf("%s: msiinfo prints %q: %v, Has(%d) = %v", name, label, ok, f.pid, s.has(f.pid))
			}
			if ok && v != f.v {
				t.Errorf("%s: %s = %q, msiinfo %q", name, label, f.v, v)
			}
		}
		ints := map[string]struct {
			pid int
			v   int32
		}{
			"Version": {PIDPageCount, s.PageCount}, "Source": {PIDWordCount, s.WordCount},
			"Restrict": {PIDCharCount, s.CharCount}, "Security": {PIDSecurity, s.Security},
		}
		for label, f := range ints {
			v, ok := m[label]
			if ok != s.has(f.pid) {
				t.Errorf("%s: msiinfo prints %q: %v, Has(%d) = %v", name, label, ok, f.pid, s.has(f.pid))
			}
			// msiinfo prints "200 (c8)": decimal and hexadecimal.
			if want := fmt.Sprintf("%d (%x)", f.v, f.v); ok && v != want {
				t.Errorf("%s: %s = %q, msiinfo %q", name, label, want, v)
			}
		}
		times := map[string]struct {
			pid int
			v   time.Time
		}{
			"Last printed": {PIDLastPrinted, s.LastPrinted}, "Created": {PIDCreated, s.Created},
			"Last saved": {PIDLastSaved, s.LastSaved},
		}
		for label, f := range times {
			v, ok := m[label]
			if ok != s.has(f.pid) {
				t.Errorf("%s: msiinfo prints %q: %v, Has(%d) = %v", name, label, ok, f.pid, s.has(f.pid))
			}
			if !ok {
				continue
			}
			mt, err := time.Parse("Mon Jan _2 15:04:05 2006", v)
			if err != nil {
				t.Errorf("%s: %s: %v", name, label, err)
				continue
			}
			if !mt.Equal(f.v.Truncate(time.Second)) {
				t.Errorf("%s: %s = %v, msiinfo %v", name, label, f.v, mt)
			}
		}
		checked++
	}
	if checked < 50 {
		t.Errorf("only %d packages checked", checked)
	}
	t.Logf("%d packages: suminfo fields equal msiinfo's", checked)
}

// TestSummaryCorpusKnownValues pins decoded values of a few corpus files,
// including the patch and transform helpers.
func TestSummaryCorpusKnownValues(t *testing.T) {
	pkgs := testutil.CorpusFiles(t, testutil.PackageExts...)
	byName := map[string]string{}
	for _, p := range pkgs {
		byName[filepath.Base(p)] = p
	}
	load := func(name string) *SummaryInfo {
		t.Helper()
		p, ok := byName[name]
		if !ok {
			t.Skipf("%s not in the corpus", name)
		}
		b, err := sumStream(p)
		if err != nil {
			t.Fatal(err)
		}
		s, err := ParseSummaryInfo(b)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}

	v := load("vcredist.msi")
	if v.Codepage != 1252 || v.Template != "Intel;0" || v.PageCount != 200 || v.WordCount != 2 {
		t.Errorf("vcredist: %+v", v)
	}
	if got := v.Platforms(); !reflect.DeepEqual(got, []string{"Intel"}) {
		t.Errorf("vcredist platforms %v", got)
	}
	if got := v.Languages(); !reflect.DeepEqual(got, []int{0}) {
		t.Errorf("vcredist languages %v", got)
	}
	if f := v.WordCountFlags(); f != (WordCountFlags{Compressed: true}) {
		t.Errorf("vcredist word count flags %+v", f)
	}
	if want := time.Date(2011, 5, 13, 18, 14, 52, 0, time.UTC); !v.LastSaved.Truncate(time.Second).Equal(want) {
		t.Errorf("vcredist LastSaved %v, want %v", v.LastSaved, want)
	}

	m := load("SQL2008_AS.msp")
	if got := m.PackageCode(); got != "{2DFFC5F8-9B0F-4510-92AE-FA3D38B8A47D}" {
		t.Errorf("SQL2008_AS patch code %q", got)
	}
	if m.Template != "{4508D19D-07FE-4722-88C7-27152965756B}" || m.LastSavedBy != ":Target01ToUpgrade01;:#Target01ToUpgrade01" {
		t.Errorf("SQL2008_AS targets %q, transforms %q", m.Template, m.LastSavedBy)
	}
	if m.has(PIDCodepage) || !m.has(PIDKeywords) || m.Keywords != "" {
		t.Errorf("SQL2008_AS: codepage present %v, keywords present %v %q", m.has(PIDCodepage), m.has(PIDKeywords), m.Keywords)
	}
	if got := m.pids(); !reflect.DeepEqual(got, []int{5, 7, 8, 9, 15}) {
		t.Errorf("SQL2008_AS PIDs %v", got)
	}

}

// TestSummaryWriterReadByMsiinfo patches a stream written by Bytes into a
// copy of a package built by msitools (whose mini-stream sectors are
// contiguous, so the old stream's bytes can be found and overwritten in
// place with a stream of the same length) and checks that msiinfo reads
// what we wrote: a non-ASCII title in code page 1252, new times (one with
// sub-second precision) and new counts.
func TestSummaryWriterReadByMsiinfo(t *testing.T) {
	pkgs := testutil.CorpusFiles(t, testutil.PackageExts...)
	needMsiinfo(t)
	var src string
	for _, p := range pkgs {
		if filepath.Base(p) == "hello.msi" {
			src = p
		}
	}
	if src == "" {
		t.Skip("go-msi/hello.msi not in the corpus")
	}
	file, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	old, err := sumStream(src)
	if err != nil {
		t.Fatal(err)
	}
	at := bytes.Index(file, old)
	if at < 0 || bytes.Contains(file[at+1:], old) {
		t.Skip("the summary stream is not stored contiguously once")
	}
	s, err := ParseSummaryInfo(old)
	if err != nil {
		t.Fatal(err)
	}
	// Same byte lengths as before, so the stream keeps its size.
	s.Title = strings.Repeat("é", len(s.Title)-1) + "ß"
	s.Author = strings.ToUpper(s.Author)
	s.Created = time.Date(1999, 12, 31, 23, 59, 58, 999_999_900, time.UTC)
	s.LastSaved = time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	s.PageCount = 500
	s.SetWordCountFlags(WordCountFlags{ShortNames: true, AdminImage: true})
	s.Security = 4
	b, err := s.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	if len(b) != len(old) {
		t.Fatalf("rewritten stream has %d bytes, was %d", len(b), len(old))
	}
	patched := bytes.Clone(file)
	copy(patched[at:], b)
	out := filepath.Join(t.TempDir(), "patched.msi")
	if err := os.WriteFile(out, patched, 0o644); err != nil {
		t.Fatal(err)
	}

	got, err := runMsiinfo("export", out, "_SummaryInformation")
	if err != nil {
		t.Fatalf("msiinfo export: %v", err)
	}
	back, err := ParseSummaryInfo(b)
	if err != nil {
		t.Fatal(err)
	}
	if want := msiinfoSummaryHeader + formatRows(back.idtRows()); string(got) != want {
		t.Errorf("msiinfo reads\n%q\nwe read\n%q", got, want)
	}
	// The title is stored in code page 1252: é is 0xE9, ß is 0xDF.
	wantTitle := "2\t" + strings.Repeat("\xe9", len(s.Title)/2-1) + "\xdf\r\n"
	if !strings.Contains(string(got), wantTitle) {
		t.Errorf("msiinfo does not print the 1252 title %q:\n%q", wantTitle, got)
	}
	for _, want := range []string{"12\t1999/12/31 23:59:58\r\n", "13\t2030/01/02 03:04:05\r\n", "14\t500\r\n", "15\t5\r\n", "19\t4\r\n"} {
		if !strings.Contains(string(got), want) {
			t.Errorf("msiinfo output lacks %q:\n%s", want, got)
		}
	}
	if !back.Created.Equal(s.Created) || back.Title != s.Title || back.WordCount != 5 {
		t.Errorf("read back %+v", back)
	}
}

// TestSummaryBuildFromFields writes a summary made from fields only, and
// checks the exact layout and the values read back.
func TestSummaryBuildFromFields(t *testing.T) {
	s := &SummaryInfo{
		Codepage:       1252,
		Title:          "Installation Database",
		Subject:        "Demo",
		Author:         "msikit",
		Template:       "x64;1033,1031",
		RevisionNumber: "{11111111-2222-3333-4444-555555555555}",
		Created:        time.Date(2009, 12, 29, 21, 49, 26, 123_456_700, time.UTC),
		PageCount:      500,
		WordCount:      2,
	}
	s.Include(PIDAppName) // present though empty: msiinfo prints "18\t"
	b, err := s.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	// Header: byte order, version 0, system identifier, zero CLSID, one
	// section at offset 48 with the summary FMTID.
	if got := fmt.Sprintf("%x", b[:8]); got != "feff000006000200" {
		t.Errorf("header %s", got)
	}
	if !bytes.Equal(b[28:44], oleps.FMTIDSummaryInformation[:]) || b[44] != 48 {
		t.Errorf("FMTID/offset %x", b[28:48])
	}
	if len(b)%4 != 0 {
		t.Errorf("length %d is not a multiple of 4", len(b))
	}
	back, err := ParseSummaryInfo(b)
	if err != nil {
		t.Fatal(err)
	}
	if back.Title != s.Title || back.Template != s.Template || !back.Created.Equal(s.Created) ||
		back.PageCount != 500 || back.Codepage != 1252 || !back.has(PIDAppName) || back.has(PIDKeywords) {
		t.Errorf("read back %+v", back)
	}
	if got := back.pids(); !reflect.DeepEqual(got, []int{1, 2, 3, 4, 7, 9, 12, 14, 15, 18}) {
		t.Errorf("PIDs %v", got)
	}
	if got := back.Languages(); !reflect.DeepEqual(got, []int{1033, 1031}) {
		t.Errorf("languages %v", got)
	}
	wantRows := "1\t1252\r\n2\tInstallation Database\r\n3\tDemo\r\n4\tmsikit\r\n7\tx64;1033,1031\r\n" +
		"9\t{11111111-2222-3333-4444-555555555555}\r\n12\t2009/12/29 21:49:26\r\n14\t500\r\n15\t2\r\n18\t\r\n"
	if got := formatRows(back.idtRows()); got != wantRows {
		t.Errorf("rows\n%q\nwant\n%q", got, wantRows)
	}
	again, err := back.Bytes()
	if err != nil || !bytes.Equal(again, b) {
		t.Errorf("rewrite differs (%v)", err)
	}
	if back.typeOf(PIDCreated) != vtFiletime || back.typeOf(PIDCodepage) != vtI2 || back.typeOf(PIDKeywords) != vtEmpty {
		t.Errorf("types %v %v %v", back.typeOf(PIDCreated), back.typeOf(PIDCodepage), back.typeOf(PIDKeywords))
	}

	back.Remove(PIDSubject)
	if back.has(PIDSubject) || back.Subject != "" {
		t.Error("Remove left the subject")
	}
	c, _ := back.Bytes()
	third, err := ParseSummaryInfo(c)
	if err != nil || third.has(PIDSubject) || third.Author != "msikit" {
		t.Errorf("after Remove: %v %+v", err, third)
	}
}

func TestSummaryWriterErrors(t *testing.T) {
	for name, s := range map[string]*SummaryInfo{
		"unrepresentable": {Codepage: 1252, Title: "日本"},
		"codepage range":  {Codepage: 70000, Title: "x"},
		"time range":      {Created: time.Date(1500, 1, 1, 0, 0, 0, 0, time.UTC)},
		"NUL":             {Title: "a\x00b"},
	} {
		if _, err := s.Bytes(); !errors.Is(err, oleps.ErrEncode) {
			// Every writer error wraps oleps.ErrEncode.
			t.Errorf("%s: Bytes = %v, want ErrEncode", name, err)
		}
	}
	// The same title is fine in the Japanese code page.
	s := &SummaryInfo{Codepage: 932, Title: "日本"}
	b, err := s.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	back, err := ParseSummaryInfo(b)
	if err != nil || back.Title != "日本" {
		t.Errorf("932 round trip: %v %q", err, back.Title)
	}
	if rows := back.idtRows(); rows[1].Value != "\x93\xfa\x96\x7b" {
		t.Errorf("932 export bytes %q", rows[1].Value)
	}
}

func TestParseSummaryInfoErrors(t *testing.T) {
	good, err := (&SummaryInfo{Codepage: 1252, Title: "t"}).Bytes()
	if err != nil {
		t.Fatal(err)
	}
	other := bytes.Clone(good)
	other[28] ^= 0xFF // not the summary FMTID
	for name, b := range map[string][]byte{
		"empty":     nil,
		"truncated": good[:len(good)-3],
		"not a set": []byte("\x30\x82\x01\x00 a PKCS#7 signature, not a property set"),
		"fmtid":     other,
	} {
		_, err := ParseSummaryInfo(b)
		if !errors.Is(err, ErrFormat) || !errors.Is(err, ErrSummaryInfo) {
			t.Errorf("%s: %v, want ErrFormat and ErrSummaryInfo", name, err)
		}
	}
}

// TestSummaryNonStandardTypes keeps properties stored with types Windows
// Installer does not use, and unknown PIDs, through a rewrite.
func TestSummaryNonStandardTypes(t *testing.T) {
	set := oleps.Set{SystemIdentifier: 0x00020006, Sections: []oleps.Section{{
		FMTID: oleps.FMTIDSummaryInformation,
		Properties: []oleps.Property{
			{ID: 1, Type: oleps.VTI2, Value: int16(-535)}, // 65001 as a signed 16-bit value
			{ID: 2, Type: oleps.VTLPSTR, Value: "Grüße"},
			{ID: 14, Type: oleps.VTLPSTR, Value: "200"},
			{ID: 10, Type: oleps.VTFiletime, Value: oleps.Filetime(600_000_000)},
			{ID: 17, Type: oleps.VTCF, Value: oleps.Unknown{1, 2, 3, 4}},
			{ID: 0x80000000, Type: oleps.VTUI4, Value: uint32(1033)},
		},
	}}}
	b, err := set.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	s, err := ParseSummaryInfo(b)
	if err != nil {
		t.Fatal(err)
	}
	if s.Codepage != 65001 || s.Title != "Grüße" || s.PageCount != 0 || !s.has(PIDPageCount) || s.typeOf(PIDPageCount) != vtLPSTR {
		t.Errorf("decoded %+v, page count type %v", s, s.typeOf(PIDPageCount))
	}
	if !s.has(PIDThumbnail) || !s.has(0x80000000) {
		t.Error("unknown properties lost")
	}
	wantRows := "1\t65001\r\n2\tGrüße\r\n10\t1601/01/01 00:01:00\r\n14\t200\r\n"
	if got := formatRows(s.idtRows()); got != wantRows {
		t.Errorf("rows %q, want %q", got, wantRows)
	}
	again, err := s.Bytes()
	if err != nil || !bytes.Equal(again, b) {
		t.Errorf("rewrite differs: %v", err)
	}
}

// TestSummaryRoundTripRandom writes random summaries and reads them back.
func TestSummaryRoundTripRandom(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	alphabet := []rune("abcXYZ 019;{}-éßü€")
	str := func() string {
		n := rng.Intn(40)
		r := make([]rune, n)
		for i := range r {
			r[i] = alphabet[rng.Intn(len(alphabet))]
		}
		return string(r)
	}
	tm := func() time.Time {
		if rng.Intn(3) == 0 {
			return time.Time{}
		}
		// From 1601 (FILETIME 0) to about 2600.
		return time.Unix(rng.Int63n(1<<35)-11644473600, rng.Int63n(1e7)*100).UTC()
	}
	for i := 0; i < 300; i++ {
		s := &SummaryInfo{
			Codepage: []int{0, 1252, 65001}[rng.Intn(3)],
			Title:    str(), Subject: str(), Author: str(), Keywords: str(), Comments: str(),
			Template: str(), LastSavedBy: str(), RevisionNumber: str(), AppName: str(),
			LastPrinted: tm(), Created: tm(), LastSaved: tm(),
			PageCount: rng.Int31() - 1<<30, WordCount: rng.Int31(), CharCount: -rng.Int31(), Security: rng.Int31n(5),
		}
		b, err := s.Bytes()
		if err != nil {
			t.Fatalf("case %d: %v", i, err)
		}
		back, err := ParseSummaryInfo(b)
		if err != nil {
			t.Fatalf("case %d: %v", i, err)
		}
		back.parsed, back.header, back.stored, back.orig = s.parsed, s.header, s.stored, s.orig
		if !reflect.DeepEqual(back, s) {
			t.Fatalf("case %d:\n got %+v\nwant %+v", i, back, s)
		}
	}
}

func TestPackageCode(t *testing.T) {
	s := &SummaryInfo{RevisionNumber: "{AAAAAAAA-AAAA-AAAA-AAAA-AAAAAAAAAAAA}{BBBBBBBB-BBBB-BBBB-BBBB-BBBBBBBBBBBB};{CCCCCCCC-CCCC-CCCC-CCCC-CCCCCCCCCCCC}"}
	if s.PackageCode() != "{AAAAAAAA-AAAA-AAAA-AAAA-AAAAAAAAAAAA}" {
		t.Errorf("package code %q", s.PackageCode())
	}
	if (&SummaryInfo{RevisionNumber: "not a guid"}).PackageCode() != "" {
		t.Error("package code from a non-GUID")
	}
}

func FuzzParseSummaryInfo(f *testing.F) {
	for _, s := range []*SummaryInfo{
		{Codepage: 1252, Title: "Installation Database", Template: "Intel;1033", PageCount: 200, WordCount: 2,
			Created: time.Date(2009, 12, 29, 21, 49, 26, 0, time.UTC)},
		{Codepage: 932, Title: "日本", RevisionNumber: "{AAAAAAAA-AAAA-AAAA-AAAA-AAAAAAAAAAAA}", CharCount: 0x210823},
	} {
		b, err := s.Bytes()
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte{0xFE, 0xFF})
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := ParseSummaryInfo(b)
		if err != nil {
			if !errors.Is(err, ErrFormat) {
				t.Fatalf("error %v does not wrap ErrFormat", err)
			}
			return
		}
		rows := s.idtRows()
		for i := 1; i < len(rows); i++ {
			if rows[i].PID <= rows[i-1].PID {
				t.Fatalf("rows out of order: %v", rows)
			}
		}
		out, err := s.Bytes()
		if err != nil {
			return // a kept non-standard value (a vector holding U+FFFD) may not encode
		}
		back, err := ParseSummaryInfo(out)
		if err != nil {
			t.Fatalf("cannot read our own output: %v", err)
		}
		if got := back.idtRows(); !reflect.DeepEqual(got, rows) {
			t.Fatalf("rows changed by a rewrite:\n got %v\nwant %v", got, rows)
		}
		if back.Title != s.Title || back.Codepage != s.Codepage || !back.Created.Equal(s.Created) || back.WordCount != s.WordCount {
			t.Fatalf("fields changed by a rewrite")
		}
	})
}

func ExampleParseSummaryInfo() {
	// A stream as Windows Installer writes it; here made with Bytes.
	b, _ := (&SummaryInfo{
		Codepage:       1252,
		Title:          "Installation Database",
		Template:       "x64;1033",
		RevisionNumber: "{6D3835FF-C8CE-43B6-B4D6-8F172B26A597}",
		Created:        time.Date(2009, 12, 29, 21, 49, 26, 500_000_000, time.UTC),
		PageCount:      500,
		WordCount:      2 | 8,
	}).Bytes()

	s, err := ParseSummaryInfo(b)
	if err != nil {
		panic(err)
	}
	fmt.Println(s.Title, s.Platforms(), s.Languages())
	fmt.Println("package code", s.RevisionNumber)
	fmt.Println("created", s.Created.Format(time.RFC3339Nano))
	fmt.Println("source:", s.WordCountFlags())
	for _, r := range s.idtRows() {
		fmt.Printf("%d\t%s\n", r.PID, r.Value)
	}
	// Output:
	// Installation Database [x64] [1033]
	// package code {6D3835FF-C8CE-43B6-B4D6-8F172B26A597}
	// created 2009-12-29T21:49:26.5Z
	// source: long names, compressed, elevated privileges not required
	// 1	1252
	// 2	Installation Database
	// 7	x64;1033
	// 9	{6D3835FF-C8CE-43B6-B4D6-8F172B26A597}
	// 12	2009/12/29 21:49:26
	// 14	500
	// 15	10
}

func ExampleSummaryInfo_Bytes() {
	s := &SummaryInfo{Codepage: 1252, Title: "Patch", Template: "{4508D19D-07FE-4722-88C7-27152965756B}"}
	s.SetWordCountFlags(WordCountFlags{AdminImage: true})
	s.Include(PIDAppName) // written although empty
	b, err := s.Bytes()
	if err != nil {
		panic(err)
	}
	back, _ := ParseSummaryInfo(b)
	fmt.Println(len(b), "bytes;", back.Title, back.Template, "admin image:", back.WordCountFlags().AdminImage)
	// Output:
	// 188 bytes; Patch {4508D19D-07FE-4722-88C7-27152965756B} admin image: true
}
