package pever

import (
	"errors"
	"fmt"
)

// Sentinel errors, for errors.Is. Errors returned by this package wrap one
// of them together with what was being read and, where known, the file.
var (
	// ErrFormat means the input is not a PE image or is damaged: a header,
	// a resource directory or the version resource is truncated,
	// inconsistent, misaligned or loops.
	ErrFormat = errors.New("invalid or damaged PE image")
	// ErrNoVersion means the image is valid but has no version resource
	// (RT_VERSION), or its version resource has no VS_FIXEDFILEINFO.
	ErrNoVersion = errors.New("no version resource")
	// ErrBuild means Build or VersionInfo.MarshalBinary was given what
	// they cannot encode, such as an unsupported machine, a size smaller
	// than the image needs or strings too long for a version resource.
	ErrBuild = errors.New("cannot build")
	// ErrVersionSyntax means ParseVersion was given a string that is not
	// a version of the form a.b.c.d.
	ErrVersionSyntax = errors.New("malformed version")
)

// Error is an error found while reading a PE image: the file it is about
// (when known), the part being read and the underlying error.
type Error struct {
	File string // the file's name, if known
	What string // the part being read, e.g. "resource directory"
	Err  error
}

func (e *Error) Error() string {
	s := "pever: "
	if e.File != "" {
		s += e.File + ": "
	}
	if e.What != "" {
		s += e.What + ": "
	}
	return s + e.Err.Error()
}

func (e *Error) Unwrap() error { return e.Err }

// formatErr reports a damaged structure; the message says what is wrong
// and where, so a user can look at the bytes.
func formatErr(what, format string, args ...any) error {
	return &Error{What: what, Err: fmt.Errorf("%w: "+format, append([]any{ErrFormat}, args...)...)}
}
