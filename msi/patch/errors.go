package patch

import (
	"errors"
	"fmt"
	"strings"

	"github.com/msikit/msikit/cab"
	"github.com/msikit/msikit/msi"
)

// Sentinel errors, for errors.Is. Other errors wrap the msi package's
// sentinels: msi.ErrFormat for a damaged patch, msi.ErrMissingSource,
// msi.ErrUnsupported.
var (
	// ErrNotPatch means a package given as a patch is a database or a
	// transform.
	ErrNotPatch = errors.New("not a patch")
	// ErrNotApplicable means the patch does not apply to the target given.
	ErrNotApplicable = errors.New("patch does not apply")
	// ErrDelta means a file's bytes are a binary delta against the
	// installed file: ReadFiles never delivers them as the file's, and
	// ReadPatched applies only PA19 ones.
	ErrDelta = errors.New("binary delta, not the file's bytes")
)

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

// optionalTable reads a table the package may lack: nil and no error when
// it has none, an error when it cannot tell (a damaged catalog).
func optionalTable(r msi.TableReader, name string) (*msi.Table, error) {
	t, err := r.Table(name)
	if errors.Is(err, msi.ErrNotFound) {
		return nil, nil
	}
	return t, err
}

// lookupTable returns the named table of db, or nil.
func lookupTable(db *msi.Database, name string) *msi.Table {
	t, _ := db.Table(name)
	return t
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}

// splitList splits s at sep, trimming spaces and dropping empty entries.
func splitList(s, sep string) []string {
	var out []string
	for _, f := range strings.Split(s, sep) {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

// FileError is the error of one patch file.
type FileError struct {
	File *File
	Err  error
}

// Error names the file by key and, when it has one, path.
func (e *FileError) Error() string {
	name := e.File.Key
	if e.File.Path != "" {
		name += " (" + e.File.Path + ")"
	}
	return name + ": " + e.Err.Error()
}

// Unwrap gives the file's error to errors.Is and errors.As.
func (e *FileError) Unwrap() error { return e.Err }

// FileErrors is the error ReadFiles returns: one *FileError per file that
// could not be read, in the order met. Range over it to report each
// (errors.As gets it from the error); errors.Is and errors.As look at
// each file's error. It is the cabinet reader's list of errors, of this
// package's FileError.
type FileErrors = cab.Errors[*FileError]
