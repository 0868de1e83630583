package progress

import "io"

// CountReader calls fn with the number of bytes of each Read from r that
// returned some: how the library's Progress hooks count bytes.
func CountReader(r io.Reader, fn func(n int64)) io.Reader {
	if fn == nil {
		return r
	}
	return countReader{r, fn}
}

type countReader struct {
	r  io.Reader
	fn func(int64)
}

func (c countReader) Read(b []byte) (int, error) {
	n, err := c.r.Read(b)
	if n > 0 {
		c.fn(int64(n))
	}
	return n, err
}
