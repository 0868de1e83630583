package safepath

import (
	"os"

	"golang.org/x/sys/unix"
)

// openTempUnnamed makes an O_TMPFILE file in dir, or returns nil where
// the file system has no such files.
func openTempUnnamed(dir string) *os.File {
	fd, err := unix.Open(dir, unix.O_TMPFILE|unix.O_RDWR|unix.O_CLOEXEC, 0o600)
	if err != nil {
		return nil
	}
	return os.NewFile(uintptr(fd), dir+"/(unnamed temporary file)")
}
