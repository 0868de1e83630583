package cab

import (
	"bytes"
	"github.com/msikit/msikit/internal/testutil"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// writeTree writes a deterministic mix of text-like and random files
// (some larger than a block, one empty) under dir and returns their
// relative paths.
func writeTree(t testing.TB, dir string) map[string][]byte {
	rng := rand.New(rand.NewSource(1))
	files := map[string][]byte{}
	words := strings.Fields("cabinet folder block deflate window installer package stream table row")
	for i := 0; i < 12; i++ {
		var b []byte
		switch i % 3 {
		case 0:
			var sb strings.Builder
			for sb.Len() < rng.Intn(90000) {
				sb.WriteString(words[rng.Intn(len(words))])
				sb.WriteByte(" \n"[rng.Intn(2)])
			}
			b = []byte(sb.String())
		case 1:
			b = make([]byte, rng.Intn(70000))
			rng.Read(b)
		case 2:
			b = bytes.Repeat([]byte{byte(i)}, i*1000)
		}
		name := filepath.Join("sub"+strconv.Itoa(i%2), "f"+strconv.Itoa(i)+".bin")
		if i == 0 {
			name, b = "empty.txt", nil
		}
		p := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		files[filepath.ToSlash(name)] = b
	}
	return files
}

// TestGcabRoundTrip reads MSZIP and stored cabinets made by gcab and
// compares with the source files, with `gcab -x` and with `7z l`.
func TestGcabRoundTrip(t *testing.T) {
	if _, err := exec.LookPath("gcab"); err != nil {
		testutil.Skip(t, "gcab not installed")
	}
	src := t.TempDir()
	files := writeTree(t, src)
	var names []string
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, mode := range []string{"-cz", "-c"} {
		cabPath := filepath.Join(t.TempDir(), "t.cab")
		cmd := exec.Command("gcab", append([]string{mode, cabPath}, names...)...)
		cmd.Dir = src
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("gcab %s: %v\n%s", mode, err, out)
		}
		rc, err := Open(cabPath)
		if err != nil {
			t.Fatal(err)
		}
		if len(rc.File) != len(files) {
			t.Fatalf("%s: %d files, want %d", mode, len(rc.File), len(files))
		}
		wantMethod := MethodMSZIP
		if mode == "-c" {
			wantMethod = MethodNone
		}
		if rc.Folders[0].Compression.Method() != wantMethod {
			t.Errorf("%s: compression %s", mode, rc.Folders[0].Compression)
		}
		got := map[string][]byte{}
		for _, f := range rc.File {
			got[strings.ReplaceAll(f.Name, "\\", "/")] = readFile(t, f)
		}
		for n, b := range files {
			if !bytes.Equal(got[n], b) {
				t.Errorf("%s: %s: %d bytes differ from the source (%d)", mode, n, len(got[n]), len(b))
			}
		}
		// gcab's own extraction agrees.
		xdir := t.TempDir()
		if out, err := exec.Command("gcab", "-x", "-C", xdir, cabPath).CombinedOutput(); err != nil {
			t.Fatalf("gcab -x: %v\n%s", err, out)
		}
		for n := range files {
			b, err := os.ReadFile(filepath.Join(xdir, n))
			if err != nil || !bytes.Equal(b, got[n]) {
				t.Errorf("%s: gcab -x gives a different %s (%v)", mode, n, err)
			}
		}
		// 7-Zip lists the same names and sizes.
		if _, err := exec.LookPath("7z"); err == nil {
			out, err := exec.Command("7z", "l", "-slt", cabPath).Output()
			if err != nil {
				t.Fatalf("7z l: %v", err)
			}
			sizes := map[string]string{}
			var path string
			for _, l := range strings.Split(string(out), "\n") {
				if v, ok := strings.CutPrefix(l, "Path = "); ok {
					path = strings.ReplaceAll(v, "\\", "/")
				}
				if v, ok := strings.CutPrefix(l, "Size = "); ok && path != "" {
					sizes[path] = v
				}
			}
			for _, f := range rc.File {
				n := strings.ReplaceAll(f.Name, "\\", "/")
				if sizes[n] != strconv.FormatInt(f.Size, 10) {
					t.Errorf("%s: 7z lists %s with size %q, we %d", mode, n, sizes[n], f.Size)
				}
			}
		}
		rc.Close()
	}
}
