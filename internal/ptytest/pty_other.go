//go:build !linux

package ptytest

import (
	"errors"
	"os"
)

// Open is only implemented on Linux; tests skip elsewhere.
func Open(cols, rows int) (master, slave *os.File, err error) {
	return nil, nil, errors.New("pseudo-terminals are opened on Linux only")
}
