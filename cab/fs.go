package cab

import (
	"errors"
	"io"
	"io/fs"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/msikit/msikit/internal/fsdir"
)

// A Reader is an fs.FS: the path of each file is its stored name made safe
// by safepath.Clean (backslashes become slashes, ".." and absolute parts
// cannot escape), and directories are synthesised from those paths. When
// two files have the same path, the later one wins, as it would on
// extraction.
var (
	_ fs.FS        = (*Reader)(nil)
	_ fs.ReadDirFS = (*Reader)(nil)
	_ fs.StatFS    = (*Reader)(nil)
)

type dirNode struct {
	name    string
	modTime time.Time
	dirs    map[string]*dirNode
	files   map[string]*File
}

func (r *Reader) tree() *dirNode {
	r.fsOnce.Do(func() {
		root := &dirNode{name: ".", dirs: map[string]*dirNode{}, files: map[string]*File{}}
		for _, f := range r.File {
			p := f.Path()
			elems := strings.Split(p, "/")
			d := root
			for _, e := range elems[:len(elems)-1] {
				sub := d.dirs[e]
				if sub == nil {
					if _, clash := d.files[e]; clash {
						break // a file already has this name; the file wins
					}
					sub = &dirNode{name: e, dirs: map[string]*dirNode{}, files: map[string]*File{}}
					d.dirs[e] = sub
				}
				if f.Modified.After(sub.modTime) {
					sub.modTime = f.Modified
				}
				d = sub
			}
			base := elems[len(elems)-1]
			if _, clash := d.dirs[base]; !clash {
				d.files[base] = f
			}
		}
		r.fsRoot = root
	})
	return r.fsRoot
}

// lookup finds name; exactly one of the results is non-nil on success.
func (r *Reader) lookup(op, name string) (*dirNode, *File, error) {
	if !fs.ValidPath(name) {
		return nil, nil, &fs.PathError{Op: op, Path: name, Err: fs.ErrInvalid}
	}
	d := r.tree()
	if name == "." {
		return d, nil, nil
	}
	elems := strings.Split(name, "/")
	for i, e := range elems {
		if i == len(elems)-1 {
			if f, ok := d.files[e]; ok {
				return nil, f, nil
			}
		}
		sub, ok := d.dirs[e]
		if !ok {
			return nil, nil, &fs.PathError{Op: op, Path: name, Err: fs.ErrNotExist}
		}
		d = sub
	}
	return d, nil, nil
}

// Open opens the named file or directory (fs.FS).
func (r *Reader) Open(name string) (fs.File, error) {
	d, f, err := r.lookup("open", name)
	if err != nil {
		return nil, err
	}
	if d != nil {
		return fsdir.Open(name, d.info(), d.entries), nil
	}
	rc, err := f.Open()
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: name, Err: err}
	}
	return &openFile{rc: rc, info: fileInfo{f: f}}, nil
}

// ReadDir lists the named directory, sorted by name (fs.ReadDirFS).
func (r *Reader) ReadDir(name string) ([]fs.DirEntry, error) {
	d, _, err := r.lookup("readdir", name)
	if err != nil {
		return nil, err
	}
	if d == nil {
		return nil, &fs.PathError{Op: "readdir", Path: name, Err: errors.New("not a directory")}
	}
	return d.entries(), nil
}

// Stat describes the named file or directory (fs.StatFS).
func (r *Reader) Stat(name string) (fs.FileInfo, error) {
	d, f, err := r.lookup("stat", name)
	if err != nil {
		return nil, err
	}
	if d != nil {
		return d.info(), nil
	}
	return fileInfo{f: f}, nil
}

func (d *dirNode) entries() []fs.DirEntry {
	var out []fs.DirEntry
	for _, s := range d.dirs {
		out = append(out, fs.FileInfoToDirEntry(s.info()))
	}
	for _, f := range d.files {
		out = append(out, fs.FileInfoToDirEntry(fileInfo{f: f}))
	}
	slices.SortFunc(out, func(a, b fs.DirEntry) int { return strings.Compare(a.Name(), b.Name()) })
	return out
}

// fileInfo describes a File. The mode is 0444 for read-only files, 0644
// otherwise, with the execute bits when the execute attribute is set.
type fileInfo struct{ f *File }

func (i fileInfo) Name() string {
	return path.Base(i.f.Path())
}
func (i fileInfo) Size() int64        { return i.f.Size }
func (i fileInfo) ModTime() time.Time { return i.f.Modified }
func (i fileInfo) IsDir() bool        { return false }
func (i fileInfo) Sys() any           { return i.f }
func (i fileInfo) Mode() fs.FileMode  { return i.f.Mode() }

// Mode returns the permission bits the file's attributes imply.
func (f *File) Mode() fs.FileMode {
	m := fs.FileMode(0o644)
	if f.Attributes&AttrReadOnly != 0 {
		m = 0o444
	}
	if f.Attributes&AttrExec != 0 {
		m |= 0o111
	}
	return m
}

func (d *dirNode) info() fsdir.Info { return fsdir.NewInfo(d.name, d.modTime, 0o755) }

type openFile struct {
	rc   io.ReadCloser
	info fileInfo
}

func (o *openFile) Stat() (fs.FileInfo, error) { return o.info, nil }
func (o *openFile) Read(p []byte) (int, error) { return o.rc.Read(p) }
func (o *openFile) Close() error               { return o.rc.Close() }
