package cab

import (
	"bytes"
	"fmt"
	"io"
	"path/filepath"

	"github.com/msikit/msikit/internal/infile"
)

// searchChunk is how much of the input is scanned at a time.
const searchChunk = 64 << 10

// Search finds the cabinets embedded anywhere in r (a self-extracting
// executable, a raw disk image, a file of concatenated cabinets), as
// cabextract does: every "MSCF" signature whose header parses is a
// cabinet, and the scan resumes after the end of each cabinet found. Each
// cabinet is returned as its own Reader. It is an error wrapping
// ErrNoCabinet if there is none.
//
// A file cut short is reported, not passed over: when a cabinet found
// runs past the end of the file (its header declares more bytes than
// remain, or its data blocks do), or when the file is a WiX Burn bundle
// whose .wixburn section lists a container that the file does not wholly
// hold (cut off inside it, or exactly where it starts), Search returns the
// cabinets it found together with an Errors[*TruncatedError], one
// (wrapping ErrTruncated) per cabinet or container cut short. The files
// wholly present, in a cut cabinet too, can still be read, as cabextract
// reads what it can.
func Search(r io.ReaderAt, size int64, opts ...Option) ([]*Reader, error) {
	rs, truncs, err := searchReaders(r, size, opts)
	if err != nil {
		return nil, err
	}
	return rs, asError(truncs)
}

// SearchFile runs Search on the file at path, naming the file in the
// errors it reports. The Readers stay valid until the returned Closer is
// closed; when cabinets are found and truncation reported, the Readers
// and the Closer come with the error.
func SearchFile(path string, opts ...Option) ([]*Reader, io.Closer, error) {
	f, err := infile.Open(path)
	if err != nil {
		return nil, nil, err
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	rs, truncs, err := searchReaders(f, fi.Size(), opts)
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	name := filepath.Base(path)
	for _, r := range rs {
		r.name = name
		for _, c := range r.cabs {
			c.name = r.name
		}
	}
	for _, t := range truncs {
		t.Name = name
	}
	if len(rs) == 0 {
		f.Close()
		return nil, nil, asError(truncs)
	}
	return rs, f, asError(truncs)
}

func searchReaders(r io.ReaderAt, size int64, opts []Option) ([]*Reader, []*TruncatedError, error) {
	o := buildOptions(opts)
	cabs, truncs, err := search(r, size, o, 0)
	if err != nil {
		return nil, nil, err
	}
	var out []*Reader
	for _, c := range cabs {
		rd := new(Reader)
		if err := rd.init([]*cabinet{c}, o); err != nil {
			return nil, nil, err
		}
		out = append(out, rd)
	}
	return out, truncs, nil
}

// search scans r for cabinets, stopping after limit of them (no limit
// when 0). Without a limit it also reports the cabinets and Burn
// containers the file cuts short; only when there are none of those
// either is finding no cabinet an error.
func search(r io.ReaderAt, size int64, o *options, limit int) ([]*cabinet, []*TruncatedError, error) {
	var found []*cabinet
	var truncs []*TruncatedError
	buf := make([]byte, searchChunk+3)
	var firstErr error
	// In a compound file (an MSI) a cabinet stream's sectors need not be
	// contiguous, so a cabinet seen in the raw bytes may run past the end
	// of the file, or into other data, without anything being cut off.
	ends := !compoundFile(r, size)
scan:
	for base := int64(0); base < size; {
		n := int64(len(buf))
		if size-base < n {
			n = size - base
		}
		chunk := buf[:n]
		if err := readFull(r, chunk, base); err != nil {
			return nil, nil, fmt.Errorf("%w: reading at offset %d: %v", ErrFormat, base, err)
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
				err = plausible(c, size, ends, o.salvage)
			} else if ends {
				if t := cutHeader(r, off, size); t != nil {
					// A real cabinet whose tables the end of the file
					// cuts off: nothing of it can be read, and it takes
					// up the rest of the file.
					truncs = append(truncs, t)
					break scan
				}
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
				return found, nil, nil
			}
			if ends {
				if t := cutCabinet(c, size); t != nil {
					truncs = append(truncs, t)
				}
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
	if limit == 0 && ends {
		truncs = append(truncs, missingContainers(r, size, truncs)...)
	}
	if len(found) == 0 && len(truncs) == 0 {
		if firstErr != nil {
			return nil, nil, fmt.Errorf("%w: no cabinet found (first candidate %v)", ErrNoCabinet, firstErr)
		}
		return nil, nil, fmt.Errorf("%w: no cabinet found", ErrNoCabinet)
	}
	return found, truncs, nil
}

// plausible applies cabextract's tests to a cabinet found by searching,
// where a stray "MSCF" in other data must not pass for a cabinet: the file
// entries lie inside the cabinet, and the cabinet ends no more than 32
// bytes after the end of the file, unless the file's end is its end (not
// a compound file's) and the header is so clearly a cabinet writer's (see
// genuineHeader) that running further means the file was cut short. In
// salvage mode a compound file's end may cut a genuine cabinet too (a
// package truncated by a failed download): its files wholly present are
// read.
func plausible(c *cabinet, size int64, ends, salvage bool) error {
	h := &c.hdr
	if c.coffFiles >= int64(h.Size) {
		return fmt.Errorf("%w: file entries at %d lie beyond the cabinet's %d bytes", ErrFormat, c.coffFiles, h.Size)
	}
	if h.Offset+int64(h.Size) >= size+32 {
		var b [headerSize]byte
		if !ends && !salvage || readFull(c.ra, b[:], h.Offset) != nil || !genuineHeader(b[:]) {
			return fmt.Errorf("%w: the cabinet's %d bytes run past the end of the file", ErrFormat, h.Size)
		}
	}
	return nil
}

// compoundFile reports whether r holds a compound file (CFB), by its
// signature.
func compoundFile(r io.ReaderAt, size int64) bool {
	var b [8]byte
	return size >= int64(len(b)) && readFull(r, b[:], 0) == nil &&
		string(b[:]) == "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1"
}
