package pa19

import "errors"

var (
	// ErrCorrupt means the delta is malformed: a bad signature or header,
	// a whole-file CRC32 that does not check, a stream that does not decode,
	// or a result whose CRC32 is not the header's.
	ErrCorrupt = errors.New("pa19: corrupt delta")

	// ErrTruncated means the delta ends before its declared end. Errors
	// that wrap it wrap ErrCorrupt too.
	ErrTruncated = errors.New("pa19: delta truncated")

	// ErrWrongOld means the old file is none of those the delta applies to:
	// its size or its CRC32 differs from every one the header names.
	ErrWrongOld = errors.New("pa19: delta does not apply to this old file")

	// ErrUnsupported means the delta uses what this package does not
	// implement: PE image transforms, interleaved streams, an unknown option.
	ErrUnsupported = errors.New("pa19: unsupported delta")

	// ErrHeaderOnly means the delta holds only a header: it can check an
	// old file (Check) but not make the new one.
	ErrHeaderOnly = errors.New("pa19: header-only delta, it holds no data")
)
