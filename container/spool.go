package container

import (
	"bytes"
	"io"
	"os"

	"github.com/msikit/msikit/internal/safepath"
)

// spoolMemory is how large a nested container is kept in memory; a
// larger one goes to a temporary file.
const spoolMemory = 8 << 20

// spool holds a member's bytes so that it can be read at random, as a
// nested container must be: in memory up to spoolMemory, otherwise in a
// temporary file that has no name (nothing is left behind, whatever ends
// the process).
type spool struct {
	mem  *bytes.Reader
	f    *os.File
	size int64
}

func newSpool(r io.Reader) (*spool, error) {
	b, err := io.ReadAll(io.LimitReader(r, spoolMemory+1))
	if err != nil {
		return nil, err
	}
	if len(b) <= spoolMemory {
		return &spool{mem: bytes.NewReader(b), size: int64(len(b))}, nil
	}
	f, err := safepath.TempFile("", "msikit-spool-*.tmp")
	if err != nil {
		return nil, err
	}
	s := &spool{f: f}
	if _, err := f.Write(b); err != nil {
		s.close()
		return nil, err
	}
	n, err := io.Copy(f, r)
	if err != nil {
		s.close()
		return nil, err
	}
	s.size = int64(len(b)) + n
	return s, nil
}

func (s *spool) ReadAt(p []byte, off int64) (int, error) {
	if s.f != nil {
		return s.f.ReadAt(p, off)
	}
	return s.mem.ReadAt(p, off)
}

// reader reads the bytes from the start.
func (s *spool) reader() io.Reader { return io.NewSectionReader(s, 0, s.size) }

func (s *spool) close() {
	if s.f != nil {
		safepath.CloseTemp(s.f)
	}
}
