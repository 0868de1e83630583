// Package infile opens the files msikit reads. A FIFO, a device or a
// socket named where a package or cabinet is expected would block open(2)
// forever (a FIFO nobody writes to) or give bytes that cannot be read at
// random, so files are opened without blocking and anything that is not a
// regular file is refused with an error that says what it is. The name
// "-" reads standard input, when the command line has enabled it with
// SetStdin: its bytes are spooled to an unlinked temporary file, so that
// formats read at random (compound files, cabinets) work from a pipe, and
// a large package costs disk rather than memory.
package infile

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
)

// Stdin is the name that reads standard input once SetStdin enabled it.
const Stdin = "-"

// Sentinel errors, for errors.Is.
var (
	// ErrNotRegular means the name is not a regular file: a directory, a
	// FIFO, a device or a socket. The error is an *Error.
	ErrNotRegular = errors.New("not a regular file")
	// ErrIsDir means the name is a directory (and so also ErrNotRegular).
	ErrIsDir = errors.New("is a directory")
	// ErrTerminal means "-" was given while standard input is a terminal,
	// where a package cannot be typed.
	ErrTerminal = errors.New("standard input is a terminal")
)

// What a non-regular file is, in messages.
const (
	KindDir    = "a directory"
	KindFIFO   = "a FIFO"
	KindChar   = "a character device"
	KindBlock  = "a block device"
	KindSocket = "a socket"
	KindOther  = "not a file"
)

// Error says that a name is not a regular file and what to give instead.
type Error struct {
	Path string
	Kind string // KindDir, KindFIFO, ...
	// Stream is set when the reader reads from start to end (a manifest),
	// where a FIFO is read as it comes; NoWriter then says that nothing
	// had the FIFO open for writing.
	Stream   bool
	NoWriter bool
	stdin    bool // "-" was enabled: suggest it
}

func (e *Error) Error() string {
	if e.Kind == KindDir {
		return e.Path + " is a directory, not a file"
	}
	alt := "give a regular file"
	if e.stdin {
		alt = "give a file, or '-' to read standard input"
	}
	if e.NoWriter {
		return fmt.Sprintf("%s is a FIFO that nothing writes to: %s", e.Path, alt)
	}
	if e.Stream {
		return fmt.Sprintf("%s is not a regular file (%s): %s", e.Path, e.Kind, alt)
	}
	return fmt.Sprintf("%s is not a regular file (%s): msikit reads packages and cabinets at random; %s", e.Path, e.Kind, alt)
}

// Is makes errors.Is(err, ErrNotRegular) hold, and ErrIsDir for a
// directory.
func (e *Error) Is(target error) bool {
	return target == ErrNotRegular || (target == ErrIsDir && e.Kind == KindDir)
}

func notRegular(path string, mode fs.FileMode, stream bool) *Error {
	return &Error{Path: path, Kind: KindOf(mode), Stream: stream, stdin: stdinEnabled()}
}

// KindOf says what a file of this mode is, for messages: KindDir, KindFIFO, ...
func KindOf(mode fs.FileMode) string {
	switch {
	case mode.IsDir():
		return KindDir
	case mode&fs.ModeNamedPipe != 0:
		return KindFIFO
	case mode&fs.ModeSocket != 0:
		return KindSocket
	case mode&fs.ModeCharDevice != 0:
		return KindChar
	case mode&fs.ModeDevice != 0:
		return KindBlock
	}
	return KindOther
}

// Open opens name for reading at random: a regular file, or "-" for
// standard input when SetStdin has enabled it. It never blocks on a FIFO:
// a FIFO, a device, a socket or a directory is refused with an *Error.
func Open(name string) (*os.File, error) {
	if name == Stdin && stdinEnabled() {
		return openStdin()
	}
	f, mode, err := openNonblock(name)
	if err != nil {
		return nil, err
	}
	if !mode.IsRegular() {
		f.Close()
		return nil, notRegular(name, mode, false)
	}
	return f, nil
}

// OpenStream opens name to be read from start to end: a regular file, a
// FIFO (process substitution, <(...), gives one) or "-". A FIFO is read as
// data arrives; one that nothing writes to gives an *Error with NoWriter
// at the first read instead of blocking.
func OpenStream(name string) (io.ReadCloser, error) {
	if name == Stdin && stdinEnabled() {
		return openStdin()
	}
	f, mode, err := openNonblock(name)
	if err != nil {
		return nil, err
	}
	switch {
	case mode.IsRegular():
		return f, nil
	case mode&fs.ModeNamedPipe != 0 && fifoStreams:
		return &fifo{File: f, name: name}, nil
	}
	f.Close()
	return nil, notRegular(name, mode, true)
}

// fifo reads a FIFO opened without blocking; the poller waits for data,
// and end of file before any byte means nothing had it open to write.
type fifo struct {
	*os.File
	name string
	got  bool
}

func (f *fifo) Read(p []byte) (int, error) {
	n, err := f.File.Read(p)
	if n > 0 {
		f.got = true
	}
	if err == io.EOF && !f.got {
		return 0, &Error{Path: f.name, Kind: KindFIFO, Stream: true, NoWriter: true, stdin: stdinEnabled()}
	}
	return n, err
}

// Check says whether name, which a caller will open itself, is a regular
// file (or "-" when enabled), without opening it: os.Stat does not block
// on a FIFO.
func Check(name string) error {
	if name == Stdin && stdinEnabled() {
		return nil
	}
	fi, err := os.Stat(name)
	if err != nil {
		return err
	}
	if !fi.Mode().IsRegular() {
		return notRegular(name, fi.Mode(), true)
	}
	return nil
}

// Stat is os.Stat, except that "-", when enabled, is standard input's
// bytes as spooled (reading them if no one has yet).
func Stat(name string) (fs.FileInfo, error) {
	if name == Stdin && stdinEnabled() {
		f, err := openStdin()
		if err != nil {
			return nil, err
		}
		defer f.Close()
		return f.Stat()
	}
	return os.Stat(name)
}
