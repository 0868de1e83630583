package cfb

import "errors"

// Sentinel errors, for errors.Is. Errors returned by this package wrap one
// of them with the entry's path and what is wrong.
var (
	// ErrInvalidName means an empty name, one with a character [MS-CFB]
	// forbids ('/', '\\', ':', '!', NUL) or one that is not valid UTF-8.
	ErrInvalidName = errors.New("invalid entry name")
	// ErrNameTooLong means a name of more than 31 UTF-16 code units.
	ErrNameTooLong = errors.New("name longer than 31 UTF-16 code units")
	// ErrDuplicate means a storage already holds an entry whose name
	// compares equal ([MS-CFB] compares names case-insensitively).
	ErrDuplicate = errors.New("duplicate entry name")
	// ErrInvalidSize means a negative stream size.
	ErrInvalidSize = errors.New("invalid stream size")
	// ErrTooLarge means the tree does not fit the format: a stream over
	// 2 GiB in a version 3 file, or more sectors or entries than sector
	// numbers can name.
	ErrTooLarge = errors.New("too large for a compound file")
	// ErrStreamSize means a stream's source gave fewer or more bytes than
	// the size it was added with.
	ErrStreamSize = errors.New("stream source does not match its declared size")
	// ErrVersion means a major version other than 3 or 4.
	ErrVersion = errors.New("unsupported compound file version")
	// ErrCLSID means a class ID string that is not a GUID.
	ErrCLSID = errors.New("invalid CLSID")
	// ErrDamaged means ReadDirectory met a file whose structure is
	// broken: a sector outside the file, a chain that loops.
	ErrDamaged = errors.New("damaged compound file")
)
