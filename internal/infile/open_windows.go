//go:build windows

package infile

import (
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"sync/atomic"
	"syscall"
	"time"
)

// fifoStreams: Windows has no FIFOs in the file system (named pipes are
// not read through here).
// canDup: a second handle on an open file can be made.
const canDup = true

const fifoStreams = false

// openNonblock opens name and says what it is. Opening a file on Windows
// does not wait for a writer, so a plain open will do.
func openNonblock(name string) (*os.File, fs.FileMode, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, 0, err
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, 0, err
	}
	return f, fi.Mode(), nil
}

func dupFile(f *os.File) (*os.File, error) {
	p, err := syscall.GetCurrentProcess()
	if err != nil {
		return nil, err
	}
	var h syscall.Handle
	if err := syscall.DuplicateHandle(p, syscall.Handle(f.Fd()), p, &h, 0, false, syscall.DUPLICATE_SAME_ACCESS); err != nil {
		return nil, err
	}
	return os.NewFile(uintptr(h), f.Name()), nil
}

const (
	fileAttributeTemporary = 0x100
	fileFlagDeleteOnClose  = 0x04000000
)

var spoolSeq atomic.Uint64

// tempSpool is a temporary file that Windows deletes when its last
// handle closes (a file cannot be removed while open there).
func tempSpool() (*os.File, error) {
	for range 100 {
		name := filepath.Join(os.TempDir(), "msikit-stdin-"+strconv.Itoa(os.Getpid())+"-"+
			strconv.FormatUint(spoolSeq.Add(1), 10)+"-"+strconv.FormatInt(time.Now().UnixNano()%1e6, 10))
		p, err := syscall.UTF16PtrFromString(name)
		if err != nil {
			return nil, err
		}
		h, err := syscall.CreateFile(p, syscall.GENERIC_READ|syscall.GENERIC_WRITE,
			syscall.FILE_SHARE_READ|syscall.FILE_SHARE_WRITE|syscall.FILE_SHARE_DELETE, nil,
			syscall.CREATE_NEW, fileAttributeTemporary|fileFlagDeleteOnClose, 0)
		if err == syscall.ERROR_FILE_EXISTS {
			continue
		}
		if err != nil {
			return nil, &fs.PathError{Op: "open", Path: name, Err: err}
		}
		return os.NewFile(uintptr(h), name), nil
	}
	return nil, &fs.PathError{Op: "open", Path: os.TempDir(), Err: fs.ErrExist}
}
