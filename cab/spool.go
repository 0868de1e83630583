package cab

import (
	"bytes"
	"io"
	"os"

	"github.com/msikit/msikit/internal/safepath"
)

// spool holds the compressed blocks between their compression and Close,
// when the headers that precede them are known: in memory up to a limit,
// then in a temporary file, so memory stays flat whatever the input size.
type spool struct {
	dir   string
	limit int64
	mem   bytes.Buffer
	f     *os.File
	size  int64
}

func (s *spool) Write(p []byte) (int, error) {
	if s.f == nil && int64(s.mem.Len()+len(p)) > s.limit {
		// No name: nothing is left in s.dir whatever ends the run.
		f, err := safepath.TempFile(s.dir, "msikit-cab-*.tmp")
		if err != nil {
			return 0, err
		}
		s.f = f
		if _, err := f.Write(s.mem.Bytes()); err != nil {
			return 0, err
		}
		s.mem = bytes.Buffer{}
	}
	var n int
	var err error
	if s.f != nil {
		n, err = s.f.Write(p)
	} else {
		n, err = s.mem.Write(p)
	}
	s.size += int64(n)
	return n, err
}

// reader returns the spooled bytes from the start.
func (s *spool) reader() io.Reader {
	if s.f != nil {
		return io.NewSectionReader(s.f, 0, s.size)
	}
	return bytes.NewReader(s.mem.Bytes())
}

// close closes the temporary file, if any.
func (s *spool) close() error {
	s.mem = bytes.Buffer{}
	if s.f == nil {
		return nil
	}
	err := safepath.CloseTemp(s.f)
	s.f = nil
	return err
}
