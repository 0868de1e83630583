package transform

import (
	"errors"
	"fmt"

	"github.com/msikit/msikit/msi"
)

// ErrConflict means a transform does not fit the database it is applied
// to: it adds a row or a table that exists, or changes or removes one that
// does not, and the condition is not among those ignored. Other errors
// wrap the msi package's sentinels: msi.ErrFormat for a transform that
// does not decode, msi.ErrUnsupported, msi.ErrNotFound, msi.ErrInvalid.
var ErrConflict = errors.New("transform does not fit the database")

// formatErr builds an msi.ErrFormat-wrapped error for a detail.
func formatErr(format string, a ...any) error {
	return fmt.Errorf("%w: %s", msi.ErrFormat, fmt.Sprintf(format, a...))
}

// pkgError is an error about part of the package p.
func pkgError(p *msi.Package, what string, err error) error {
	return &msi.Error{File: p.Name(), What: what, Err: err}
}

// quoteName shows control characters in stream names (\x05 and the like)
// readably in messages.
func quoteName(s string) string { return msi.PrintableName(s) }
