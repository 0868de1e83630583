package authenticode

import (
	"crypto"
	"fmt"
	"io"
)

// span is a range of a file, [from, to).
type span struct{ from, to int64 }

// hashSpans hashes the spans of r, in order, with h.
func hashSpans(r io.ReaderAt, h crypto.Hash, spans []span) ([]byte, error) {
	w := h.New()
	for _, s := range spans {
		if s.to < s.from {
			return nil, fmt.Errorf("%w: hashed range %d-%d is reversed", ErrMalformed, s.from, s.to)
		}
		if _, err := io.Copy(w, io.NewSectionReader(r, s.from, s.to-s.from)); err != nil {
			return nil, err
		}
	}
	return w.Sum(nil), nil
}

// maxSignature bounds the signature read into memory: real ones are a
// few kilobytes to a few hundred, and a size field claiming more is
// hostile or damaged.
const maxSignature = 16 << 20

// readSignature reads n bytes at off of a file of size bytes, checking
// the range first.
func readSignature(r io.ReaderAt, size, off, n int64, what string) ([]byte, error) {
	if off < 0 || n <= 0 || off > size || n > size-off {
		return nil, fmt.Errorf("%w: %s claims %d bytes at %d, past the end of the file (%d bytes)", ErrMalformed, what, n, off, size)
	}
	if n > maxSignature {
		return nil, fmt.Errorf("%w: %s claims %d bytes, more than a signature holds", ErrMalformed, what, n)
	}
	b := make([]byte, n)
	if _, err := r.ReadAt(b, off); err != nil {
		return nil, fmt.Errorf("%w: reading %s: %v", ErrMalformed, what, err)
	}
	return b, nil
}
