package manifest

import (
	"bytes"
	"errors"
	"os"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// FuzzParse checks that Parse never panics, that every error is an
// ErrorList of sentinel-wrapped errors, and that whatever it accepts
// Write writes and Parse reads back unchanged.
func FuzzParse(f *testing.F) {
	for _, name := range []string{"builtin/kb977203.yaml"} {
		b, _ := builtinFS.ReadFile(name)
		f.Add(b)
	}
	for _, name := range []string{"testdata/small.yaml", "testdata/bad.yaml"} {
		b, _ := os.ReadFile(name)
		f.Add(b)
	}
	f.Add([]byte(listForm))
	f.Add([]byte(mapForm))
	f.Add([]byte("name: x\nvariants:\n  A: &v {entries: [{name: a, size: 1}]}\n  B: *v\n"))
	f.Add([]byte(`{"name":"j","variants":[{"name":"V","entries":[{"name":"a","size":3,"timestamp":"2010-01-25 06:27:30-05:00"}]}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := Parse(bytes.NewReader(data))
		if err != nil {
			var list ErrorList
			if !errors.As(err, &list) || len(list) == 0 || len(list) > maxErrors+1 {
				t.Fatalf("error %v is not a bounded ErrorList", err)
			}
			if !errors.Is(err, ErrSyntax) && !errors.Is(err, ErrInvalid) && !errors.Is(err, ErrTooLarge) {
				t.Fatalf("error %v wraps no sentinel", err)
			}
			return
		}
		var out bytes.Buffer
		if err := Write(&out, m); err != nil {
			t.Fatalf("Write of a parsed manifest: %v", err)
		}
		back, err := Parse(bytes.NewReader(out.Bytes()))
		if err != nil {
			t.Fatalf("Write's output does not parse: %v\n%s", err, out.Bytes())
		}
		if diff := cmp.Diff(m, back); diff != "" {
			t.Fatalf("round trip (-first +second):\n%s", diff)
		}
	})
}

// FuzzImportKB checks that ImportKB never panics and that what it
// accepts is a manifest Write can write.
func FuzzImportKB(f *testing.F) {
	for _, name := range []string{"testdata/kb977203-tables.md", "testdata/kb977203-tables.tsv"} {
		b, _ := os.ReadFile(name)
		f.Add(b)
	}
	f.Add([]byte("## SP1\n| File name | Size |\n|---|---|\n| a\\|b | 1,000 |\n"))
	f.Add([]byte("x\ta.exe\t1.0.0.0\t1\t01-Dec-2008\t1:40\tIA-64\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := ImportKB(bytes.NewReader(data))
		if err != nil {
			if !errors.Is(err, ErrSyntax) && !errors.Is(err, ErrInvalid) && !errors.Is(err, ErrTooLarge) {
				t.Fatalf("error %v wraps no sentinel", err)
			}
			return
		}
		if m.Name == "" {
			m.Name = "fuzz"
		}
		var out bytes.Buffer
		if err := Write(&out, m); err != nil {
			t.Fatalf("Write of an imported manifest: %v", err)
		}
		back, err := Parse(bytes.NewReader(out.Bytes()))
		if err != nil {
			t.Fatalf("Write's output does not parse: %v\n%s", err, out.Bytes())
		}
		if diff := cmp.Diff(m, back); diff != "" {
			t.Fatalf("round trip (-import +parse):\n%s", diff)
		}
	})
}
