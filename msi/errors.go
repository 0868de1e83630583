package msi

import (
	"errors"
	"fmt"

	"github.com/msikit/msikit/cab"
)

// Sentinel errors, for errors.Is. Errors returned by this package wrap one
// of them together with the file and the place that is wrong.
var (
	// ErrFormat means the input is not a valid package or is damaged.
	ErrFormat = errors.New("invalid or damaged package")
	// ErrNotFound means a table, stream, storage or row does not exist.
	ErrNotFound = errors.New("not found")
	// ErrUnsupported means a valid construct this package does not handle.
	ErrUnsupported = errors.New("unsupported")
	// ErrInvalid means a value or a change does not fit the database: a
	// string in an integer column, a null key, a duplicate row.
	ErrInvalid = errors.New("invalid")
	// ErrMissingSource means a cabinet or an uncompressed file the package
	// needs is not where the package says.
	ErrMissingSource = errors.New("missing")
	// ErrSize means a file's bytes are not as many as the File table says.
	ErrSize = fmt.Errorf("%w: size differs from the File table", ErrFormat)
	// ErrSummaryInfo is wrapped, together with ErrFormat, by the errors
	// ParseSummaryInfo returns for a malformed stream.
	ErrSummaryInfo = errors.New("malformed summary information")
)

// Error is an error found while reading a package: the file it is about,
// what was being read, and the underlying error.
type Error struct {
	File string // the package's file name, if known
	What string // the part being read, e.g. "table File" or "string pool"
	Err  error
}

// Error says which file and part are wrong, and how.
func (e *Error) Error() string {
	s := ""
	if e.File != "" {
		s = e.File + ": "
	}
	if e.What != "" {
		s += e.What + ": "
	}
	return s + e.Err.Error()
}

// Unwrap gives the underlying error to errors.Is and errors.As.
func (e *Error) Unwrap() error { return e.Err }

// formatErr builds an ErrFormat-wrapped error for a detail.
func formatErr(format string, a ...any) error {
	return fmt.Errorf("%w: %s", ErrFormat, fmt.Sprintf(format, a...))
}

// FileError is the error of one file during ReadFiles.
type FileError struct {
	File *File
	Err  error
}

// Error names the file by key and path.
func (e *FileError) Error() string { return e.File.Key + " (" + e.File.Path + "): " + e.Err.Error() }

// Unwrap gives the file's error to errors.Is and errors.As.
func (e *FileError) Unwrap() error { return e.Err }

// FileErrors is the error ReadFiles returns: one *FileError per file that
// could not be read, in the order met. Range over it to report each
// (errors.As gets it from the error); errors.Is and errors.As look at
// each file's error. It is the cabinet reader's list of errors, of this
// package's FileError.
type FileErrors = cab.Errors[*FileError]
