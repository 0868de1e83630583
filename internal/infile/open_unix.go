//go:build unix

package infile

import (
	"io/fs"
	"os"
	"syscall"
)

// fifoStreams: a FIFO opened without blocking can be read through the
// poller.
// canDup: a second handle on an open file can be made.
const canDup = true

const fifoStreams = true

// openNonblock opens name with O_NONBLOCK, so that a FIFO with no writer
// (or a device that would wait) does not block, and returns what fstat
// says it is. A regular file is put back into blocking mode.
func openNonblock(name string) (*os.File, fs.FileMode, error) {
	var fd int
	var err error
	for {
		fd, err = syscall.Open(name, syscall.O_RDONLY|syscall.O_NONBLOCK|syscall.O_CLOEXEC, 0)
		if err != syscall.EINTR {
			break
		}
	}
	if err != nil {
		if err == syscall.ENXIO || err == syscall.EOPNOTSUPP {
			// A socket, or a device with nothing behind it: say which.
			if fi, serr := os.Stat(name); serr == nil && !fi.Mode().IsRegular() {
				return nil, 0, notRegular(name, fi.Mode(), false)
			}
		}
		return nil, 0, &fs.PathError{Op: "open", Path: name, Err: err}
	}
	var st syscall.Stat_t
	if err := syscall.Fstat(fd, &st); err != nil {
		syscall.Close(fd)
		return nil, 0, &fs.PathError{Op: "stat", Path: name, Err: err}
	}
	mode := modeOf(uint32(st.Mode))
	if mode.IsRegular() {
		if err := syscall.SetNonblock(fd, false); err != nil {
			syscall.Close(fd)
			return nil, 0, &fs.PathError{Op: "fcntl", Path: name, Err: err}
		}
	}
	return os.NewFile(uintptr(fd), name), mode, nil
}

func modeOf(m uint32) fs.FileMode {
	switch m & syscall.S_IFMT {
	case syscall.S_IFREG:
		return 0
	case syscall.S_IFDIR:
		return fs.ModeDir
	case syscall.S_IFIFO:
		return fs.ModeNamedPipe
	case syscall.S_IFSOCK:
		return fs.ModeSocket
	case syscall.S_IFCHR:
		return fs.ModeDevice | fs.ModeCharDevice
	case syscall.S_IFBLK:
		return fs.ModeDevice
	}
	return fs.ModeIrregular
}

// dupFile is another handle on f's open file, for a second reader of
// standard input's spooled bytes (each seeks before it reads, and
// ReadAt does not move the offset).
func dupFile(f *os.File) (*os.File, error) {
	rc, err := f.SyscallConn()
	if err != nil {
		return nil, err
	}
	var fd int
	var derr error
	if err := rc.Control(func(s uintptr) {
		syscall.ForkLock.RLock()
		fd, derr = syscall.Dup(int(s))
		if derr == nil {
			syscall.CloseOnExec(fd)
		}
		syscall.ForkLock.RUnlock()
	}); err != nil {
		return nil, err
	}
	if derr != nil {
		return nil, derr
	}
	return os.NewFile(uintptr(fd), f.Name()), nil
}

// tempSpool is a temporary file removed at once: its space is freed when
// the last handle closes, whatever ends the process.
func tempSpool() (*os.File, error) {
	f, err := os.CreateTemp("", "msikit-stdin-*")
	if err != nil {
		return nil, err
	}
	if err := os.Remove(f.Name()); err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}
