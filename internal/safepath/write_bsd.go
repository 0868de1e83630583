//go:build darwin || freebsd || netbsd || openbsd || dragonfly

package safepath

import (
	"io/fs"
	"time"

	"golang.org/x/sys/unix"
)

const dirFlags = unix.O_RDONLY | unix.O_DIRECTORY | unix.O_NOFOLLOW | unix.O_CLOEXEC

// There is no O_TMPFILE: files are written under a temporary name.
func openUnnamed(int, fs.FileMode) (int, error) { return -1, errUnsupported }

func linkFD(int, int, string) error { return errUnsupported }

func renameNoReplace(dir int, tmp, name string) error { return linkRename(dir, tmp, name) }

func setTimes(fd int, t time.Time) error {
	tv := unix.NsecToTimeval(t.UnixNano())
	return unix.Futimes(fd, []unix.Timeval{tv, tv})
}
