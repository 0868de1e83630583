package container

import (
	"errors"

	"github.com/msikit/msikit/cab"
)

// Sentinel errors, for errors.Is. Errors from this package wrap one of
// them (or an error of the format's own package), with the file and what
// is wrong in the message.
var (
	// ErrNotContainer reports a file that is none of the kinds this
	// package opens: Detect calls it a File.
	ErrNotContainer = errors.New("not a container msikit opens")
	// ErrPassword reports an encrypted archive for which no password was
	// given ("no password given"), or whose password does not open it
	// ("wrong password").
	ErrPassword = errors.New("password")
	// ErrTruncated reports a container cut short: a cabinet running past
	// the end of its file, a Burn container the bundle does not wholly
	// hold. It is cab.ErrTruncated, so either test works.
	ErrTruncated = cab.ErrTruncated
	// ErrMissing reports a payload stored outside the file that is not
	// there: a Burn bundle's detached container or external payload, a
	// cabinet of a package that is not beside it.
	ErrMissing = errors.New("missing")
	// ErrUnsupported reports a member stored in a way this package does
	// not read (a ZIP compression method other than store and deflate,
	// PKWARE strong encryption, an InstallShield overlay type).
	ErrUnsupported = errors.New("unsupported")
	// ErrFormat reports a container whose structure is damaged.
	ErrFormat = errors.New("malformed container")
)
