package msi

import (
	"fmt"
	"io"
)

// SizeChecked wraps r so that reaching its end with other than want bytes
// read is an error: a writer that renames its output into place only on
// success then never leaves a file of the wrong size.
func SizeChecked(r io.Reader, want int64) io.Reader { return &sizeReader{r: r, want: want} }

type sizeReader struct {
	r    io.Reader
	want int64
	n    int64
}

func (s *sizeReader) Read(p []byte) (int, error) {
	n, err := s.r.Read(p)
	s.n += int64(n)
	if s.n > s.want {
		return n, fmt.Errorf("%w: more than %d bytes", ErrSize, s.want)
	}
	if err == io.EOF && s.n != s.want {
		return n, fmt.Errorf("%w: %d bytes, the table says %d", ErrSize, s.n, s.want)
	}
	return n, err
}
