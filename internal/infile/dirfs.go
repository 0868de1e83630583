package infile

import (
	"io/fs"
	"os"
	"runtime"
	"strings"
)

// DirFS is os.DirFS(dir) whose Open never blocks: a FIFO, a device or a
// socket in the tree (where a package's external cabinets and
// uncompressed files are looked up) is refused with an *Error instead of
// waited on. Directories open as os.DirFS opens them.
func DirFS(dir string) fs.FS { return dirFS(dir) }

type dirFS string

func (d dirFS) join(op, name string) (string, error) {
	if !fs.ValidPath(name) || runtime.GOOS == "windows" && strings.ContainsAny(name, `\:`) {
		return "", &fs.PathError{Op: op, Path: name, Err: fs.ErrInvalid}
	}
	if name == "." {
		return string(d), nil
	}
	return string(d) + "/" + name, nil
}

func (d dirFS) Open(name string) (fs.File, error) {
	full, err := d.join("open", name)
	if err != nil {
		return nil, err
	}
	f, mode, err := openNonblock(full)
	if err != nil {
		return nil, err
	}
	if !mode.IsRegular() && !mode.IsDir() {
		f.Close()
		return nil, &Error{Path: full, Kind: KindOf(mode), stdin: false}
	}
	return f, nil
}

// Stat and ReadDir do not open files, so they cannot block.
func (d dirFS) Stat(name string) (fs.FileInfo, error) {
	full, err := d.join("stat", name)
	if err != nil {
		return nil, err
	}
	return os.Stat(full)
}

func (d dirFS) ReadDir(name string) ([]fs.DirEntry, error) {
	full, err := d.join("readdir", name)
	if err != nil {
		return nil, err
	}
	return os.ReadDir(full)
}
