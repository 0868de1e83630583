// Package patchtest builds, at test time, the packages and patches that
// tests of patches and of their verification need: small packages of text
// files, and patches whose changed files travel as PA19 deltas.
package patchtest

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/msikit/msikit/msi"
	"github.com/msikit/msikit/msi/build"
	"github.com/msikit/msikit/msi/patch"
)

// Package builds dir/p.msi, product Demo 1.0.0, from files (a path in the
// layout, such as "Demo/doc/guide.txt", to its content; base names must
// differ), and opens it until the test ends.
func Package(t testing.TB, dir string, files map[string]string) *msi.Package {
	t.Helper()
	return PackageVersion(t, dir, "1.0.0", files)
}

// PackageVersion is Package with another ProductVersion.
func PackageVersion(t testing.TB, dir, version string, files map[string]string) *msi.Package {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	paths := make([]string, 0, len(files))
	for p := range files {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	spec := "product:\n  name: Demo\n  version: " + version + "\n  manufacturer: msikit tests\n" +
		"  upgrade_code: \"{0D5C6B83-4F69-4A5E-8C3B-2E8F40E2A6B2}\"\nfiles:\n"
	for _, p := range paths {
		src := filepath.Base(p)
		if err := os.WriteFile(filepath.Join(dir, src), []byte(files[p]), 0o644); err != nil {
			t.Fatal(err)
		}
		spec += "  - {source: " + src + ", path: " + p + ", modified: 2010-01-25T06:27:00Z}\n"
	}
	s, err := build.Parse(strings.NewReader(spec))
	if err != nil {
		t.Fatal(err)
	}
	res, err := build.Build(s, dir)
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "p.msi")
	if err := build.Save(res, s, out); err != nil {
		t.Fatal(err)
	}
	p, err := msi.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	return p
}

// Delta makes the one member of b whose bytes are content travel as delta
// instead, as PCW makes a changed file a binary delta against the old one.
func Delta(t testing.TB, b *patch.Build, content string, delta []byte) {
	t.Helper()
	replaced := 0
	for i, m := range b.Members {
		r, err := m.Open()
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(r)
		r.Close()
		if err != nil {
			t.Fatal(err)
		}
		if string(got) == content {
			b.Members[i].Size = int64(len(delta))
			b.Members[i].Open = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(delta)), nil }
			replaced++
		}
	}
	if replaced != 1 {
		t.Fatalf("%d members of the patch hold %q, want 1", replaced, content)
	}
}
