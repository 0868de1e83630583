//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package safepath

import (
	"errors"
	"io/fs"
	"time"

	"golang.org/x/sys/unix"
)

// A handle is an open directory's file descriptor: files are made and
// named relative to it (openat, linkat, renameat), so no path is walked
// again and no symbolic link is followed.
type handle = int

func openRoot(dir string) (int, error) {
	for {
		fd, err := unix.Open(dir, dirFlags&^unix.O_NOFOLLOW, 0)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return -1, &fs.PathError{Op: "open", Path: dir, Err: err}
		}
		return fd, nil
	}
}

func closeHandle(fd int) { unix.Close(fd) }

// openChild opens the directory name in parent, making it if missing
// (first, when fresh says parent was just made: it is most likely empty).
// A symbolic link is refused (O_NOFOLLOW), whatever it points to.
func openChild(parent int, name string, fresh bool, st *Stats) (h int, made bool, err error) {
	if fresh {
		if err := unix.Mkdirat(parent, name, 0o777); err == nil {
			st.Mkdirs++
			made = true
		} else if err != unix.EEXIST {
			return -1, false, err
		}
	}
	tried := made
	for {
		fd, err := unix.Openat(parent, name, dirFlags, 0)
		switch {
		case err == nil:
			st.DirOpens++
			return fd, made, nil
		case err == unix.EINTR:
			continue
		case err == unix.ENOENT && !tried:
			tried = true
			if err := unix.Mkdirat(parent, name, 0o777); err == nil {
				st.Mkdirs++
				made = true
			} else if err != unix.EEXIST {
				return -1, false, err
			}
			continue
		case err == unix.ELOOP || err == unix.ENOTDIR || err == unix.EMLINK:
			// ELOOP (EMLINK on FreeBSD) is O_NOFOLLOW meeting a link.
			var s unix.Stat_t
			if unix.Fstatat(parent, name, &s, unix.AT_SYMLINK_NOFOLLOW) == nil {
				if s.Mode&unix.S_IFMT == unix.S_IFLNK {
					return -1, false, ErrSymlink
				}
				if s.Mode&unix.S_IFMT != unix.S_IFDIR {
					return -1, false, ErrNotDir
				}
			}
		}
		return -1, false, err
	}
}

// fdFile is a file being written: unnamed (O_TMPFILE) until commit, or
// under a registered temporary name in its directory.
type fdFile struct {
	fd   int
	dir  int
	tmp  string // the temporary name; "" while unnamed
	reg  *tempName
	size int64
}

type pending = *fdFile

func create(dir int, name string, perm fs.FileMode) (*fdFile, error) {
	if fd, err := openUnnamed(dir, perm); err == nil {
		return &fdFile{fd: fd, dir: dir}, nil
	} else if err != errUnsupported {
		return nil, err
	}
	f := &fdFile{fd: -1, dir: dir}
	return f, f.createNamed(name, perm)
}

// createNamed creates the file under a new temporary name, registered so
// that Abort removes it.
func (f *fdFile) createNamed(name string, perm fs.FileMode) error {
	live.Lock()
	defer live.Unlock()
	if live.aborted {
		return ErrAborted
	}
	for try := 0; ; try++ {
		tmp := tempFor(name)
		fd, err := unix.Openat(f.dir, tmp, unix.O_RDWR|unix.O_CREAT|unix.O_EXCL|unix.O_NOFOLLOW|unix.O_CLOEXEC, uint32(perm))
		if err == unix.EINTR || err == unix.EEXIST && try < 100 {
			continue
		}
		if err != nil {
			return err
		}
		dir := f.dir
		f.fd, f.tmp = fd, tmp
		f.reg = register(func() { unix.Unlinkat(dir, tmp, 0) })
		return nil
	}
}

func (f *fdFile) write(b []byte) (int, error) {
	n := 0
	for n < len(b) {
		m, err := unix.Write(f.fd, b[n:])
		if m > 0 {
			n += m
		}
		switch {
		case err == unix.EINTR:
			continue
		case err != nil:
			f.size += int64(n)
			return n, err
		case m == 0:
			f.size += int64(n)
			return n, errors.New("short write")
		}
	}
	f.size += int64(n)
	return n, nil
}

func (f *fdFile) chmod(perm fs.FileMode) error { return unix.Fchmod(f.fd, uint32(perm)) }

func (f *fdFile) commit(dir int, name string, mtime time.Time, overwrite bool) error {
	defer f.close()
	if !mtime.IsZero() {
		if err := setTimes(f.fd, mtime); err != nil {
			f.discard()
			return err
		}
	}
	if f.tmp == "" {
		err := f.linkUnnamed(name, overwrite)
		if err != errUnsupported {
			return err
		}
		// The file cannot be named here (no /proc): copy it to a
		// named one.
		if err := f.toNamed(name); err != nil {
			return err
		}
		if !mtime.IsZero() {
			if err := setTimes(f.fd, mtime); err != nil {
				f.discard()
				return err
			}
		}
	}
	live.Lock()
	defer live.Unlock()
	if live.aborted {
		return ErrAborted // Abort removed the temporary name
	}
	unregister(f.reg)
	var err error
	if overwrite {
		err = unix.Renameat(f.dir, f.tmp, f.dir, name)
	} else {
		err = renameNoReplace(f.dir, f.tmp, name)
	}
	if err != nil {
		unix.Unlinkat(f.dir, f.tmp, 0)
		return nameErr(f.dir, name, err)
	}
	return nil
}

// linkUnnamed gives the unnamed file its name: at once when the name is
// free (link(2) never replaces, so "never replace" is atomic), through a
// temporary name renamed over it when overwriting.
func (f *fdFile) linkUnnamed(name string, overwrite bool) error {
	live.Lock()
	defer live.Unlock()
	if live.aborted {
		return ErrAborted
	}
	err := linkFD(f.fd, f.dir, name)
	if err != unix.EEXIST || !overwrite {
		return nameErr(f.dir, name, err)
	}
	for try := 0; ; try++ {
		tmp := tempFor(name)
		// Abort cannot run between this link and the rename: both are
		// under live's lock.
		err = linkFD(f.fd, f.dir, tmp)
		if err == unix.EEXIST && try < 100 {
			continue
		}
		if err != nil {
			return err
		}
		if err := unix.Renameat(f.dir, tmp, f.dir, name); err != nil {
			unix.Unlinkat(f.dir, tmp, 0)
			return nameErr(f.dir, name, err)
		}
		return nil
	}
}

// toNamed copies an unnamed file to a named temporary one, which it
// becomes.
func (f *fdFile) toNamed(name string) error {
	src := f.fd
	var s unix.Stat_t
	if err := unix.Fstat(src, &s); err != nil {
		return err
	}
	if err := f.createNamed(name, fs.FileMode(s.Mode&0o777)); err != nil {
		f.fd = src
		return err
	}
	defer unix.Close(src)
	size := f.size
	f.size = 0
	buf := make([]byte, 1<<16)
	for off := int64(0); off < size; {
		n, err := unix.Pread(src, buf, off)
		if err == unix.EINTR {
			continue
		}
		if err == nil && n == 0 {
			err = errors.New("unexpected end of file")
		}
		if err == nil {
			_, err = f.write(buf[:n])
		}
		if err != nil {
			f.discard()
			return err
		}
		off += int64(n)
	}
	return nil
}

// discard removes the temporary name, if any; the descriptor is closed
// by close.
func (f *fdFile) discard() {
	if f.tmp == "" {
		f.close()
		return
	}
	live.Lock()
	if _, ok := live.temps[f.reg]; ok {
		unix.Unlinkat(f.dir, f.tmp, 0)
		unregister(f.reg)
	}
	live.Unlock()
	f.tmp = ""
	f.close()
}

func (f *fdFile) close() {
	if f.fd >= 0 {
		unix.Close(f.fd)
		f.fd = -1
	}
}

// nameErr makes the errors of naming a file say what is in the way.
func nameErr(dir int, name string, err error) error {
	switch err {
	case nil:
		return nil
	case unix.EEXIST, unix.ENOTEMPTY, unix.EISDIR:
		var s unix.Stat_t
		if unix.Fstatat(dir, name, &s, unix.AT_SYMLINK_NOFOLLOW) == nil && s.Mode&unix.S_IFMT == unix.S_IFDIR {
			return ErrIsDir
		}
		if err == unix.EEXIST {
			return ErrExist
		}
	}
	return err
}

// linkRename is the portable "rename unless the name is taken": link(2)
// fails if the name exists, atomically; the temporary name is then
// removed. On a file system without hard links it falls back to a check
// and a rename, which two writers racing for the name could both pass.
func linkRename(dir int, tmp, name string) error {
	err := unix.Linkat(dir, tmp, dir, name, 0)
	switch err {
	case nil:
		unix.Unlinkat(dir, tmp, 0)
		return nil
	case unix.EPERM, unix.EOPNOTSUPP, unix.EMLINK, unix.ENOSYS:
		var s unix.Stat_t
		if unix.Fstatat(dir, name, &s, unix.AT_SYMLINK_NOFOLLOW) == nil {
			return unix.EEXIST
		}
		return unix.Renameat(dir, tmp, dir, name)
	}
	return err
}

// errUnsupported says that unnamed files cannot be made or named here.
var errUnsupported = errors.New("unsupported")
