package manifest

import (
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func importFile(t *testing.T, path string) *Manifest {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	m, err := ImportKB(f)
	if err != nil {
		t.Fatalf("ImportKB(%s): %v", path, err)
	}
	return m
}

// The acceptance: importing the article's two tables gives the
// built-in manifest back, field for field.
func TestImportKBSeedEqualsBuiltin(t *testing.T) {
	got := importFile(t, seedPath(t, "KB977203.md"))
	if diff := cmp.Diff(mustBuiltin(t), got); diff != "" {
		t.Fatalf("ImportKB(KB977203.md) differs from Builtin (-builtin +import):\n%s", diff)
	}
}

func TestImportKBTestdataEqualsBuiltin(t *testing.T) {
	for _, name := range []string{"testdata/kb977203-tables.md", "testdata/kb977203-tables.tsv"} {
		t.Run(name, func(t *testing.T) {
			got := importFile(t, name)
			if diff := cmp.Diff(mustBuiltin(t), got); diff != "" {
				t.Fatalf("differs from Builtin (-builtin +import):\n%s", diff)
			}
		})
	}
}

// TestBuiltinFacts checks rows of the article directly, so that the
// built-in manifest and the importer cannot agree on a wrong reading.
func TestBuiltinFacts(t *testing.T) {
	m := mustBuiltin(t)
	if got := m.VariantNames(); !cmp.Equal(got, []string{"SP1", "SP2"}) {
		t.Fatalf("variants %v", got)
	}
	at := func(h, min int) time.Time { return time.Date(0, 1, 1, h, min, 0, 0, time.UTC) }
	for _, tc := range []struct {
		variant, name, platform, version string
		size                             int64
		y                                int
		mo                               time.Month
		d                                int
		clock                            time.Time
	}{
		{"SP1", "Ccmcertfix.exe", "x86", "4.0.6221.1193", 17768, 2008, 12, 1, at(1, 40)},
		{"SP1", "Ccmgencert.dll", "ia64", "4.0.6221.1193", 649576, 2008, 12, 1, at(1, 40)},
		{"SP1", "MP.MSI", NA, NA, 9515520, 2008, 12, 1, at(1, 40)},
		{"SP2", "Ccmsetup-sup.cab", NA, NA, 253016, 2009, 12, 10, at(3, 40)},
		{"SP2", "Ccmgencert.dll", "x64", "4.0.6487.2111", 285032, 2010, 1, 25, at(6, 29)},
		{"SP2", "Sccm2007ac-sp2-kb977203-x86.msp", NA, NA, 444928, 2010, 1, 25, at(6, 28)},
	} {
		v, err := m.Variant(tc.variant)
		if err != nil {
			t.Fatal(err)
		}
		es := v.Lookup(tc.name, tc.platform)
		if len(es) != 1 {
			t.Fatalf("%s %s %s: %d entries", tc.variant, tc.name, tc.platform, len(es))
		}
		e := es[0]
		want := time.Date(tc.y, tc.mo, tc.d, tc.clock.Hour(), tc.clock.Minute(), 0, 0, time.UTC)
		if e.Version != tc.version || e.Size != tc.size || !e.Modified.Equal(want) || e.Precision != time.Minute || e.Platform != tc.platform {
			t.Errorf("%s %s: got %+v", tc.variant, tc.name, *e)
		}
	}
	for _, v := range m.Variants {
		if len(v.Entries) != 13 {
			t.Errorf("%s has %d entries, the article 13", v.Name, len(v.Entries))
		}
		if n := len(v.Lookup("CCMGENCERT.DLL", "")); n != 3 {
			t.Errorf("%s: ccmgencert.dll on %d platforms, want 3", v.Name, n)
		}
	}
}

func TestImportKBHeadingsAndForms(t *testing.T) {
	in := "Some intro text.\n\n" +
		"## For all supported x64-based versions\n\n" +
		"| **File name** | File version | File size | Date | Time | Platform |\n" +
		"|:--|--:|--:|---|---|---|\n" +
		"| `a.dll` | 1.2.3.4 | 1 234 | 2-Jan-2010 | 6:07 | AMD64 |\n" +
		"| b.cab | Not applicable | 5 | 2010-01-03 | Not applicable | Not applicable |\n\n" +
		"## Service Pack 3 files\n\n" +
		"| File name | File size | Date |\n|---|---|---|\n| c.txt | 7 | 03-January-2011 |\n\n" +
		"| Unrelated | table |\n|---|---|\n| x | y |\n"
	m, err := ImportKB(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	want := &Manifest{Variants: []Variant{
		{Name: "For all supported x64-based versions", Entries: []Entry{
			{Name: "a.dll", Version: "1.2.3.4", Size: 1234, Modified: time.Date(2010, 1, 2, 6, 7, 0, 0, time.UTC), Precision: time.Minute, Platform: PlatformX64},
			{Name: "b.cab", Version: NA, Size: 5, Modified: time.Date(2010, 1, 3, 0, 0, 0, 0, time.UTC), Precision: Day, Platform: NA},
		}},
		{Name: "SP3", Description: "Service Pack 3 files", Entries: []Entry{
			{Name: "c.txt", Size: 7, Modified: time.Date(2011, 1, 3, 0, 0, 0, 0, time.UTC), Precision: Day},
		}},
	}}
	if diff := cmp.Diff(want, m); diff != "" {
		t.Fatalf("(-want +got):\n%s", diff)
	}
}

func TestImportKBErrors(t *testing.T) {
	for _, tc := range []struct {
		in   string
		kind error
		want string // the error text, with its line
	}{
		{"just text\n", ErrSyntax, "syntax error: no file table found"},
		{"### SP1\n| File name | File version | File size | Date | Time | Platform |\n|---|---|---|---|---|---|\n| a.exe | 1.2.3 | 1 | 01-Dec-2008 | 01:40 | x86 |\n",
			ErrInvalid, `4: invalid manifest: version "1.2.3" is not of the form a.b.c.d or n/a`},
		{"### SP1\n| File name | File version | File size | Date | Time | Platform |\n|---|---|---|---|---|---|\n| a.exe | 1.2.3.4 | 1 | 31-Feb-2008 | 01:40 | x86 |\n",
			ErrInvalid, `4: invalid manifest: date "31-Feb-2008" is not like 25-Jan-2010`},
		{"### SP1\n| File name | File version | File size | Date | Time | Platform |\n|---|---|---|---|---|---|\n| a.exe | 1.2.3.4 | 1.5 | 01-Dec-2008 | 01:40 | sparc |\n",
			ErrInvalid, "4: invalid manifest: size \"1.5\" is not a whole number of bytes\n4: invalid manifest: platform \"sparc\" is not"},
		{"### SP1\n| File name | File version | File size | Date | Time | Platform |\n|---|---|---|---|---|---|\n| a.exe | 1.2.3.4 | 1 | 01-Dec-2008 | 25:00 | x86 |\n| a.exe | 1.2.3.4 | 1 | 01-Dec-2008 | 01:00 | x86 |\n| A.EXE | 1.2.3.4 | 1 | 01-Dec-2008 | 01:00 | i386 |\n",
			ErrDuplicate, "4: invalid manifest: time \"25:00\" is not of the form HH:MM or HH:MM:SS (UTC)\n6: duplicate: variant \"SP1\": A.EXE (x86) is listed twice (first on line 5)"},
		{"### SP1\n| File name | File size |\n|---|---|\n| a.exe | 1 | extra |\n", ErrInvalid, "4: invalid manifest: row has 3 cells, the table 2 columns"},
	} {
		_, err := ImportKB(strings.NewReader(tc.in))
		if !errors.Is(err, tc.kind) {
			t.Errorf("%q: error %v, want %v", tc.in, err, tc.kind)
			continue
		}
		if !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("%q: error\n%s\nwant prefix\n%s", tc.in, err, tc.want)
		}
	}
}
