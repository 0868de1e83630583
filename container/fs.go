package container

import (
	"io"
	"io/fs"
	"path"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/msikit/msikit/internal/fsdir"
)

// A Container is an fs.FS of its members, so that fs.WalkDir and
// fs.ReadFile work on it; a nested package finds its external cabinets
// among its container's members this way. Opening a member spools it (in
// memory when small, otherwise to an unnamed temporary file), so the
// fs.File it returns is also an io.ReaderAt and an io.Seeker. A member
// whose name is not a valid fs path, or is shadowed by a directory of
// the same name, is not in the file system (it is still in Members).
var _ fs.ReadDirFS = (*Container)(nil)

type fsTree struct {
	once  sync.Once
	dirs  map[string][]fs.DirEntry // directory path to its sorted entries
	files map[string]*Member
}

func (c *Container) tree() *fsTree {
	t := &c.fs
	t.once.Do(func() {
		t.dirs = map[string][]fs.DirEntry{".": nil}
		t.files = map[string]*Member{}
		for _, m := range c.Members {
			if !fs.ValidPath(m.Name) || m.Name == "." {
				continue
			}
			t.files[m.Name] = m
		}
		for name := range t.files {
			for d := path.Dir(name); ; d = path.Dir(d) {
				if _, ok := t.dirs[d]; ok && d != "." {
					break
				}
				if _, ok := t.dirs[d]; !ok {
					t.dirs[d] = nil
				}
				if d == "." {
					break
				}
			}
		}
		for name := range t.dirs {
			delete(t.files, name) // a directory wins over a file of its name
		}
		add := func(name string, e fs.DirEntry) { t.dirs[path.Dir(name)] = append(t.dirs[path.Dir(name)], e) }
		for name, m := range t.files {
			add(name, fs.FileInfoToDirEntry(memberInfo{m}))
		}
		for name := range t.dirs {
			if name != "." {
				add(name, fs.FileInfoToDirEntry(dirInfo(name)))
			}
		}
		for _, es := range t.dirs {
			sort.Slice(es, func(i, j int) bool { return es[i].Name() < es[j].Name() })
		}
	})
	return t
}

// Open opens a member (spooled: see above) or a directory.
func (c *Container) Open(name string) (fs.File, error) {
	t := c.tree()
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrInvalid}
	}
	if es, ok := t.dirs[name]; ok {
		return fsdir.Open(name, dirInfo(name), func() []fs.DirEntry { return es }), nil
	}
	m := t.files[name]
	if m == nil {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	}
	rc, err := m.Open()
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: name, Err: err}
	}
	defer rc.Close()
	sp, err := newSpool(rc)
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: name, Err: err}
	}
	return &memberFile{m: m, spool: sp, SectionReader: io.NewSectionReader(sp, 0, sp.size)}, nil
}

// ReadDir lists a directory, sorted by name.
func (c *Container) ReadDir(name string) ([]fs.DirEntry, error) {
	es, ok := c.tree().dirs[name]
	if !ok {
		return nil, &fs.PathError{Op: "readdir", Path: name, Err: fs.ErrNotExist}
	}
	return append([]fs.DirEntry(nil), es...), nil
}

// Stat describes a member or directory without reading it.
func (c *Container) Stat(name string) (fs.FileInfo, error) {
	t := c.tree()
	if _, ok := t.dirs[name]; ok {
		return dirInfo(name), nil
	}
	if m := t.files[name]; m != nil {
		return memberInfo{m}, nil
	}
	return nil, &fs.PathError{Op: "stat", Path: name, Err: fs.ErrNotExist}
}

type memberInfo struct{ m *Member }

func (i memberInfo) Name() string       { return path.Base(i.m.Name) }
func (i memberInfo) Size() int64        { return i.m.Size }
func (i memberInfo) Mode() fs.FileMode  { return 0o444 }
func (i memberInfo) ModTime() time.Time { return i.m.Modified }
func (i memberInfo) IsDir() bool        { return false }
func (i memberInfo) Sys() any           { return i.m }

// dirInfo describes the directory at name (a path in the container).
func dirInfo(name string) fsdir.Info { return fsdir.NewInfo(path.Base(name), time.Time{}, 0o555) }

// memberFile is an opened member: its spooled bytes.
type memberFile struct {
	m     *Member
	spool *spool
	*io.SectionReader
}

func (f *memberFile) Stat() (fs.FileInfo, error) {
	m := *f.m
	m.Size = f.spool.size // known now
	return memberInfo{&m}, nil
}

func (f *memberFile) Close() error {
	f.spool.close()
	return nil
}

// dirOf is the directory of a member's name, "." at the top.
func dirOf(name string) string {
	if i := strings.LastIndexByte(name, '/'); i >= 0 {
		return name[:i]
	}
	return "."
}
