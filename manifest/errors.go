package manifest

import (
	"errors"
	"fmt"
	"sort"
	"strings"
)

// Sentinel errors, for errors.Is. Parse and ImportKB return an ErrorList
// of *Error values, each wrapping one of these with the line it is about.
var (
	// ErrSyntax means the input is not well-formed YAML, or not a
	// readable KB table.
	ErrSyntax = errors.New("syntax error")
	// ErrInvalid means the input is well-formed but not a valid manifest:
	// a value of the wrong kind or form, a missing key, a bad version,
	// date or hash. ErrUnknownKey and ErrDuplicate errors are also
	// ErrInvalid.
	ErrInvalid = errors.New("invalid manifest")
	// ErrUnknownKey means a mapping has a key the format does not define,
	// usually a typing mistake that would otherwise silently disable a
	// check.
	ErrUnknownKey = errors.New("unknown key")
	// ErrDuplicate means two entries of a variant have the same name,
	// platform and path, two variants the same name, or a mapping the
	// same key twice.
	ErrDuplicate = errors.New("duplicate")
	// ErrTooLarge means the input is larger than MaxInputSize.
	ErrTooLarge = errors.New("input too large")
	// ErrNoManifest means no built-in manifest has the given name.
	ErrNoManifest = errors.New("no such manifest")
	// ErrNoVariant means the manifest has no variant of the given name.
	ErrNoVariant = errors.New("no such variant")
	// ErrAmbiguous means DetectVariant found several variants that fit
	// the facts equally well.
	ErrAmbiguous = errors.New("ambiguous variant")
	// ErrNoMatch means DetectVariant found no variant that any fact fits.
	ErrNoMatch = errors.New("no variant matches")
)

// Error is one problem in a manifest or KB table, at a line (and, for
// YAML, a column) of the input; Line is 0 when the problem is not at one
// place (an empty input, say).
type Error struct {
	File   string // the input's name, if known
	Line   int    // 1-based
	Column int    // 1-based, 0 if unknown
	Err    error  // wraps a sentinel
}

func (e *Error) Error() string {
	var b strings.Builder
	if e.File != "" {
		b.WriteString(e.File)
		b.WriteString(":")
	}
	if e.Line > 0 {
		fmt.Fprintf(&b, "%d:", e.Line)
		if e.Column > 0 {
			fmt.Fprintf(&b, "%d:", e.Column)
		}
	}
	if b.Len() > 0 {
		b.WriteString(" ")
	}
	b.WriteString(e.Err.Error())
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// Is makes the specific kinds of invalidity also ErrInvalid, so a caller
// that only cares whether a manifest is valid needs one test.
func (e *Error) Is(target error) bool {
	return target == ErrInvalid && (errors.Is(e.Err, ErrUnknownKey) || errors.Is(e.Err, ErrDuplicate))
}

// ErrorList is every problem found in one input, in line order. Parsing
// goes on after a problem so that one run shows them all.
type ErrorList []*Error

func (l ErrorList) Error() string {
	s := make([]string, len(l))
	for i, e := range l {
		s[i] = e.Error()
	}
	return strings.Join(s, "\n")
}

// Unwrap gives errors.Is and errors.As every error of the list.
func (l ErrorList) Unwrap() []error {
	out := make([]error, len(l))
	for i, e := range l {
		out[i] = e
	}
	return out
}

// maxErrors bounds the list, so a hostile input of a million bad lines
// does not become a million error values.
const maxErrors = 100

// errs collects errors while parsing.
type errs struct {
	file string
	list ErrorList
	more int // errors beyond maxErrors, dropped
}

func (c *errs) add(line, col int, kind error, format string, a ...any) {
	if len(c.list) >= maxErrors {
		c.more++
		return
	}
	c.list = append(c.list, &Error{File: c.file, Line: line, Column: col, Err: fmt.Errorf("%w: %s", kind, fmt.Sprintf(format, a...))})
}

// err returns the collected errors sorted by position, or nil.
func (c *errs) err() error {
	if len(c.list) == 0 {
		return nil
	}
	sort.SliceStable(c.list, func(i, j int) bool {
		a, b := c.list[i], c.list[j]
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Column < b.Column
	})
	if c.more > 0 {
		c.list = append(c.list, &Error{File: c.file, Err: fmt.Errorf("%w: %d more errors not shown", ErrInvalid, c.more)})
	}
	return c.list
}
