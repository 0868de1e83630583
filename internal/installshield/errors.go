package installshield

import "errors"

// Sentinel errors, for errors.Is. Errors from this package wrap one of
// them, with what is wrong and where in the message.
var (
	// ErrNotInstallShield reports input that is not a PE image, has no
	// data after its sections, or whose overlay holds none of the layouts
	// this package reads.
	ErrNotInstallShield = errors.New("not an InstallShield setup launcher")
	// ErrFormat reports an overlay whose header or file records are
	// damaged or cut short, or a file whose stored bytes do not decode.
	ErrFormat = errors.New("malformed InstallShield overlay")
	// ErrUnsupported reports a header of a type this package does not
	// know how to read.
	ErrUnsupported = errors.New("unsupported InstallShield overlay")
)
