package safepath

import (
	"io/fs"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Directories are opened with O_PATH: a handle to walk from, which needs
// no read permission on the directory.
const dirFlags = unix.O_PATH | unix.O_DIRECTORY | unix.O_NOFOLLOW | unix.O_CLOEXEC

// noUnnamed is set once a file system refuses O_TMPFILE, or the process
// cannot name such a file (no /proc, no CAP_DAC_READ_SEARCH): temporary
// names are used from then on.
var noUnnamed atomic.Bool

// openUnnamed makes a file with no name in dir (O_TMPFILE): if the
// process dies before linkFD names it, nothing is left.
func openUnnamed(dir int, perm fs.FileMode) (int, error) {
	if noUnnamed.Load() {
		return -1, errUnsupported
	}
	for {
		fd, err := unix.Openat(dir, ".", unix.O_TMPFILE|unix.O_RDWR|unix.O_CLOEXEC, uint32(perm))
		switch err {
		case nil:
			return fd, nil
		case unix.EINTR:
			continue
		case unix.EOPNOTSUPP, unix.EISDIR, unix.EINVAL:
			noUnnamed.Store(true)
			return -1, errUnsupported
		}
		return -1, err
	}
}

var procFD = sync.OnceValue(func() bool {
	_, err := os.Stat("/proc/self/fd")
	return err == nil
})

// linkFD names the unnamed file fd as name in dir. link(2) never
// replaces: EEXIST if the name is taken.
func linkFD(fd, dir int, name string) error {
	if procFD() {
		for {
			err := unix.Linkat(unix.AT_FDCWD, "/proc/self/fd/"+strconv.Itoa(fd), dir, name, unix.AT_SYMLINK_FOLLOW)
			if err != unix.EINTR {
				return err
			}
		}
	}
	err := unix.Linkat(fd, "", dir, name, unix.AT_EMPTY_PATH)
	if err == unix.ENOENT || err == unix.EPERM {
		// Without CAP_DAC_READ_SEARCH (before Linux 6.10, or
		// unprivileged), AT_EMPTY_PATH is refused with ENOENT.
		noUnnamed.Store(true)
		return errUnsupported
	}
	return err
}

// renameNoReplace renames tmp to name in dir unless name exists, in one
// step (renameat2 RENAME_NOREPLACE), or with link and unlink where the
// file system does not support it.
func renameNoReplace(dir int, tmp, name string) error {
	err := unix.Renameat2(dir, tmp, dir, name, unix.RENAME_NOREPLACE)
	if err == unix.EINVAL || err == unix.ENOSYS {
		return linkRename(dir, tmp, name)
	}
	return err
}

// setTimes sets the access and modification times through the open file
// (futimens), not through its name.
func setTimes(fd int, t time.Time) error {
	ts := [2]unix.Timespec{unix.NsecToTimespec(t.UnixNano()), unix.NsecToTimespec(t.UnixNano())}
	for {
		_, _, e := unix.Syscall6(unix.SYS_UTIMENSAT, uintptr(fd), 0, uintptr(unsafe.Pointer(&ts)), 0, 0, 0)
		if e == unix.EINTR {
			continue
		}
		if e != 0 {
			return e
		}
		return nil
	}
}
