package cab

import (
	"errors"
	"strings"
)

// Sentinel errors. Errors returned by this package wrap one of these, with
// context (the cabinet, the folder, the block, the file) in the message.
var (
	// ErrFormat reports a malformed or truncated cabinet.
	ErrFormat = errors.New("malformed cabinet")
	// ErrNoCabinet reports input with no cabinet signature where one was
	// expected (or, in search mode, anywhere).
	ErrNoCabinet = errors.New("not a cabinet")
	// ErrEmpty reports a cabinet with no files or no folders, which
	// libmspack and cabextract refuse. Header-only cabinets (36 bytes, no
	// folders, no files) occur in real patches: callers that want to skip
	// them test for this error.
	ErrEmpty = errors.New("cabinet has no files")
	// ErrChecksum reports a CFDATA block whose checksum does not match.
	ErrChecksum = errors.New("checksum mismatch")
	// ErrCorrupt reports compressed data that the codec cannot decode.
	ErrCorrupt = errors.New("corrupt compressed data")
	// ErrUnsupported reports a compression type this package cannot decode.
	ErrUnsupported = errors.New("unsupported compression")
	// ErrMissingPart reports a spanned set whose other cabinet (named in
	// the message) is needed but was not found or not opened.
	ErrMissingPart = errors.New("cabinet set is incomplete")
	// ErrEncoding reports a character set name NameEncoding does not know.
	ErrEncoding = errors.New("unknown character set")
)

// Errors is the error of work that goes on past failures: one error per
// item that failed (a *FileError per file for Extract, a *TruncatedError
// per cabinet cut short for Search), in the order met. Range over it to
// report each; errors.Is and errors.As look at each. Get it from an error
// with errors.As. The msi packages use it for their files too.
type Errors[E error] []E

// Error lists the errors, one a line, as errors.Join does.
func (e Errors[E]) Error() string {
	s := make([]string, len(e))
	for i, x := range e {
		s[i] = x.Error()
	}
	return strings.Join(s, "\n")
}

// Unwrap gives the errors to errors.Is and errors.As.
func (e Errors[E]) Unwrap() []error {
	out := make([]error, len(e))
	for i, x := range e {
		out[i] = x
	}
	return out
}

// asError is errs as an error: nil when there are none.
func asError[E error](errs []E) error {
	if len(errs) == 0 {
		return nil
	}
	return Errors[E](errs)
}
