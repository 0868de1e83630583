package main

import (
	"bytes"
	"encoding/binary"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/msikit/msikit/cab"
	"github.com/msikit/msikit/internal/testutil"
)

// duplicatesCab writes a cabinet whose names repeat across folders (one
// file a folder): dup.txt in folders 0 and 2, sub\x.txt in folders 3
// and 4. With swap, the file list names folder 2's dup.txt before folder
// 0's, so that the list's order is not the folders'.
func duplicatesCab(t *testing.T, swap bool) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := cab.NewWriter(&buf, cab.FolderThreshold(1))
	mod := time.Date(2024, 1, 2, 3, 4, 6, 0, time.Local)
	for _, e := range [][2]string{
		{"dup.txt", "first copy, folder 0\n"},
		{"other.txt", "other\n"},
		{"dup.txt", "second copy, folder 2\n"},
		{`sub\x.txt`, "x, folder 3\n"},
		{`sub\x.txt`, "x, folder 4, the last\n"},
	} {
		fw, err := w.Create(e[0], mod)
		if err != nil {
			t.Fatal(err)
		}
		fw.Write([]byte(e[1]))
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	b := buf.Bytes()
	if swap {
		// CFFILE entries: 16 bytes, then the name and its NUL.
		off := int(binary.LittleEndian.Uint32(b[16:]))
		var ents [][2]int
		for range 3 {
			end := off + 16 + bytes.IndexByte(b[off+16:], 0) + 1
			ents = append(ents, [2]int{off, end})
			off = end
		}
		a, c := b[ents[0][0]:ents[0][1]], b[ents[2][0]:ents[2][1]]
		if len(a) != len(c) {
			t.Fatal("entries of different lengths")
		}
		ta := bytes.Clone(a)
		copy(a, c)
		copy(c, ta)
	}
	return b
}

// TestCabExtractDuplicates: a name stored several times is extracted from
// its last copy in the file list, every time, whatever the order in which
// the folders are decoded; as cabextract leaves it.
func TestCabExtractDuplicates(t *testing.T) {
	for _, tc := range []struct {
		name string
		swap bool
		dup  string
	}{
		{"in folder order", false, "second copy, folder 2\n"},
		{"list order not folder order", true, "first copy, folder 0\n"},
	} {
		cabPath := filepath.Join(t.TempDir(), "dup.cab")
		if err := os.WriteFile(cabPath, duplicatesCab(t, tc.swap), 0o644); err != nil {
			t.Fatal(err)
		}
		want := map[string]string{"dup.txt": tc.dup, "other.txt": "other\n", "sub/x.txt": "x, folder 4, the last\n"}
		for i := range 10 {
			out := t.TempDir()
			if _, stderr, code := runCLI("cab", "extract", "-q", "-o", out, cabPath); code != 0 {
				t.Fatalf("%s: exit %d: %s", tc.name, code, stderr)
			}
			for name, content := range want {
				got, err := os.ReadFile(filepath.Join(out, name))
				if err != nil || string(got) != content {
					t.Fatalf("%s, run %d: %s = %q (%v), want %q", tc.name, i, name, got, err, content)
				}
			}
		}
		t.Run("cabextract "+tc.name, func(t *testing.T) {
			if _, err := exec.LookPath("cabextract"); err != nil {
				testutil.Skip(t, "cabextract not installed")
			}
			theirs, ours := t.TempDir(), t.TempDir()
			if out, err := exec.Command("cabextract", "-q", "-d", theirs, cabPath).CombinedOutput(); err != nil {
				t.Fatalf("cabextract: %v\n%s", err, out)
			}
			if _, stderr, code := runCLI("cab", "extract", "-q", "-o", ours, cabPath); code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			a, b := tree(t, theirs), tree(t, ours)
			if len(a) != 3 || len(a) != len(b) {
				t.Errorf("%d files, cabextract %d", len(b), len(a))
			}
			for p, sum := range a {
				if b[p] != sum {
					t.Errorf("%s differs from cabextract's", p)
				}
			}
		})
	}
	// A file that was there before is kept without --overwrite, even
	// when the cabinet holds its name twice.
	cabPath := filepath.Join(t.TempDir(), "dup.cab")
	os.WriteFile(cabPath, duplicatesCab(t, false), 0o644)
	out := t.TempDir()
	os.WriteFile(filepath.Join(out, "dup.txt"), []byte("mine\n"), 0o644)
	if _, _, code := runCLI("cab", "extract", "-q", "-o", out, cabPath); code != 2 {
		t.Errorf("exit %d, want 2 for a file that exists", code)
	}
	if got, _ := os.ReadFile(filepath.Join(out, "dup.txt")); string(got) != "mine\n" {
		t.Errorf("dup.txt = %q, want it kept", got)
	}
}
