package manifest

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// The built-in file is in Write's canonical form, so the two can be
// compared byte for byte, and writing is deterministic.
func TestWriteBuiltinIsCanonical(t *testing.T) {
	want, err := builtinFS.ReadFile("builtin/kb977203.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 3; i++ {
		var b bytes.Buffer
		if err := Write(&b, mustBuiltin(t)); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(b.Bytes(), want) {
			t.Fatalf("Write(Builtin) is not the embedded file:\n%s", cmp.Diff(string(want), b.String()))
		}
	}
}

func richManifest() *Manifest {
	return &Manifest{Name: "rich: a \"quoted\" # name", Description: "line one\nline two", Source: "https://example.com/kb/1",
		Variants: []Variant{
			{Name: "SP1", Entries: []Entry{
				{Name: "a.exe", Path: "bin/x86/a.exe", Version: "1.2.3.4", Size: 7, Modified: time.Date(2009, 2, 3, 4, 5, 6, 0, time.UTC), Precision: time.Second, Platform: PlatformX86,
					SHA256: strings.Repeat("ab", 32), MD5: strings.Repeat("0f", 16)},
				{Name: "yes", Size: 0, Modified: time.Date(2009, 2, 3, 0, 0, 0, 0, time.UTC), Precision: Day, Version: NA, Platform: NA},
				{Name: "01:40", Size: 1 << 40},
			}},
			{Name: "2", Description: "numeric name", Entries: []Entry{{Name: "ä ö.txt", Size: 3, Modified: time.Date(2010, 1, 25, 6, 27, 0, 0, time.UTC), Precision: time.Minute}}},
		}}
}

func TestWriteRoundTrip(t *testing.T) {
	for name, m := range map[string]*Manifest{"builtin": mustBuiltin(t), "rich": richManifest()} {
		t.Run(name, func(t *testing.T) {
			var b bytes.Buffer
			if err := Write(&b, m); err != nil {
				t.Fatal(err)
			}
			back, err := Parse(bytes.NewReader(b.Bytes()))
			if err != nil {
				t.Fatalf("%v\n%s", err, b.String())
			}
			if diff := cmp.Diff(m, back); diff != "" {
				t.Fatalf("YAML round trip (-want +got):\n%s", diff)
			}
			js, err := json.Marshal(m)
			if err != nil {
				t.Fatal(err)
			}
			back, err = Parse(bytes.NewReader(js))
			if err != nil {
				t.Fatalf("%v\n%s", err, js)
			}
			if diff := cmp.Diff(m, back); diff != "" {
				t.Fatalf("JSON round trip (-want +got):\n%s", diff)
			}
		})
	}
}

func TestWriteRich(t *testing.T) {
	var b bytes.Buffer
	if err := Write(&b, richManifest()); err != nil {
		t.Fatal(err)
	}
	want := `name: 'rich: a "quoted" # name'
description: |-
  line one
  line two
source: https://example.com/kb/1
variants:
  SP1:
    entries:
      - name: a.exe
        path: bin/x86/a.exe
        version: 1.2.3.4
        size: 7
        date: "2009-02-03"
        time: "04:05:06"
        platform: x86
        sha256: abababababababababababababababababababababababababababababababab
        md5: 0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f
      - name: "yes"
        version: n/a
        size: 0
        date: "2009-02-03"
        platform: n/a
      - name: "01:40"
        size: 1099511627776
  "2":
    description: numeric name
    entries:
      - name: ä ö.txt
        size: 3
        date: "2010-01-25"
        time: "06:27"
`
	if b.String() != want {
		t.Fatalf("got\n%s", cmp.Diff(want, b.String()))
	}
}

func TestWriteRefusesInvalid(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(m *Manifest)
		want string
	}{
		{"no name", func(m *Manifest) { m.Name = "" }, "invalid manifest: manifest has no name"},
		{"not UTF-8", func(m *Manifest) { m.Variants[1].Description = "\xff" }, `invalid manifest: variant "2": name or description is not UTF-8`},
		{"name not UTF-8", func(m *Manifest) { m.Variants[0].Entries[2].Name = "a\xffb" }, `file name "a\xffb" is not UTF-8`},
		{"bad version", func(m *Manifest) { m.Variants[0].Entries[0].Version = "1.02.3.4" }, `invalid manifest: variant "SP1": entry a.exe (x86) at bin/x86/a.exe: version "1.02.3.4" is not in normal form "1.2.3.4"`},
		{"bad platform", func(m *Manifest) { m.Variants[0].Entries[0].Platform = "IA-64" }, `platform "IA-64" is not one of`},
		{"local time", func(m *Manifest) {
			m.Variants[0].Entries[0].Modified = m.Variants[0].Entries[0].Modified.In(time.FixedZone("X", 3600))
		}, "is not in UTC at its precision"},
		{"duplicate", func(m *Manifest) {
			m.Variants[1].Entries = append(m.Variants[1].Entries, m.Variants[1].Entries[0])
			m.Variants[1].Entries[1].Name = "Ä Ö.TXT"
		}, `duplicate: variant "2": entry Ä Ö.TXT given twice`},
	} {
		m := richManifest()
		tc.edit(m)
		var b bytes.Buffer
		err := Write(&b, m)
		if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tc.want) || b.Len() != 0 {
			t.Errorf("%s: error %v (wrote %d bytes), want %q", tc.name, err, b.Len(), tc.want)
		}
	}
}
