// Package fsdir is the directory half of the read-only fs.FS views msikit
// gives of cabinets (cab.Reader), packages (msi.Package.FS) and
// downloads (container.Container): a directory's fs.FileInfo and its
// opened fs.ReadDirFile, written once for the three.
package fsdir

import (
	"errors"
	"io"
	"io/fs"
	"time"
)

// Info describes a directory of a view; it has no size.
type Info struct {
	name    string
	modTime time.Time
	perm    fs.FileMode
}

// NewInfo describes the directory with base name name, modified at
// modTime (zero when the format records none), with permission bits perm.
func NewInfo(name string, modTime time.Time, perm fs.FileMode) Info {
	return Info{name: name, modTime: modTime, perm: perm.Perm()}
}

func (i Info) Name() string       { return i.name }
func (i Info) Size() int64        { return 0 }
func (i Info) Mode() fs.FileMode  { return fs.ModeDir | i.perm }
func (i Info) ModTime() time.Time { return i.modTime }
func (i Info) IsDir() bool        { return true }
func (i Info) Sys() any           { return nil }

// File is an opened directory: its entries are listed at the first
// ReadDir (so opening one to Stat it costs nothing), then handed out n at
// a time as fs.ReadDirFile requires.
type File struct {
	path    string
	info    fs.FileInfo
	list    func() []fs.DirEntry
	entries []fs.DirEntry
	read    bool
}

// Open returns the opened directory at path (for errors), described by
// info, whose entries list gives, sorted by name.
func Open(path string, info fs.FileInfo, list func() []fs.DirEntry) *File {
	return &File{path: path, info: info, list: list}
}

func (f *File) Stat() (fs.FileInfo, error) { return f.info, nil }
func (f *File) Close() error               { return nil }

func (f *File) Read([]byte) (int, error) {
	return 0, &fs.PathError{Op: "read", Path: f.path, Err: errors.New("is a directory")}
}

// ReadDir reads the directory's entries, n at a time (all when n <= 0).
func (f *File) ReadDir(n int) ([]fs.DirEntry, error) {
	if !f.read {
		f.entries, f.read = f.list(), true
	}
	if n <= 0 {
		out := f.entries
		f.entries = nil
		return out, nil
	}
	if len(f.entries) == 0 {
		return nil, io.EOF
	}
	n = min(n, len(f.entries))
	out := f.entries[:n]
	f.entries = f.entries[n:]
	return out, nil
}
