package cab

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// searchChunk is how much of the input is scanned at a time.
const searchChunk = 64 << 10

// Search finds the cabinets embedded anywhere in r (a self-extracting
// executable, a raw disk image, a file of concatenated cabinets), as
// cabextract does: every "MSCF" signature whose header parses is a
// cabinet, and the scan resumes after the end of each cabinet found. Each
// cabinet is returned as its own Reader. It is an error wrapping
// ErrNoCabinet if there is none.
func Search(r io.ReaderAt, size int64, opts ...Option) ([]*Reader, error) {
	o := buildOptions(opts)
	cabs, err := search(r, size, o, 0)
	if err != nil {
		return nil, err
	}
	var out []*Reader
	for _, c := range cabs {
		rd := new(Reader)
		if err := rd.init([]*cabinet{c}, o); err != nil {
			return nil, err
		}
		out = append(out, rd)
	}
	return out, nil
}

// SearchFile runs Search on the file at path. The Readers stay valid until
// the returned Closer is closed.
func SearchFile(path string, opts ...Option) ([]*Reader, io.Closer, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	rs, err := Search(f, fi.Size(), opts...)
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	for _, r := range rs {
		r.name = filepath.Base(path)
		for _, c := range r.cabs {
			c.name = r.name
		}
	}
	return rs, f, nil
}

// search scans r for cabinets, stopping after limit of them (no limit
// when 0).
func search(r io.ReaderAt, size int64, o *options, limit int) ([]*cabinet, error) {
	var found []*cabinet
	buf := make([]byte, searchChunk+3)
	var firstErr error
	for base := int64(0); base < size; {
		n := int64(len(buf))
		if size-base < n {
			n = size - base
		}
		chunk := buf[:n]
		if err := readFull(r, chunk, base); err != nil {
			return nil, fmt.Errorf("%w: reading at offset %d: %v", ErrFormat, base, err)
		}
		next := base + searchChunk // chunks overlap by 3 bytes for signatures across them
		for i := 0; ; {
			j := bytes.Index(chunk[i:], []byte("MSCF"))
			if j < 0 {
				break
			}
			off := base + int64(i+j)
			c, err := parseCabinet(r, off, size, o)
			if err == nil {
				err = plausible(c, size)
			}
			if err != nil {
				if firstErr == nil {
					firstErr = fmt.Errorf("at offset %d: %w", off, err)
				}
				i += j + 1
				continue
			}
			found = append(found, c)
			if limit > 0 && len(found) >= limit {
				return found, nil
			}
			// Resume after this cabinet, as cabextract does, so that the
			// contents of a stored cabinet are not found again.
			end := off + int64(max(c.hdr.Size, headerSize))
			if end >= base+n {
				next = end
				break
			}
			i = int(end - base)
		}
		base = next
	}
	if len(found) == 0 {
		if firstErr != nil {
			return nil, fmt.Errorf("%w: no cabinet found (first candidate %v)", ErrNoCabinet, firstErr)
		}
		return nil, fmt.Errorf("%w: no cabinet found", ErrNoCabinet)
	}
	return found, nil
}

// plausible applies cabextract's tests to a cabinet found by searching,
// where a stray "MSCF" in other data must not pass for a cabinet: the file
// entries lie inside the cabinet, and the cabinet ends no more than 32
// bytes after the end of the file.
func plausible(c *cabinet, size int64) error {
	h := &c.hdr
	if c.coffFiles >= int64(h.Size) {
		return fmt.Errorf("%w: file entries at %d lie beyond the cabinet's %d bytes", ErrFormat, c.coffFiles, h.Size)
	}
	if h.Offset+int64(h.Size) >= size+32 {
		return fmt.Errorf("%w: the cabinet's %d bytes run past the end of the file", ErrFormat, h.Size)
	}
	return nil
}
