package main

import (
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/msikit/msikit/internal/burn"
)

func md5str(b []byte) string {
	s := md5.Sum(b)
	return hex.EncodeToString(s[:])
}

// createCab makes a cabinet with `msikit cab create` from the files,
// written in the folder dir, and returns its bytes. Their stored names
// are their paths, less the leading '/'.
func createCab(t *testing.T, dir string, files [][2]string) []byte {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if err := os.WriteFile(filepath.Join(dir, f[0]), []byte(f[1]), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out := dir + ".cab"
	if _, stderr, code := runCLI("cab", "create", "-q", "-o", out, dir); code != 0 {
		t.Fatalf("cab create: exit %d: %s", code, stderr)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestCabSearchTruncatedBundle builds a Burn bundle (a stub with a
// .wixburn section, then two cabinets as its containers) and cuts it
// exactly where the attached container starts and inside its data:
// test, extract and list report the cut, with the file, the offset and
// the bytes missing, and exit 1, while the whole cabinet still extracts.
func TestCabSearchTruncatedBundle(t *testing.T) {
	noise := make([]byte, 100000)
	rand.New(rand.NewSource(2)).Read(noise)
	// cab create stores a folder's files sorted, under their paths: the
	// small file comes first, in a block of its own.
	files1 := [][2]string{{"one.txt", strings.Repeat("first container\n", 40)}, {"two.txt", "second file\n"}}
	files2 := [][2]string{{"a-small.txt", "in the first block\n"}, {"b-big.bin", string(noise)}}
	src := t.TempDir()
	cab1, cab2 := createCab(t, filepath.Join(src, "c1"), files1), createCab(t, filepath.Join(src, "c2"), files2)
	stub := burn.BuildStub(burn.Section{ContainerSizes: []uint32{uint32(len(cab1)), uint32(len(cab2))}})
	bundle := append(append(append([]byte{}, stub...), cab1...), cab2...)
	off2 := len(stub) + len(cab1)
	stored := func(name string) string {
		return strings.TrimPrefix(filepath.ToSlash(filepath.Join(src, name)), "/")
	}
	want := map[string]string{}
	for _, f := range files1 {
		want[stored("c1/"+f[0])] = md5str([]byte(f[1]))
	}
	for _, f := range files2 {
		want[stored("c2/"+f[0])] = md5str([]byte(f[1]))
	}
	dir := t.TempDir()
	for _, c := range []struct {
		name    string
		cut     int
		report  string // "" for a whole bundle
		extract []string
	}{
		{"whole", len(bundle), "", []string{"c1/one.txt", "c1/two.txt", "c2/a-small.txt", "c2/b-big.bin"}},
		{"at-container", off2,
			fmt.Sprintf("Burn attached container 1 of 1 at offset %d is truncated: all %d bytes are missing", off2, len(cab2)),
			[]string{"c1/one.txt", "c1/two.txt"}},
		{"in-data", len(bundle) - 4000,
			fmt.Sprintf("cabinet (Burn attached container 1 of 1) at offset %d is truncated: 4000 of its %d bytes are missing", off2, len(cab2)),
			[]string{"c1/one.txt", "c1/two.txt", "c2/a-small.txt"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			exe := filepath.Join(dir, c.name+".exe")
			if err := os.WriteFile(exe, bundle[:c.cut], 0o644); err != nil {
				t.Fatal(err)
			}
			wantCode := 0
			if c.report != "" {
				wantCode = 1
			}
			// The report names the file as given, then what is cut.
			line := "msikit cab %s: " + exe + ": " + c.report + "\n"

			stdout, stderr, code := runCLI("cab", "test", "--search", exe)
			if code != wantCode || !strings.Contains(stdout, "/c1/one.txt  OK\n") || !strings.Contains(stdout, "/c1/two.txt  OK\n") {
				t.Errorf("test: exit %d\n%s%s", code, stdout, stderr)
			}
			if c.report != "" && (!strings.Contains(stderr, fmt.Sprintf(line, "test")) ||
				!strings.Contains(stderr, exe+": the file is truncated: a cabinet or container is cut short")) {
				t.Errorf("test: stderr %q\nwant %q", stderr, fmt.Sprintf(line, "test"))
			}
			if c.report == "" && stderr != "" {
				t.Errorf("test: stderr %q", stderr)
			}

			out := filepath.Join(dir, c.name+".out")
			_, stderr, code = runCLI("cab", "extract", "--search", "-q", "-o", out, exe)
			if code != wantCode || (c.report != "" && !strings.Contains(stderr, fmt.Sprintf(line, "extract"))) {
				t.Errorf("extract: exit %d, stderr %q", code, stderr)
			}
			got := tree(t, out)
			if len(got) != len(c.extract) {
				t.Errorf("extract wrote %v, want %v", got, c.extract)
			}
			for _, name := range c.extract {
				if name = stored(name); got[name] != want[name] {
					t.Errorf("extract: %s md5 %s, want %s", name, got[name], want[name])
				}
			}

			stdout, stderr, code = runCLI("cab", "list", "--search", exe)
			if code != wantCode || !strings.Contains(stdout, "/c1/one.txt\n") ||
				(c.report != "" && !strings.Contains(stderr, fmt.Sprintf(line, "list"))) {
				t.Errorf("list: exit %d\n%s%s", code, stdout, stderr)
			}
		})
	}

	// Cut inside the first container's header, nothing is left to read:
	// the report alone, exit 1.
	exe := filepath.Join(dir, "in-first.exe")
	if err := os.WriteFile(exe, bundle[:len(stub)+20], 0o644); err != nil {
		t.Fatal(err)
	}
	stdout, stderr, code := runCLI("cab", "test", "--search", exe)
	for _, s := range []string{
		fmt.Sprintf("%s: cabinet (Burn bootstrapper application container) at offset %d is truncated: %d of its %d bytes are missing\n", exe, len(stub), len(cab1)-20, len(cab1)),
		fmt.Sprintf("%s: Burn attached container 1 of 1 at offset %d is truncated: all %d bytes are missing\n", exe, off2, len(cab2)),
		exe + ": the file is truncated: 2 cabinets or containers are cut short\n",
	} {
		if !strings.Contains(stderr, s) {
			t.Errorf("cut in the first header: stderr %q\nwant %q", stderr, s)
		}
	}
	if code != 1 || stdout != "" {
		t.Errorf("cut in the first header: exit %d, stdout %q", code, stdout)
	}
}

// TestCabSearchTruncatedV3Bundle cuts a real WiX 3 bundle inside and at
// the start of its attached container, as a download cut short would.
func TestCabSearchTruncatedV3Bundle(t *testing.T) {
	full, err := os.ReadFile(corpusPath(t, "wix4/v3bundle.exe"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	whole := filepath.Join(dir, "whole")
	if _, stderr, code := runCLI("cab", "extract", "--search", "-q", "-o", whole, corpusPath(t, "wix4/v3bundle.exe")); code != 0 {
		t.Fatalf("whole bundle: exit %d: %s", code, stderr)
	}
	all := tree(t, whole)
	if len(all) != 10 {
		t.Fatalf("whole bundle: %d files", len(all))
	}
	for _, c := range []struct {
		cut    int
		report string
	}{
		{600000, "cabinet (Burn attached container 1 of 1) at offset 571971 is truncated: 48397 of its 76426 bytes are missing"},
		{571971, "Burn attached container 1 of 1 at offset 571971 is truncated: all 76426 bytes are missing"},
	} {
		exe := filepath.Join(dir, fmt.Sprintf("cut%d.exe", c.cut))
		if err := os.WriteFile(exe, full[:c.cut], 0o644); err != nil {
			t.Fatal(err)
		}
		stdout, stderr, code := runCLI("cab", "test", "--search", exe)
		if code != 1 || strings.Count(stdout, " OK\n") != 8 || !strings.Contains(stderr, exe+": "+c.report+"\n") {
			t.Errorf("%d: test: exit %d\n%s%s", c.cut, code, stdout, stderr)
		}
		out := filepath.Join(dir, fmt.Sprintf("out%d", c.cut))
		_, stderr, code = runCLI("cab", "extract", "--search", "-q", "-o", out, exe)
		if code != 1 || !strings.Contains(stderr, exe+": "+c.report+"\n") {
			t.Errorf("%d: extract: exit %d: %s", c.cut, code, stderr)
		}
		// The bootstrapper application's cabinet extracts whole.
		got := tree(t, out)
		if len(got) != 8 {
			t.Errorf("%d: extract wrote %d files: %v", c.cut, len(got), got)
		}
		for name, sum := range got {
			if all[name] != sum {
				t.Errorf("%d: %s differs from the whole bundle's", c.cut, name)
			}
		}
	}
}
