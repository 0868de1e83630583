package safepath

import (
	"container/list"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Sentinel errors of Dir.
var (
	// ErrSymlink reports a symbolic link where a directory of the path
	// should be: it is never followed, whatever it points to.
	ErrSymlink = errors.New("refusing to follow a symbolic link")
	// ErrExist reports a file that exists and may not be overwritten. It
	// matches fs.ErrExist too.
	ErrExist = fmt.Errorf("file exists (%w)", fs.ErrExist)
	// ErrNotDir reports a file that is not a directory where the path
	// needs one.
	ErrNotDir = errors.New("a file is in the way of a directory")
	// ErrIsDir reports a directory where a file is to be written.
	ErrIsDir = errors.New("is a directory")
)

// Dir is an output tree: every file written through it lands inside it,
// and no symbolic link inside it is ever followed.
//
// Each directory of the tree is opened once, when it is first needed
// (and made, if missing), and kept open: a file is created, written,
// dated and named through its directory's handle, so writing a file
// costs a few system calls whatever its depth, and a symbolic link put in
// place of a directory is refused rather than followed. On Linux the
// bytes go to an unnamed file (O_TMPFILE) that gets its name only when
// complete, so an interrupted or killed run leaves no temporary file;
// elsewhere they go to a hidden temporary name in the same directory
// (".NAME.<hex>.tmp"), renamed when complete. Either way no partial file
// ever has its final name, and a file that exists is never replaced
// unless asked: the check and the naming are one atomic operation
// (link(2), or renameat2 with RENAME_NOREPLACE), so two extractions into
// one directory cannot both claim a name.
//
// A Dir is safe for concurrent use. Dirs made by Sub share their parent's
// handles.
type Dir struct {
	t    *tree
	base *node
	path string // as given to OpenDir, joined with the Sub paths
}

// Stats counts what a tree did to its directories: how many times one
// was opened, and how many were made. Each directory is opened once
// unless more are needed at once than a tree keeps open.
type Stats struct {
	DirOpens int64
	Mkdirs   int64
}

// maxOpenDirs bounds the directory handles a tree keeps open; the least
// recently used beyond it are closed (and opened again if needed).
const maxOpenDirs = 256

// tree is the state Dirs of one output tree share: a trie of the
// directories seen, each with its open handle while it is cached.
type tree struct {
	mu     sync.Mutex
	root   *node
	lru    list.List // open nodes but the root, most recently used first
	stats  Stats
	max    int
	closed bool
}

// node is one directory of the tree, found from its parent by name, so
// that reaching a directory costs one map lookup per component: the
// total work is linear in the length of the paths written.
type node struct {
	parent   *node
	name     string
	children map[string]*node
	h        handle
	open     bool
	refs     int  // writes in progress in the directory: not closed then
	made     bool // by this tree: its children are most likely new
	elem     *list.Element
}

// OpenDir opens (creating it and its parents if needed) the output
// directory at dir. Symbolic links in dir itself are followed: it is the
// caller's choice of directory.
func OpenDir(dir string) (*Dir, error) {
	if err := os.MkdirAll(dir, 0o777); err != nil {
		return nil, err
	}
	return openDir(dir)
}

func openDir(dir string) (*Dir, error) {
	h, err := openRoot(dir)
	if err != nil {
		return nil, err
	}
	t := &tree{root: &node{h: h, open: true}, max: maxOpenDirs}
	return &Dir{t: t, base: t.root, path: dir}, nil
}

// Close releases the tree's handles. On a Dir made by Sub it does
// nothing: the tree is its root's.
func (d *Dir) Close() error {
	if d.base != d.t.root {
		return nil
	}
	t := d.t
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.closed {
		return nil
	}
	t.closed = true
	for e := t.lru.Front(); e != nil; e = e.Next() {
		n := e.Value.(*node)
		closeHandle(n.h)
		n.open = false
	}
	t.lru.Init()
	closeHandle(t.root.h)
	t.root.open = false
	return nil
}

// Path returns the directory's path: as given to OpenDir, joined with
// the paths given to Sub.
func (d *Dir) Path() string { return d.path }

// Join returns the file system path of rel, a path under d, for reading
// what was written; writing goes through d.
func (d *Dir) Join(rel string) string { return filepath.Join(d.path, filepath.FromSlash(rel)) }

// Stats returns the counts of the tree d belongs to.
func (d *Dir) Stats() Stats {
	d.t.mu.Lock()
	defer d.t.mu.Unlock()
	return d.t.stats
}

// Sub returns the directory rel under d (made if missing, refused if it
// is a symbolic link) as a Dir of its own that shares d's tree: what is
// written through it is held to the same rules, and cannot leave d.
func (d *Dir) Sub(rel string) (*Dir, error) {
	rel, err := checkRel(rel, "mkdir")
	if err != nil {
		return nil, err
	}
	n, err := d.t.acquire(d, d.base, rel)
	if err != nil {
		return nil, err
	}
	d.t.release(n)
	return &Dir{t: d.t, base: n, path: d.Join(rel)}, nil
}

// WriteOptions says how a file is created.
type WriteOptions struct {
	// ModTime, if not zero, is set as the file's access and modification
	// time.
	ModTime time.Time
	// Perm is the file's permission bits (before the umask); 0 means 0666.
	Perm fs.FileMode
	// Overwrite allows replacing an existing file.
	Overwrite bool
}

// File is a file being written by Dir.Create. Its bytes have no name (or
// a temporary one) until Commit.
type File struct {
	d    *Dir
	n    *node
	rel  string
	name string // in its directory
	o    WriteOptions
	f    pending
	size int64
	done bool
}

// Create starts writing the file rel under d, creating its parent
// directories. rel must be a path made by Clean or CleanSlash (anything
// else is refused with fs.ErrInvalid); control characters in it are
// written as '_', as Clean writes them. The file gets its name only at
// Commit.
func (d *Dir) Create(rel string, o WriteOptions) (*File, error) {
	rel, err := checkRel(rel, "create")
	if err != nil {
		return nil, err
	}
	dir, name := path.Split(rel)
	return d.create(strings.TrimSuffix(dir, "/"), name, rel, o)
}

// create starts writing the file name in dir, a checked path under d;
// rel is the path reported.
func (d *Dir) create(dir, name, rel string, o WriteOptions) (*File, error) {
	n, err := d.t.acquire(d, d.base, dir)
	if err != nil {
		return nil, err
	}
	perm := o.Perm.Perm()
	if perm == 0 {
		perm = 0o666
	}
	f, err := create(n.h, name, perm)
	if err != nil {
		d.t.release(n)
		return nil, d.pathErr("create", rel, err)
	}
	return &File{d: d, n: n, rel: rel, name: name, o: o, f: f}, nil
}

// Name returns the path the file is written to, under its Dir.
func (f *File) Name() string { return f.rel }

// Write writes to the file's bytes.
func (f *File) Write(b []byte) (int, error) {
	n, err := f.f.write(b)
	f.size += int64(n)
	if err != nil {
		err = f.d.pathErr("write", f.rel, err)
	}
	return n, err
}

// Commit sets the file's time and gives it its name: it fails with
// ErrExist if the name is taken and Overwrite was not asked, without
// touching what has the name.
func (f *File) Commit() error {
	if f.done {
		return fs.ErrClosed
	}
	f.done = true
	defer f.d.t.release(f.n)
	err := f.f.commit(f.n.h, f.name, f.o.ModTime, f.o.Overwrite)
	if err != nil {
		return f.d.pathErr("create", f.rel, err)
	}
	return nil
}

// Discard drops the file's bytes; the name is left as it was. It does
// nothing after Commit.
func (f *File) Discard() {
	if f.done {
		return
	}
	f.done = true
	f.f.discard()
	f.d.t.release(f.n)
}

// WriteFile writes the bytes of r to rel (see Create). A failure, of r or
// of the file system, leaves nothing under the final name. It returns
// the path written, the control characters of rel replaced, and the
// number of bytes written.
func (d *Dir) WriteFile(rel string, r io.Reader, o WriteOptions) (string, int64, error) {
	f, err := d.Create(rel, o)
	if err != nil {
		return sanitize(rel), 0, err
	}
	n, err := io.Copy(f, r)
	if err != nil {
		f.Discard()
		return f.rel, n, err
	}
	return f.rel, n, f.Commit()
}

// WriteFunc is WriteFile for content that write produces.
func (d *Dir) WriteFunc(rel string, o WriteOptions, write func(io.Writer) error) (string, error) {
	f, err := d.Create(rel, o)
	if err != nil {
		return sanitize(rel), err
	}
	if err := write(f); err != nil {
		f.Discard()
		return f.rel, err
	}
	return f.rel, f.Commit()
}

// checkRel refuses what Clean cannot have made and replaces control
// characters.
func checkRel(rel, op string) (string, error) {
	// On Windows a backslash kept in a name by CleanSlash would separate.
	if !fs.ValidPath(rel) || rel == "." || filepath.Separator != '/' && strings.ContainsRune(rel, filepath.Separator) {
		return rel, &fs.PathError{Op: op, Path: rel, Err: fs.ErrInvalid}
	}
	return sanitize(rel), nil
}

func (d *Dir) pathErr(op, rel string, err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return err
	}
	return &fs.PathError{Op: op, Path: rel, Err: err}
}

// acquire returns the node of dir (a checked path under base, "" for base
// itself) with its handle open, opening and making directories from the
// nearest open one down. The caller releases it.
func (t *tree) acquire(d *Dir, base *node, dir string) (*node, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.closed {
		return nil, fs.ErrClosed
	}
	n := base
	for rest := dir; rest != ""; {
		name := rest
		if i := strings.IndexByte(rest, '/'); i >= 0 {
			name, rest = rest[:i], rest[i+1:]
		} else {
			rest = ""
		}
		c := n.children[name]
		if c == nil {
			if n.children == nil {
				n.children = map[string]*node{}
			}
			c = &node{parent: n, name: name}
			n.children[name] = c
		}
		n = c
	}
	if !n.open {
		// Open from the nearest open ancestor down.
		var chain []*node
		for m := n; !m.open; m = m.parent {
			chain = append(chain, m)
		}
		for i := len(chain) - 1; i >= 0; i-- {
			m := chain[i]
			h, made, err := openChild(m.parent.h, m.name, m.parent.made, &t.stats)
			if err != nil {
				return nil, d.pathErr("mkdir", d.relOf(m), err)
			}
			m.h, m.open, m.made = h, true, made
			m.elem = t.lru.PushFront(m)
			// Keep the ancestors just opened while their children open.
		}
	}
	n.refs++
	if n.elem != nil {
		t.lru.MoveToFront(n.elem)
	}
	t.evict()
	return n, nil
}

func (t *tree) release(n *node) {
	t.mu.Lock()
	n.refs--
	t.evict()
	t.mu.Unlock()
}

// evict closes the least recently used handles beyond the limit, except
// those of directories being written in.
func (t *tree) evict() {
	for e := t.lru.Back(); e != nil && t.lru.Len() > t.max; {
		prev := e.Prev()
		if n := e.Value.(*node); n.refs == 0 {
			closeHandle(n.h)
			n.open = false
			t.lru.Remove(e)
			n.elem = nil
		}
		e = prev
	}
}

// relOf is n's path relative to d, for messages (from the tree's root
// when n is not under d).
func (d *Dir) relOf(n *node) string {
	var parts []string
	for m := n; m != d.base && m.parent != nil; m = m.parent {
		parts = append(parts, m.name)
	}
	for i, j := 0, len(parts)-1; i < j; i, j = i+1, j-1 {
		parts[i], parts[j] = parts[j], parts[i]
	}
	return strings.Join(parts, "/")
}

// tempFor names a temporary file for name: hidden, in the same directory
// (so that renaming it is atomic), and never a name an archive's file is
// given the same run, as the random part changes with each try.
func tempFor(name string) string {
	if len(name) > 200 {
		name = name[:200] // keep the temporary name within NAME_MAX
	}
	return "." + name + "." + strconv.FormatUint(rand.Uint64()&(1<<48-1), 16) + ".tmp"
}
