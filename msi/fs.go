package msi

import (
	"errors"
	"io"
	"io/fs"
	"path"
	"sort"
	"strings"
	"time"

	"github.com/msikit/msikit/internal/fsdir"
)

// FS returns the package's files as a read-only file system laid out as
// FileList lays them out, so that fs.WalkDir and fs.ReadFile work on a
// package. Opening a file decodes its cabinet folder up to it, streaming.
func (p *Package) FS(o FileOptions) (fs.FS, error) {
	files, err := FileList(p, o)
	if err != nil {
		return nil, err
	}
	pfs := &packageFS{p: p, root: newFSDir("."), cabs: openCabinets{p: p}}
	for _, f := range files {
		if !fs.ValidPath(f.Path) {
			continue
		}
		elems := strings.Split(f.Path, "/")
		d := pfs.root
		for _, e := range elems[:len(elems)-1] {
			sub, ok := d.dirs[e]
			if !ok {
				if _, clash := d.files[e]; clash {
					break
				}
				sub = newFSDir(e)
				d.dirs[e] = sub
			}
			d = sub
		}
		base := elems[len(elems)-1]
		if _, clash := d.dirs[base]; !clash {
			d.files[base] = f
		}
	}
	return pfs, nil
}

type fsDir struct {
	name  string
	dirs  map[string]*fsDir
	files map[string]*File
}

func newFSDir(name string) *fsDir {
	return &fsDir{name: name, dirs: map[string]*fsDir{}, files: map[string]*File{}}
}

type packageFS struct {
	p    *Package
	root *fsDir
	cabs openCabinets
}

func (pfs *packageFS) lookup(op, name string) (*fsDir, *File, error) {
	if !fs.ValidPath(name) {
		return nil, nil, &fs.PathError{Op: op, Path: name, Err: fs.ErrInvalid}
	}
	if name == "." {
		return pfs.root, nil, nil
	}
	d := pfs.root
	elems := strings.Split(name, "/")
	for i, e := range elems {
		if sub, ok := d.dirs[e]; ok {
			d = sub
			continue
		}
		if f, ok := d.files[e]; ok && i == len(elems)-1 {
			return nil, f, nil
		}
		return nil, nil, &fs.PathError{Op: op, Path: name, Err: fs.ErrNotExist}
	}
	return d, nil, nil
}

// Open opens a file or directory.
func (pfs *packageFS) Open(name string) (fs.File, error) {
	d, f, err := pfs.lookup("open", name)
	if err != nil {
		return nil, err
	}
	if d != nil {
		return fsdir.Open(name, d.info(), d.entries), nil
	}
	if f.Compressed {
		// From the cabinet, kept open for the next file.
		r, err := pfs.cabs.open(f)
		if err != nil {
			r = errReader{&FileError{File: f, Err: err}}
		}
		return &fsFile{f: f, r: r}, nil
	}
	pr, pw := io.Pipe()
	go func() {
		_, err := pfs.p.ReadFiles([]*File{f}, ReadOptions{CheckSize: true}, func(c FileContent) error {
			_, err := io.Copy(pw, c.Reader)
			return err
		})
		pw.CloseWithError(err)
	}()
	return &fsFile{f: f, r: pr}, nil
}

// errReader fails every read: a file of the FS whose cabinet cannot be
// read says so when read, as a loose file does.
type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }

// ReadDir lists a directory, sorted by name.
func (pfs *packageFS) ReadDir(name string) ([]fs.DirEntry, error) {
	d, _, err := pfs.lookup("readdir", name)
	if err != nil {
		return nil, err
	}
	if d == nil {
		return nil, &fs.PathError{Op: "readdir", Path: name, Err: errors.New("not a directory")}
	}
	return d.entries(), nil
}

// Stat describes a file or directory without reading it.
func (pfs *packageFS) Stat(name string) (fs.FileInfo, error) {
	d, f, err := pfs.lookup("stat", name)
	if err != nil {
		return nil, err
	}
	if d != nil {
		return d.info(), nil
	}
	return fileInfo{f: f}, nil
}

func (d *fsDir) entries() []fs.DirEntry {
	var out []fs.DirEntry
	for _, sub := range d.dirs {
		out = append(out, fs.FileInfoToDirEntry(sub.info()))
	}
	for name, f := range d.files {
		out = append(out, fs.FileInfoToDirEntry(fileInfo{f, name}))
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name() < out[j].Name() })
	return out
}

func (d *fsDir) info() fsdir.Info { return fsdir.NewInfo(d.name, time.Time{}, 0o555) }

type fileInfo struct {
	f    *File
	name string
}

func (i fileInfo) Name() string {
	if i.name != "" {
		return i.name
	}
	return path.Base(i.f.Path)
}
func (i fileInfo) Size() int64        { return i.f.Size }
func (i fileInfo) Mode() fs.FileMode  { return 0o444 }
func (i fileInfo) ModTime() time.Time { return time.Time{} }
func (i fileInfo) IsDir() bool        { return false }
func (i fileInfo) Sys() any           { return i.f }

type fsFile struct {
	f *File
	r io.Reader
}

func (f *fsFile) Stat() (fs.FileInfo, error) { return fileInfo{f: f.f}, nil }
func (f *fsFile) Read(b []byte) (int, error) { return f.r.Read(b) }
func (f *fsFile) Close() error {
	if c, ok := f.r.(io.Closer); ok {
		return c.Close()
	}
	return nil
}
