package deliver

import (
	"fmt"
	"io"
)

// CheckSize wraps r so that reaching its end with other than want bytes
// read is an error wrapping errSize: a writer that renames its output
// into place only on success then never leaves a file of the wrong size.
// When r is an io.WriterTo (a cabinet member), so is the result: io.Copy
// then takes the bytes straight from the decoder's buffer, with no copy
// buffer per file.
func CheckSize(r io.Reader, want int64, errSize error) io.Reader {
	s := &sizeReader{r: r, want: want, errSize: errSize}
	if wt, ok := r.(io.WriterTo); ok {
		return &sizeWriterTo{s, wt}
	}
	return s
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
		return n, s.tooLong()
	}
	if err == io.EOF && s.n != s.want {
		return n, s.short()
	}
	return n, err
}

func (s *sizeReader) tooLong() error { return fmt.Errorf("%w: more than %d bytes", s.errSize, s.want) }

func (s *sizeReader) short() error {
	return fmt.Errorf("%w: %d bytes, the table says %d", s.errSize, s.n, s.want)
}

type sizeWriterTo struct {
	*sizeReader
	wt io.WriterTo
}

func (s *sizeWriterTo) WriteTo(w io.Writer) (int64, error) {
	start := s.n
	_, err := s.wt.WriteTo(&sizeWriter{s: s.sizeReader, w: w})
	n := s.n - start
	if err == nil && s.n != s.want {
		err = s.short()
	}
	return n, err
}

// sizeWriter passes on at most the bytes wanted, counting them.
type sizeWriter struct {
	s *sizeReader
	w io.Writer
}

func (sw *sizeWriter) Write(p []byte) (int, error) {
	over := false
	if rem := sw.s.want - sw.s.n; int64(len(p)) > rem {
		p, over = p[:rem], true
	}
	n, err := sw.w.Write(p)
	sw.s.n += int64(n)
	if err == nil && over {
		err = sw.s.tooLong()
	}
	return n, err
}
