package safepath

import (
	"os"
	"runtime"
)

// TempFile creates a temporary file for spooling, in dir (os.TempDir()
// when ""), that has no name: unnamed from the start on Linux
// (O_TMPFILE), unlinked right after it is created on other Unix systems.
// Whatever ends the process, even SIGKILL, the system frees it and
// nothing is left in the directory. Where an open file cannot be
// unlinked (Windows) it keeps its name until CloseTemp. pattern is as
// os.CreateTemp's.
func TempFile(dir, pattern string) (*os.File, error) {
	if dir == "" {
		dir = os.TempDir()
	}
	if f := openTempUnnamed(dir); f != nil {
		return f, nil
	}
	f, err := os.CreateTemp(dir, pattern)
	if err != nil {
		return nil, err
	}
	if unlinkOpenFiles {
		os.Remove(f.Name())
	}
	return f, nil
}

// unlinkOpenFiles is whether an open file can lose its name.
const unlinkOpenFiles = runtime.GOOS != "windows" && runtime.GOOS != "plan9"

// CloseTemp closes a file made by TempFile and removes it if it still has
// a name.
func CloseTemp(f *os.File) error {
	err := f.Close()
	if !unlinkOpenFiles {
		if rerr := os.Remove(f.Name()); err == nil {
			err = rerr
		}
	}
	return err
}
