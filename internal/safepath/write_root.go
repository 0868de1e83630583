//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package safepath

import (
	"errors"
	"io/fs"
	"os"
	"time"
)

// A handle is an os.Root per directory, kept open: paths are resolved
// inside it, so nothing is written outside the tree. A symbolic link
// where a directory should be is refused by an Lstat before it is
// opened; an os.Root never leaves the directory it was opened on.
type handle = *os.Root

func openRoot(dir string) (*os.Root, error) { return os.OpenRoot(dir) }

func closeHandle(r *os.Root) { r.Close() }

func openChild(parent *os.Root, name string, _ bool, st *Stats) (*os.Root, bool, error) {
	made := false
	fi, err := parent.Lstat(name)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if err := parent.Mkdir(name, 0o777); err == nil {
			st.Mkdirs++
			made = true
		} else if !errors.Is(err, fs.ErrExist) {
			return nil, false, err
		}
	case err != nil:
		return nil, false, err
	case fi.Mode()&fs.ModeSymlink != 0:
		return nil, false, ErrSymlink
	case !fi.IsDir():
		return nil, false, ErrNotDir
	}
	r, err := parent.OpenRoot(name)
	if err != nil {
		return nil, false, err
	}
	st.DirOpens++
	return r, made, nil
}

// rootFile is a file being written under a temporary name.
type rootFile struct {
	r   *os.Root
	f   *os.File
	tmp string
	reg *tempName
}

type pending = *rootFile

func create(r *os.Root, name string, perm fs.FileMode) (*rootFile, error) {
	live.Lock()
	defer live.Unlock()
	if live.aborted {
		return nil, ErrAborted
	}
	for try := 0; ; try++ {
		tmp := tempFor(name)
		f, err := r.OpenFile(tmp, os.O_RDWR|os.O_CREATE|os.O_EXCL, perm)
		if errors.Is(err, fs.ErrExist) && try < 100 {
			continue
		}
		if err != nil {
			return nil, err
		}
		return &rootFile{r: r, f: f, tmp: tmp, reg: register(func() { r.Remove(tmp) })}, nil
	}
}

func (f *rootFile) write(b []byte) (int, error) { return f.f.Write(b) }

func (f *rootFile) chmod(perm fs.FileMode) error { return f.f.Chmod(perm) }

func (f *rootFile) commit(r *os.Root, name string, mtime time.Time, overwrite bool) error {
	err := f.f.Close()
	if err == nil && !mtime.IsZero() {
		err = r.Chtimes(f.tmp, mtime, mtime)
	}
	if err != nil {
		f.discard()
		return err
	}
	live.Lock()
	defer live.Unlock()
	if live.aborted {
		return ErrAborted
	}
	unregister(f.reg)
	if fi, err := r.Lstat(name); err == nil && fi.IsDir() {
		r.Remove(f.tmp)
		return ErrIsDir
	}
	if overwrite {
		err = r.Rename(f.tmp, name)
	} else if err = r.Link(f.tmp, name); err == nil {
		r.Remove(f.tmp)
	} else if errors.Is(err, fs.ErrExist) {
		err = ErrExist
	} else if _, lerr := r.Lstat(name); lerr == nil {
		// No hard links here: a check and a rename.
		err = ErrExist
	} else {
		err = r.Rename(f.tmp, name)
	}
	if err != nil {
		r.Remove(f.tmp)
	}
	return err
}

func (f *rootFile) discard() {
	f.f.Close()
	live.Lock()
	if _, ok := live.temps[f.reg]; ok {
		f.r.Remove(f.tmp)
		unregister(f.reg)
	}
	live.Unlock()
}
