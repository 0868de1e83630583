package safepath

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

// listAll returns every entry under dir, directories with a trailing '/'.
func listAll(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || p == dir {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		if d.IsDir() {
			rel += "/"
		}
		out = append(out, filepath.ToSlash(rel))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestSymlinkAnywhere: a symbolic link planted at any directory of a path,
// at a Sub's own directory, or above it, is refused and nothing lands
// where it points.
func TestSymlinkAnywhere(t *testing.T) {
	root := t.TempDir()
	elsewhere := filepath.Join(root, "elsewhere")
	out := filepath.Join(root, "out")
	for _, link := range []string{"a", "a/b", "a/b/c", "n.extracted", "a/n.extracted"} {
		os.RemoveAll(out)
		os.RemoveAll(elsewhere)
		os.MkdirAll(elsewhere, 0o755)
		lp := filepath.Join(out, filepath.FromSlash(link))
		os.MkdirAll(filepath.Dir(lp), 0o755)
		if err := os.Symlink(elsewhere, lp); err != nil {
			t.Skip("symlinks unsupported:", err)
		}
		d, err := OpenDir(out)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range []string{"a/b/c/f.txt", "n.extracted/x/f.txt", "a/n.extracted/f.txt"} {
			if !strings.HasPrefix(p, link+"/") {
				continue
			}
			_, _, err := d.WriteFile(p, strings.NewReader("x"), WriteOptions{})
			if !errors.Is(err, ErrSymlink) {
				t.Errorf("link %s: WriteFile(%s): %v, want ErrSymlink", link, p, err)
			}
		}
		if strings.HasSuffix(link, ".extracted") {
			if _, err := d.Sub(link); !errors.Is(err, ErrSymlink) {
				t.Errorf("Sub(%s): %v, want ErrSymlink", link, err)
			}
		}
		// A Sub above the link is held to the same rule.
		if sub, err := d.Sub("a"); err == nil {
			rest := strings.TrimPrefix(link, "a/")
			if rest != link {
				if _, _, err := sub.WriteFile(rest+"/g.txt", strings.NewReader("y"), WriteOptions{}); !errors.Is(err, ErrSymlink) {
					t.Errorf("link %s: sub a: %v, want ErrSymlink", link, err)
				}
			}
		}
		d.Close()
		if got := listAll(t, elsewhere); len(got) != 0 {
			t.Errorf("link %s: wrote %v outside", link, got)
		}
	}
}

// TestSubWritesInside: what a Sub writes is under its directory of the
// parent, with the parent's rules, and reported relative to the Sub.
func TestSubWritesInside(t *testing.T) {
	out := t.TempDir()
	d, err := OpenDir(out)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if _, _, err := d.WriteFile("p/x.cab", strings.NewReader("outer"), WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	sub, err := d.Sub("p/x.cab.extracted")
	if err != nil {
		t.Fatal(err)
	}
	rel, n, err := sub.WriteFile("in/y.txt", strings.NewReader("inner"), WriteOptions{})
	if err != nil || rel != "in/y.txt" || n != 5 {
		t.Fatalf("%q %d %v", rel, n, err)
	}
	if sub.Path() != filepath.Join(out, "p", "x.cab.extracted") {
		t.Errorf("Path %q", sub.Path())
	}
	b, err := os.ReadFile(sub.Join("in/y.txt"))
	if err != nil || string(b) != "inner" {
		t.Errorf("read back %q %v", b, err)
	}
	if _, _, err := sub.WriteFile("in/y.txt", strings.NewReader("again"), WriteOptions{}); !errors.Is(err, ErrExist) {
		t.Errorf("second write %v, want ErrExist", err)
	}
	want := []string{"p/", "p/x.cab", "p/x.cab.extracted/", "p/x.cab.extracted/in/", "p/x.cab.extracted/in/y.txt"}
	if got := listAll(t, out); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("tree %v, want %v", got, want)
	}
}

// TestControlCharacters: control characters in any path given to a Dir
// are written as '_', the rule Clean applies to cabinet names.
func TestControlCharacters(t *testing.T) {
	out := t.TempDir()
	d, err := OpenDir(out)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	rel, _, err := d.WriteFile("dir\x01/a\x01\x02\r\nb.txt", strings.NewReader("ctl"), WriteOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if want := Clean("dir\x01\\a\x01\x02\r\nb.txt"); rel != want || rel != "dir_/a____b.txt" {
		t.Errorf("wrote %q, want %q as Clean gives", rel, want)
	}
	if got := listAll(t, out); fmt.Sprint(got) != "[dir_/ dir_/a____b.txt]" {
		t.Errorf("tree %q", got)
	}
}

// TestConcurrentNoReplace: two writers (two trees, as two processes) race
// for the same 3,000 names; each name is claimed by exactly one, whose
// bytes it holds, and the other is told it exists.
func TestConcurrentNoReplace(t *testing.T) {
	forEachMode(t, func(t *testing.T) {
		out := t.TempDir()
		const n = 3000
		var claimed [2]map[string]bool
		var wg sync.WaitGroup
		for w := range 2 {
			claimed[w] = map[string]bool{}
			d, err := OpenDir(out)
			if err != nil {
				t.Fatal(err)
			}
			defer d.Close()
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range n {
					name := fmt.Sprintf("d%d/f%04d.txt", i%7, i)
					_, _, err := d.WriteFile(name, strings.NewReader(fmt.Sprintf("writer %d", w)), WriteOptions{})
					switch {
					case err == nil:
						claimed[w][name] = true
					case !errors.Is(err, ErrExist):
						t.Errorf("writer %d: %s: %v", w, name, err)
					}
				}
			}()
		}
		wg.Wait()
		for i := range n {
			name := fmt.Sprintf("d%d/f%04d.txt", i%7, i)
			a, b := claimed[0][name], claimed[1][name]
			if a == b {
				t.Fatalf("%s claimed by both or neither (%v %v)", name, a, b)
			}
			got, err := os.ReadFile(filepath.Join(out, name))
			w := 0
			if b {
				w = 1
			}
			if err != nil || string(got) != fmt.Sprintf("writer %d", w) {
				t.Fatalf("%s holds %q (%v), claimed by writer %d", name, got, err, w)
			}
		}
		if len(claimed[0])+len(claimed[1]) != n {
			t.Errorf("claimed %d+%d of %d", len(claimed[0]), len(claimed[1]), n)
		}
		if got := listAll(t, out); len(got) != n+7 {
			t.Errorf("%d entries, want %d files and 7 directories (temporary files left?)", len(got), n)
		}
	})
}

// TestOverwrite: Overwrite replaces a file (and a symbolic link, which is
// not followed), never a directory.
func TestOverwrite(t *testing.T) {
	forEachMode(t, func(t *testing.T) {
		root := t.TempDir()
		out := filepath.Join(root, "out")
		d, err := OpenDir(out)
		if err != nil {
			t.Fatal(err)
		}
		defer d.Close()
		mtime := time.Date(2010, 1, 25, 6, 27, 0, 0, time.UTC)
		for _, s := range []string{"one", "two"} {
			if _, _, err := d.WriteFile("a/f", strings.NewReader(s), WriteOptions{Overwrite: true, ModTime: mtime}); err != nil {
				t.Fatal(err)
			}
		}
		fi, err := os.Stat(filepath.Join(out, "a", "f"))
		if err != nil || !fi.ModTime().Equal(mtime) {
			t.Errorf("mtime %v %v", fi, err)
		}
		if b, _ := os.ReadFile(filepath.Join(out, "a", "f")); string(b) != "two" {
			t.Errorf("got %q", b)
		}
		os.Mkdir(filepath.Join(out, "a", "dir"), 0o755)
		for _, ow := range []bool{false, true} {
			if _, _, err := d.WriteFile("a/dir", strings.NewReader("x"), WriteOptions{Overwrite: ow}); !errors.Is(err, ErrIsDir) {
				t.Errorf("over a directory (overwrite %v): %v, want ErrIsDir", ow, err)
			}
		}
		target := filepath.Join(root, "target")
		os.WriteFile(target, []byte("keep"), 0o644)
		if err := os.Symlink(target, filepath.Join(out, "a", "link")); err != nil {
			t.Skip(err)
		}
		if _, _, err := d.WriteFile("a/link", strings.NewReader("x"), WriteOptions{}); !errors.Is(err, ErrExist) {
			t.Errorf("over a link: %v, want ErrExist", err)
		}
		if _, _, err := d.WriteFile("a/link", strings.NewReader("new"), WriteOptions{Overwrite: true}); err != nil {
			t.Fatal(err)
		}
		if b, _ := os.ReadFile(target); string(b) != "keep" {
			t.Errorf("link target changed to %q", b)
		}
		if fi, err := os.Lstat(filepath.Join(out, "a", "link")); err != nil || !fi.Mode().IsRegular() {
			t.Errorf("the link was not replaced by the file: %v %v", fi, err)
		}
		if got := listAll(t, out); fmt.Sprint(got) != "[a/ a/dir/ a/f a/link]" {
			t.Errorf("tree %v", got)
		}
	})
}

// TestDirOpensLinear: writing a file at every level of a 3,000-deep chain
// opens each directory once and makes each once, where checking every
// prefix of every path took 4.5 million lookups; in reverse order, the
// handles closed beyond the cache's bound are opened again from the
// nearest open parent, which stays within a small factor.
func TestDirOpensLinear(t *testing.T) {
	const depth = 3000
	out := t.TempDir()
	d, err := OpenDir(out)
	if err != nil {
		t.Fatal(err)
	}
	paths := deepPaths(depth)
	for i, p := range paths {
		if _, _, err := d.WriteFile(p, strings.NewReader(fmt.Sprint(i)), WriteOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	if s := d.Stats(); s.DirOpens != depth || s.Mkdirs != depth {
		t.Errorf("%+v, want %d opens and %d mkdirs", s, depth, depth)
	}
	d.Close()
	// The deepest path is longer than PATH_MAX: read it through a Root.
	r, err := os.OpenRoot(out)
	if err != nil {
		t.Fatal(err)
	}
	b, err := r.ReadFile(paths[depth-1])
	r.Close()
	if err != nil || string(b) != fmt.Sprint(depth-1) {
		t.Fatalf("deepest file: %q %v", b, errors.Unwrap(err))
	}
	// Deepest first, into the same tree (every name exists now).
	d, err = OpenDir(out)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	for i := depth - 1; i >= 0; i-- {
		if _, _, err := d.WriteFile(paths[i], strings.NewReader("x"), WriteOptions{}); !errors.Is(err, ErrExist) {
			t.Fatalf("%d: %v, want ErrExist", i, err)
		}
	}
	if s := d.Stats(); s.Mkdirs != 0 || s.DirOpens > 20*depth {
		t.Errorf("reverse order: %+v, want no mkdir and at most %d opens", s, 20*depth)
	}
}

func deepPaths(depth int) []string {
	var paths []string
	var dir strings.Builder
	for i := range depth {
		if i > 0 {
			dir.WriteByte('/')
		}
		dir.WriteString("d")
		paths = append(paths, dir.String()+"/f.txt")
	}
	return paths
}

// BenchmarkDeepChain writes a file at every level of a 3,000-deep chain
// of directories.
func BenchmarkDeepChain(b *testing.B) {
	paths := deepPaths(3000)
	for b.Loop() {
		b.StopTimer()
		out := b.TempDir()
		d, err := OpenDir(out)
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		for _, p := range paths {
			if _, _, err := d.WriteFile(p, strings.NewReader("x"), WriteOptions{}); err != nil {
				b.Fatal(err)
			}
		}
		d.Close()
	}
}

// BenchmarkSmallFiles writes 1,000 small files in 20 directories.
func BenchmarkSmallFiles(b *testing.B) {
	data := bytes.Repeat([]byte("x"), 1000)
	mtime := time.Date(2010, 1, 25, 6, 27, 0, 0, time.UTC)
	for b.Loop() {
		b.StopTimer()
		out := b.TempDir()
		d, err := OpenDir(out)
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		for i := range 1000 {
			if _, _, err := d.WriteFile(fmt.Sprintf("src/d%02d/f%04d.go", i%20, i), bytes.NewReader(data), WriteOptions{ModTime: mtime}); err != nil {
				b.Fatal(err)
			}
		}
		d.Close()
	}
}

// TestFewHandles: with fewer handles kept than directories, every file
// still lands where it should and no handle is left open.
func TestFewHandles(t *testing.T) {
	before := openFDs()
	out := t.TempDir()
	d, err := OpenDir(out)
	if err != nil {
		t.Fatal(err)
	}
	d.t.max = 3
	want := map[string]string{}
	for i := range 200 {
		p := fmt.Sprintf("a%d/b%d/c%d/f%d", i%5, i%7, i%3, i)
		want[p] = fmt.Sprint(i)
		if _, _, err := d.WriteFile(p, strings.NewReader(fmt.Sprint(i)), WriteOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	if n := d.t.lru.Len(); n > 3 {
		t.Errorf("%d handles kept, limit 3", n)
	}
	d.Close()
	for p, s := range want {
		if b, err := os.ReadFile(filepath.Join(out, p)); err != nil || string(b) != s {
			t.Fatalf("%s: %q %v", p, b, err)
		}
	}
	if after := openFDs(); before >= 0 && after != before {
		t.Errorf("%d descriptors open before, %d after", before, after)
	}
}

func openFDs() int {
	if runtime.GOOS != "linux" {
		return -1
	}
	e, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		return -1
	}
	return len(e)
}

// TestAbort: Abort removes the temporary names of files being written,
// and no file is committed or started after it.
func TestAbort(t *testing.T) {
	forEachMode(t, func(t *testing.T) {
		defer resetAbort()
		out := t.TempDir()
		d, err := OpenDir(out)
		if err != nil {
			t.Fatal(err)
		}
		defer d.Close()
		f, err := d.Create("big/file.bin", WriteOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.Write(bytes.Repeat([]byte("x"), 1<<20)); err != nil {
			t.Fatal(err)
		}
		var hooked bool
		OnAbort(func() { hooked = true })
		cancelled := false
		cancel := OnAbort(func() { cancelled = true })
		cancel()
		Abort()
		if !hooked || cancelled {
			t.Errorf("hooks: ran %v, cancelled one ran %v", hooked, cancelled)
		}
		if got := listAll(t, out); fmt.Sprint(got) != "[big/]" {
			t.Errorf("after Abort: %v", got)
		}
		if err := f.Commit(); !errors.Is(err, ErrAborted) {
			t.Errorf("Commit after Abort: %v", err)
		}
		if _, _, err := d.WriteFile("late.txt", strings.NewReader("x"), WriteOptions{}); !errors.Is(err, ErrAborted) {
			t.Errorf("WriteFile after Abort: %v", err)
		}
		if got := listAll(t, out); fmt.Sprint(got) != "[big/]" {
			t.Errorf("in the end: %v", got)
		}
	})
}

// TestTempFile: a spool file has no name in its directory, and reads back.
func TestTempFile(t *testing.T) {
	dir := t.TempDir()
	f, err := TempFile(dir, "msikit-cab-*")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString("spooled"); err != nil {
		t.Fatal(err)
	}
	if unlinkOpenFiles {
		if got := listAll(t, dir); len(got) != 0 {
			t.Errorf("spool file visible: %v", got)
		}
	}
	b := make([]byte, 7)
	if _, err := f.ReadAt(b, 0); err != nil || string(b) != "spooled" {
		t.Errorf("read back %q %v", b, err)
	}
	if err := CloseTemp(f); err != nil {
		t.Error(err)
	}
	if got := listAll(t, dir); len(got) != 0 {
		t.Errorf("left %v", got)
	}
}

var _ io.Writer = (*File)(nil)
