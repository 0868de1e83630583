//go:build !unix && !windows

package infile

import (
	"errors"
	"io/fs"
	"os"
)

// canDup: a second handle on an open file can be made.
const canDup = false

const fifoStreams = false

// openNonblock: without O_NONBLOCK, the type is checked before opening.
func openNonblock(name string) (*os.File, fs.FileMode, error) {
	fi, err := os.Stat(name)
	if err != nil {
		return nil, 0, err
	}
	if !fi.Mode().IsRegular() && !fi.IsDir() {
		return nil, 0, notRegular(name, fi.Mode(), false)
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, 0, err
	}
	return f, fi.Mode(), nil
}

func dupFile(*os.File) (*os.File, error) { return nil, errors.ErrUnsupported }

func tempSpool() (*os.File, error) {
	f, err := os.CreateTemp("", "msikit-stdin-*")
	if err != nil {
		return nil, err
	}
	os.Remove(f.Name()) // where the system allows it
	return f, nil
}
