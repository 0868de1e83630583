package manifest

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

const listForm = `
name: demo
variants:
  - name: RTM
    description: first release
    entries:
      - name: App.EXE
        path: 'bin\x64\App.EXE'
        version: 01.2.3.0004
        size: 0
        timestamp: 2010-01-25T07:27:30+01:00
        platform: AMD64
        sha256: E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855
        md5: d41d8cd98f00b204e9800998ecf8427e
      - name: app.exe
        path: ./bin/IA64/app.exe
        size: 12
        date: 2010-01-25
        platform: Itanium
`

const mapForm = `
name: demo
variants:
  RTM:
    description: first release
    entries:
      - {name: App.EXE, path: bin/x64/App.EXE, version: 1.2.3.4, size: 0, date: "2010-01-25", time: "06:27:30", platform: x64,
         sha256: e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855, md5: d41d8cd98f00b204e9800998ecf8427e}
      - {name: app.exe, path: bin/IA64/app.exe, size: 12, date: 2010-01-25, platform: ia64}
`

func TestParseFormsAgree(t *testing.T) {
	want := &Manifest{Name: "demo", Variants: []Variant{{Name: "RTM", Description: "first release", Entries: []Entry{
		{Name: "App.EXE", Path: "bin/x64/App.EXE", Version: "1.2.3.4", Size: 0,
			Modified: time.Date(2010, 1, 25, 6, 27, 30, 0, time.UTC), Precision: time.Second, Platform: PlatformX64,
			SHA256: "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", MD5: "d41d8cd98f00b204e9800998ecf8427e"},
		{Name: "app.exe", Path: "bin/IA64/app.exe", Size: 12, Modified: time.Date(2010, 1, 25, 0, 0, 0, 0, time.UTC), Precision: Day, Platform: PlatformIA64},
	}}}}
	for name, in := range map[string]string{"list": listForm, "map": mapForm} {
		m, err := Parse(strings.NewReader(in))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if diff := cmp.Diff(want, m); diff != "" {
			t.Errorf("%s form (-want +got):\n%s", name, diff)
		}
	}
}

func TestParseErrors(t *testing.T) {
	head := "name: x\nvariants:\n  SP1:\n    entries:\n"
	for _, tc := range []struct {
		name, in string
		kind     error
		want     string // whole error text
	}{
		{"unknown top key", "name: x\nvariant: {}\n", ErrUnknownKey,
			"1:1: invalid manifest: manifest has no \"variants\"\n2:1: unknown key: \"variant\" in manifest (known keys: name, description, source, signed, variants)"},
		{"unknown entry key", head + "      - name: a\n        size: 1\n        verison: 1.2.3.4\n", ErrUnknownKey,
			"7:9: unknown key: \"verison\" in entry (known keys: name, path, version, size, date, time, timestamp, platform, sha256, md5)"},
		{"unknown variant key", head + "      - {name: a, size: 1}\n    notes: hi\n", ErrUnknownKey,
			"6:5: unknown key: \"notes\" in variant \"SP1\" (known keys: description, entries)"},
		{"bad version", head + "      - {name: a, size: 1, version: 4.0.6221}\n", ErrInvalid,
			"5:37: invalid manifest: version \"4.0.6221\" is not of the form a.b.c.d or n/a"},
		{"float version", head + "      - {name: a, size: 1, version: 4.0}\n", ErrInvalid,
			"5:37: invalid manifest: version must be a string, not a decimal number (quote it)"},
		{"version part too big", head + "      - {name: a, size: 1, version: 1.2.3.65536}\n", ErrInvalid,
			"5:37: invalid manifest: version \"1.2.3.65536\": part \"65536\" is not a number from 0 to 65535"},
		{"bad date", head + "      - {name: a, size: 1, date: 2010-02-30}\n", ErrInvalid,
			"5:34: invalid manifest: date \"2010-02-30\" is not of the form YYYY-MM-DD"},
		{"kb date", head + "      - {name: a, size: 1, date: 25-Jan-2010}\n", ErrInvalid,
			"5:34: invalid manifest: date \"25-Jan-2010\" is not of the form YYYY-MM-DD"},
		{"bad time", head + "      - {name: a, size: 1, date: 2010-01-25, time: \"6:27\"}\n", ErrInvalid,
			"5:52: invalid manifest: time \"6:27\" is not of the form HH:MM or HH:MM:SS (UTC)"},
		{"time without date", head + "      - {name: a, size: 1, time: \"06:27\"}\n", ErrInvalid,
			"5:34: invalid manifest: time without a date"},
		{"both timestamp and date", head + "      - {name: a, size: 1, date: 2010-01-25, timestamp: 2010-01-25T06:27Z}\n", ErrInvalid,
			"5:57: invalid manifest: give either timestamp or date and time, not both"},
		{"size string", head + "      - {name: a, size: \"17,768\"}\n", ErrInvalid,
			"5:25: invalid manifest: size must be a whole number of bytes, not \"17,768\""},
		{"size negative", head + "      - {name: a, size: -1}\n", ErrInvalid,
			"5:25: invalid manifest: size \"-1\" is not a whole number of bytes"},
		{"size missing", head + "      - {name: a}\n", ErrInvalid,
			"5:9: invalid manifest: entry has no \"size\""},
		{"bad platform", head + "      - {name: a, size: 1, platform: Intel64}\n", ErrInvalid,
			"5:38: invalid manifest: platform \"Intel64\" is not x86, x64, ia64, arm, arm64 or n/a"},
		{"bad sha256", head + "      - {name: a, size: 1, sha256: abc}\n", ErrInvalid,
			"5:36: invalid manifest: sha256 \"abc\" is not 64 hexadecimal digits"},
		{"name with path", head + "      - {name: bin/a, size: 1}\n", ErrInvalid,
			"5:16: invalid manifest: file name \"bin/a\" has a path separator (put the directories in path)"},
		{"path not ending in name", head + "      - {name: a, size: 1, path: bin/b}\n", ErrInvalid,
			"5:34: invalid manifest: path \"bin/b\" does not end in the entry's name \"a\""},
		{"path escapes", head + "      - {name: a, size: 1, path: ../a}\n", ErrInvalid,
			"5:34: invalid manifest: path \"../a\" has an empty, \".\", \"..\" or control-character element"},
		{"duplicate entry", head + "      - {name: A.dll, size: 1, platform: x86}\n      - {name: a.DLL, size: 2, platform: i386}\n      - {name: a.dll, size: 2, platform: x64}\n", ErrDuplicate,
			"6:9: duplicate: variant \"SP1\": entry a.DLL (x86) given twice (first on line 5); entries of the same name need different platforms or paths"},
		{"duplicate variant", "name: x\nvariants:\n  - name: SP1\n    entries: [{name: a, size: 1}]\n  - name: sp1\n    entries: [{name: a, size: 1}]\n", ErrDuplicate,
			"5:5: duplicate: variant \"sp1\" given twice (first on line 3)"},
		{"duplicate key", "name: x\nname: y\nvariants: {A: {entries: [{name: a, size: 1}]}}\n", ErrDuplicate,
			"2:1: duplicate: key \"name\" given twice in manifest (first on line 1)"},
		{"alias", "name: x\nvariants:\n  A: &v {entries: [{name: a, size: 1}]}\n  B: *v\n", ErrInvalid,
			"4:6: invalid manifest: variant \"B\": YAML aliases are not allowed in manifests"},
		{"empty entries", head + "      []\n", ErrInvalid, "5:7: invalid manifest: variant \"SP1\" has no entries"},
		{"not a mapping", "- a\n- b\n", ErrInvalid, "1:1: invalid manifest: manifest must be a mapping of keys to values, not a list"},
		{"syntax", "name: x\nvariants: [\n", ErrSyntax, "2: syntax error: did not find expected node content"},
		{"tab indent", "name: x\n\tvariants: {}\n", ErrSyntax, "2: syntax error: found a tab character that violates indentation"},
		{"two documents", "name: x\n---\nname: y\n", ErrSyntax, "2: syntax error: a manifest is one YAML document; a second one starts here"},
		{"empty", "# nothing\n", ErrInvalid, "invalid manifest: empty manifest"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, err := Parse(strings.NewReader(tc.in))
			if err == nil {
				t.Fatalf("no error; got %+v", m)
			}
			if !errors.Is(err, tc.kind) || !errors.Is(err, ErrInvalid) && tc.kind != ErrSyntax {
				t.Errorf("error %v is not %v", err, tc.kind)
			}
			if err.Error() != tc.want {
				t.Errorf("error\n%s\nwant\n%s", err, tc.want)
			}
			var list ErrorList
			if !errors.As(err, &list) || list[0].Line == 0 && tc.name != "empty" {
				t.Errorf("error %#v is not an ErrorList with a line", err)
			}
		})
	}
}

// One run reports every problem, in line order, with the file name.
func TestParseFileReportsAllErrors(t *testing.T) {
	m, err := ParseFile("testdata/bad.yaml")
	if m != nil || err == nil {
		t.Fatal("bad.yaml parsed")
	}
	want := strings.Join([]string{
		"testdata/bad.yaml:7:9: unknown key: \"sizes\" in entry (known keys: name, path, version, size, date, time, timestamp, platform, sha256, md5)",
		"testdata/bad.yaml:9:18: invalid manifest: version \"4.0.6221.x\": part \"x\" is not a number from 0 to 65535",
		"testdata/bad.yaml:11:15: invalid manifest: date \"2008-13-01\" is not of the form YYYY-MM-DD",
		"testdata/bad.yaml:13:9: duplicate: variant \"SP1\": entry ccmcertfix.exe (x86) given twice (first on line 5); entries of the same name need different platforms or paths",
	}, "\n")
	if err.Error() != want {
		t.Fatalf("got\n%s\nwant\n%s", err, want)
	}
	var list ErrorList
	if !errors.As(err, &list) || len(list) != 4 || list[2].Line != 11 || list[2].Column != 15 {
		t.Fatalf("list %#v", list)
	}
}

func TestParseTooLarge(t *testing.T) {
	big := "name: x\n#" + strings.Repeat("x", MaxInputSize) + "\n"
	_, err := Parse(strings.NewReader(big))
	if !errors.Is(err, ErrTooLarge) {
		t.Fatalf("error %v, want ErrTooLarge", err)
	}
}

func TestLoad(t *testing.T) {
	m, err := Load("KB977203")
	if err != nil || m.Name != "KB977203" {
		t.Fatalf("Load builtin: %v %v", m, err)
	}
	m, err = Load("testdata/small.yaml")
	if err != nil || m.Name != "small" || len(m.Variants[0].Entries) != 2 {
		t.Fatalf("Load file: %+v %v", m, err)
	}
	if _, err := Load("kb0"); !errors.Is(err, ErrNoManifest) {
		t.Fatalf("Load(kb0): %v", err)
	}
	if _, err := m.Variant("SP9"); !errors.Is(err, ErrNoVariant) || err.Error() != `no such variant: "SP9" in manifest small (it has RTM)` {
		t.Fatalf("Variant(SP9): %v", err)
	}
}

// TestParseSigned: signed: true requires signed packages; it survives
// Write and JSON, and only a boolean is taken.
func TestParseSigned(t *testing.T) {
	const doc = "name: S\nsigned: true\nvariants:\n  A:\n    entries:\n      - name: a.txt\n        size: 1\n"
	m, err := Parse(strings.NewReader(doc))
	if err != nil || !m.Signed {
		t.Fatalf("signed %v, %v", m != nil && m.Signed, err)
	}
	var b strings.Builder
	if err := Write(&b, m); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "\nsigned: true\n") {
		t.Errorf("written:\n%s", b.String())
	}
	if again, err := Parse(strings.NewReader(b.String())); err != nil || !again.Signed {
		t.Errorf("read back: %v", err)
	}
	j, err := json.Marshal(m)
	if err != nil || !strings.Contains(string(j), `"signed":true`) {
		t.Errorf("JSON %s, %v", j, err)
	}
	if _, err := Parse(strings.NewReader(strings.Replace(doc, "true", `"yes"`, 1))); err == nil || !strings.Contains(err.Error(), "signed must be true or false") {
		t.Errorf("a string: %v", err)
	}
}
