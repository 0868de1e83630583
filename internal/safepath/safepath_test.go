package safepath

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/iotest"
	"time"
)

func TestClean(t *testing.T) {
	for in, want := range map[string]string{
		"a\\b\\c.txt":        "a/b/c.txt",
		"/absolute/path":     "absolute/path",
		"\\\\server\\share":  "server/share",
		"../../etc/passwd":   "xx/xx/etc/passwd",
		"a/../b":             "a/xx/b",
		"C:\\Windows\\x.dll": "Windows/x.dll",
		"c:relative":         "relative",
		"./a/./b":            "a/b",
		"":                   "x",
		"///":                "x",
		"a\x00b\x1fc":        "a_b_c",
		"..":                 "xx",
		"ok.txt":             "ok.txt",
	} {
		if got := Clean(in); got != want {
			t.Errorf("Clean(%q) = %q, want %q", in, got, want)
		}
		if !fs.ValidPath(Clean(in)) {
			t.Errorf("Clean(%q) is not a valid fs path", in)
		}
	}
}

func TestWriteFile(t *testing.T) {
	root := t.TempDir()
	out := filepath.Join(root, "out")
	d, err := OpenDir(out)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	mtime := time.Date(1997, 3, 12, 11, 13, 52, 0, time.Local)
	rel, n, err := d.WriteFile(Clean("..\\..\\evil\\x.txt"), strings.NewReader("data"), WriteOptions{ModTime: mtime})
	if err != nil || rel != "xx/xx/evil/x.txt" || n != 4 {
		t.Fatalf("WriteFile: %q %d %v", rel, n, err)
	}
	p := filepath.Join(out, "xx", "xx", "evil", "x.txt")
	b, err := os.ReadFile(p)
	if err != nil || string(b) != "data" {
		t.Fatalf("read back %q %v", b, err)
	}
	if fi, _ := os.Stat(p); !fi.ModTime().Equal(mtime) {
		t.Errorf("mtime %v, want %v", fi.ModTime(), mtime)
	}
	// No overwrite unless asked.
	if _, _, err := d.WriteFile(Clean("../../evil/x.txt"), strings.NewReader("new"), WriteOptions{}); !errors.Is(err, ErrExist) || !errors.Is(err, fs.ErrExist) {
		t.Errorf("second write: %v, want ErrExist", err)
	}
	if _, _, err := d.WriteFile(Clean("../../evil/x.txt"), strings.NewReader("new"), WriteOptions{Overwrite: true}); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(p); string(b) != "new" {
		t.Errorf("overwrite gave %q", b)
	}
}

// TestNoPartialFile: a reader that fails midway leaves neither the final
// name nor a temporary file.
func TestNoPartialFile(t *testing.T) {
	out := t.TempDir()
	d, err := OpenDir(out)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	bad := io.MultiReader(strings.NewReader("partial"), iotest.ErrReader(errors.New("boom")))
	if _, _, err := d.WriteFile(Clean("dir/f.bin"), bad, WriteOptions{}); err == nil || !strings.Contains(err.Error(), "boom") {
		t.Fatalf("got %v, want boom", err)
	}
	entries, _ := os.ReadDir(filepath.Join(out, "dir"))
	if len(entries) != 0 {
		t.Errorf("left %v behind", entries)
	}
}

// TestRefusesSymlinks: a symbolic link in the output tree is never
// followed, even one pointing inside.
func TestRefusesSymlinks(t *testing.T) {
	root := t.TempDir()
	outside := filepath.Join(root, "outside")
	os.Mkdir(outside, 0o755)
	out := filepath.Join(root, "out")
	os.Mkdir(out, 0o755)
	if err := os.Symlink(outside, filepath.Join(out, "link")); err != nil {
		t.Skip("symlinks unsupported:", err)
	}
	d, err := OpenDir(out)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if _, _, err := d.WriteFile(Clean("link\\x.txt"), strings.NewReader("x"), WriteOptions{}); !errors.Is(err, ErrSymlink) {
		t.Errorf("got %v, want ErrSymlink", err)
	}
	if entries, _ := os.ReadDir(outside); len(entries) != 0 {
		t.Errorf("wrote %v outside", entries)
	}
	// A link at the final name is replaced, not followed.
	target := filepath.Join(outside, "target")
	os.WriteFile(target, []byte("keep"), 0o644)
	os.Symlink(target, filepath.Join(out, "f"))
	if _, _, err := d.WriteFile("f", strings.NewReader("new"), WriteOptions{Overwrite: true}); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(target); string(b) != "keep" {
		t.Errorf("target changed to %q", b)
	}
}

func ExampleClean() {
	fmt.Println(Clean(`..\..\Windows\System32\evil.dll`))
	fmt.Println(Clean(`C:\Program Files\App\app.exe`))
	// Output:
	// xx/xx/Windows/System32/evil.dll
	// Program Files/App/app.exe
}

func TestCleanSlash(t *testing.T) {
	for in, want := range map[string]string{
		"\\absolute\\path\\reverse\\slashes":                        "absolute\\path\\reverse\\slashes",
		"\\absolute\\..\\..\\and\\relative\\path\\reverse\\slashes": "absolute\\xx\\xx\\and\\relative\\path\\reverse\\slashes",
		"\\\\\\":                            "x",
		"a/./b":                             "a/b",
		"/absolute/../../and/relative/path": "absolute/xx/xx/and/relative/path",
		"a\\b/c":                            "a\\b/c",
		"///":                               "x",
	} {
		if got := CleanSlash(in); got != want {
			t.Errorf("CleanSlash(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestWriteFileRefusesUncleanPaths(t *testing.T) {
	d, err := OpenDir(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	for _, rel := range []string{"../x", "/abs", "a/../b", "", ".", "a//b"} {
		if _, _, err := d.WriteFile(rel, strings.NewReader("x"), WriteOptions{}); !errors.Is(err, fs.ErrInvalid) {
			t.Errorf("WriteFile(%q): %v, want fs.ErrInvalid", rel, err)
		}
	}
}
