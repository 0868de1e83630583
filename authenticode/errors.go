package authenticode

import "errors"

// Sentinel errors, for errors.Is. Errors returned by this package wrap one
// of them with what is wrong.
var (
	// ErrUnknownFormat means the file is not a PE image, a cabinet or a
	// compound file.
	ErrUnknownFormat = errors.New("not a PE image, cabinet or compound file")
	// ErrNotSigned means the file has no Authenticode signature.
	ErrNotSigned = errors.New("not signed")
	// ErrMalformed means a signature, or where the file says it is, is
	// damaged: a size past the end of the file, bad DER, a missing part.
	ErrMalformed = errors.New("malformed signature")
	// ErrDamaged means the file itself is damaged where it must be read
	// (a PE header, a cabinet header, a compound file's structure or
	// streams), so its signature cannot be found or its digest computed.
	ErrDamaged = errors.New("damaged file")
)
