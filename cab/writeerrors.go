package cab

import "errors"

// Sentinel errors of the Writer; errors it returns wrap one of these (or
// an error from the io.Writer or the file system).
var (
	// ErrInvalidName reports a file name a cabinet cannot store: empty,
	// longer than 255 bytes, not valid UTF-8, or containing a NUL.
	ErrInvalidName = errors.New("cab: invalid file name")
	// ErrTooLarge reports input beyond what the format can describe: a
	// file of 4 GiB or more, a folder of more than 65535 blocks, more than
	// 65535 files or folders in one cabinet, a cabinet of 4 GiB or more,
	// or a maximum cabinet size too small for the headers a part needs.
	ErrTooLarge = errors.New("cab: too large for a cabinet")
	// ErrWriterClosed reports a write after Close, or to a file after the
	// next one was created.
	ErrWriterClosed = errors.New("cab: write to closed file")
)
