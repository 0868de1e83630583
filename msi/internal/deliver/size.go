package deliver

import (
	"fmt"
	"io"
)

// CheckSize wraps r so that reaching its end with other than want bytes
// read is an error wrapping errSize: a writer that renames its output
// into place only on success then never leaves a file of the wrong size.
func CheckSize(r io.Reader, want int64, errSize error) io.Reader {
	return &sizeReader{r: r, want: want, errSize: errSize}
}

type sizeReader struct {
	r       io.Reader
	want    int64
	n       int64
	errSize error
}

func (s *sizeReader) Read(p []byte) (int, error) {
	n, err := s.r.Read(p)
	s.n += int64(n)
	if s.n > s.want {
		return n, fmt.Errorf("%w: more than %d bytes", s.errSize, s.want)
	}
	if err == io.EOF && s.n != s.want {
		return n, fmt.Errorf("%w: %d bytes, the table says %d", s.errSize, s.n, s.want)
	}
	return n, err
}
