package cab

import (
	"fmt"

	"github.com/msikit/msikit/cab/lzx"
	"github.com/msikit/msikit/cab/mszip"
	"github.com/msikit/msikit/cab/quantum"
)

// decompressor is what each codec package provides: one call per CFDATA
// block, with state carried from block to block within a folder.
type decompressor interface {
	Decompress(dst, src []byte) error
	Reset()
}

// stored is the codec of uncompressed folders.
type stored struct{}

func (stored) Decompress(dst, src []byte) error {
	if len(src) != len(dst) {
		return fmt.Errorf("stored block has %d bytes of data for %d bytes of output", len(src), len(dst))
	}
	copy(dst, src)
	return nil
}

func (stored) Reset() {}

// codecError marks an error from a codec as ErrCorrupt while keeping the
// codec's own message and sentinel.
type codecError struct{ err error }

func (e codecError) Error() string        { return e.err.Error() }
func (e codecError) Unwrap() []error      { return []error{ErrCorrupt, e.err} }
func (e codecError) Is(target error) bool { return target == ErrCorrupt }

func newDecompressor(c Compression) (decompressor, error) {
	switch c.Method() {
	case MethodNone:
		return stored{}, nil
	case MethodMSZIP:
		return mszip.NewDecoder(), nil
	case MethodLZX:
		w := c.Window()
		if w < 15 || w > 21 {
			return nil, fmt.Errorf("%w: LZX window 2^%d is outside 2^15..2^21", ErrFormat, w)
		}
		d, err := lzx.NewDecoder(w)
		if err != nil {
			return nil, fmt.Errorf("%w: %s: %v", ErrUnsupported, c, err)
		}
		return d, nil
	case MethodQuantum:
		w := c.Window()
		if w < 10 || w > 21 {
			return nil, fmt.Errorf("%w: Quantum window 2^%d is outside 2^10..2^21", ErrFormat, w)
		}
		d, err := quantum.NewDecoder(w)
		if err != nil {
			return nil, fmt.Errorf("%w: %s: %v", ErrUnsupported, c, err)
		}
		return d, nil
	}
	return nil, fmt.Errorf("%w: compression type %d", ErrUnsupported, c.Method())
}
