package msi

import (
	"fmt"
	"io"
	"io/fs"
	"path"
	"strings"
	"sync"

	"github.com/msikit/msikit/internal/infile"
	"github.com/msikit/msikit/msi/internal/streamname"
	"github.com/richardlehane/mscfb"
)

// SetSource sets the directory (as an fs.FS) external cabinets and
// uncompressed files are read from: for a package opened with Open, the
// directory holding it.
func (p *Package) SetSource(src fs.FS) { p.source = src }

// findFold finds a slash-separated path in src, matching each component
// case-insensitively as Windows would, and returns its actual path.
func findFold(src fs.FS, p string) (string, error) {
	if src == nil {
		return "", fmt.Errorf("%s: %w (the package's directory is not known)", p, ErrMissingSource)
	}
	found, err := infile.FindFold(src, p)
	if err != nil {
		return "", fmt.Errorf("%s: %w", p, ErrMissingSource)
	}
	return found, nil
}

// findRegular is findFold for a file to be read: a name that is there but
// is not a regular file (a FIFO, a device, a folder) counts as missing,
// since reading it would block or fail, and media must not call it present.
func findRegular(src fs.FS, p string) (string, error) {
	found, err := findFold(src, p)
	if err != nil {
		return "", err
	}
	if fi, err := fs.Stat(src, found); err != nil || !fi.Mode().IsRegular() {
		return "", fmt.Errorf("%s: %w (not a regular file)", p, ErrMissingSource)
	}
	return found, nil
}

// cabinetPath turns a Media.Cabinet value for an external cabinet (which
// may name a subfolder, with either separator) into a clean relative path.
func cabinetPath(name string) (string, error) {
	p := path.Clean(strings.ReplaceAll(name, "\\", "/"))
	if !fs.ValidPath(p) || p == "." || strings.HasPrefix(p, "../") || p == ".." {
		return "", formatErr("cabinet name %q leaves the package's directory", name)
	}
	return p, nil
}

// wholeLimit is the largest embedded cabinet read into memory whole;
// larger ones are read through streamSeq, so memory stays flat whatever
// their size.
const wholeLimit = 1 << 20

// readerAtCloser is random access to a stream.
type readerAtCloser interface {
	io.ReaderAt
	io.Closer
}

type memReaderAt struct{ *strings.Reader }

func (memReaderAt) Close() error { return nil }

// streamReaderAt gives the cabinet reader random access to a stream. The
// cabinet reader reads a cabinet's header, then each folder's blocks in
// order; so a large stream is decoded as it is read, with no copy, by
// readers that only go forward (streamSeq).
func (p *Package) streamReaderAt(name string) (readerAtCloser, int64, error) {
	e, ok := p.byPath[name]
	if !ok || e.isDir {
		return nil, 0, p.errorf("stream "+quoteName(name), ErrNotFound)
	}
	if e.size > wholeLimit {
		return &streamSeq{p: p, name: name, size: e.size}, e.size, nil
	}
	r, size, err := p.openStream(name)
	if err != nil {
		return nil, 0, err
	}
	var b strings.Builder
	b.Grow(int(size))
	if _, err := io.Copy(&b, r); err != nil {
		return nil, 0, err
	}
	return memReaderAt{strings.NewReader(b.String())}, size, nil
}

// openStream opens a stream through a compound-file reader of its own
// (mscfb keeps read state in the Reader, so a stream read alongside
// others needs one), whose small reads are cached: mscfb looks up each
// sector's successor with a read of 4 bytes, one system call per 512-byte
// sector without the cache.
func (p *Package) openStream(path string) (r *streamReader, size int64, err error) {
	e, ok := p.lookup(path)
	if !ok || e.isDir {
		if _, perr := streamname.Parse(path); perr != nil {
			// Not a stored name, and not a printable one either: the
			// caller typed it wrong (ErrInvalid), rather than asked for
			// a stream the package lacks (ErrNotFound).
			return nil, 0, p.errorf("stream "+quoteName(path), fmt.Errorf("%w: %v", ErrInvalid, perr))
		}
		return nil, 0, p.errorf("stream "+quoteName(path), ErrNotFound)
	}
	what := "stream " + quoteName(path)
	defer func() {
		if v := recover(); v != nil {
			r, size, err = nil, 0, p.errorf(what, formatErr("damaged compound file (%v)", v))
		}
	}()
	doc, err := mscfb.New(&pageCache{ra: io.NewSectionReader(p.ra, 0, p.size)})
	if err != nil || e.idx >= len(doc.File) {
		return nil, 0, p.errorf(what, fmt.Errorf("%w: reopening: %v", ErrFormat, err))
	}
	return &streamReader{p: p, f: doc.File[e.idx], size: e.size, what: what}, e.size, nil
}

// streamSeq is random access to a large stream through a few sequential
// readers (cursors), each keeping the last bytes it read: a read is
// served by the cursor that holds its offset or is closest before it,
// which goes forward; going back further opens the stream again. The
// cabinet reader reads forward, with one cursor per folder it decodes at
// once, so the stream is read about once.
type streamSeq struct {
	p    *Package
	name string
	size int64

	mu   sync.Mutex
	curs []*streamCursor
	tick uint64
}

// streamCursor is one sequential reader of the stream and the bytes it
// read last: buf holds the stream's bytes from start on, and the reader
// is at start+len(buf).
type streamCursor struct {
	s     *streamReader
	buf   []byte
	start int64
	used  uint64
}

func (c *streamCursor) next() int64 { return c.start + int64(len(c.buf)) }

const (
	maxCursors = 4
	// cursorBuffer is each cursor's read size.
	cursorBuffer = 256 << 10
	// maxSkip is the furthest a cursor reads ahead to reach an offset;
	// further, it seeks (mscfb walks the sector chain without reading
	// the data).
	maxSkip = cursorBuffer
)

func (q *streamSeq) Close() error {
	q.mu.Lock()
	q.curs = nil
	q.mu.Unlock()
	return nil
}

func (q *streamSeq) ReadAt(b []byte, off int64) (int, error) {
	if off < 0 {
		return 0, fmt.Errorf("msi: stream %s: negative offset", q.name)
	}
	if off >= q.size {
		return 0, io.EOF
	}
	short := false
	if rem := q.size - off; int64(len(b)) > rem {
		b, short = b[:rem], true
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	c, err := q.cursor(off)
	if err != nil {
		return 0, err
	}
	done := 0
	for done < len(b) {
		at := off + int64(done)
		if at >= c.start && at < c.next() {
			done += copy(b[done:], c.buf[at-c.start:])
			continue
		}
		// at == c.next(): read on, straight into b when it is large.
		var err error
		if len(b)-done >= cursorBuffer {
			var n int
			n, err = io.ReadFull(c.s, b[done:])
			done += n
			c.start, c.buf = at+int64(n), c.buf[:0]
		} else {
			err = c.fill()
		}
		if err != nil {
			q.drop(c)
			return done, q.ends(c, err)
		}
	}
	if short {
		return done, io.EOF
	}
	return done, nil
}

func (q *streamSeq) ends(c *streamCursor, err error) error {
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		return q.p.errorf("stream "+quoteName(q.name), formatErr("stream ends early at %d of %d bytes", c.next(), q.size))
	}
	return err
}

// cursorKeep is how much a cursor keeps of what it read before, for the
// reads of the cabinet's header, which go back a little (a name is read
// with the 256 bytes that may hold it).
const cursorKeep = 4 << 10

// fill reads the cursor's next bytes into its buffer, after the last
// cursorKeep bytes it held.
func (c *streamCursor) fill() error {
	if cap(c.buf) < cursorKeep+cursorBuffer {
		nb := make([]byte, len(c.buf), cursorKeep+cursorBuffer)
		copy(nb, c.buf)
		c.buf = nb
	}
	if k := len(c.buf) - cursorKeep; k > 0 {
		c.start += int64(k)
		c.buf = c.buf[:copy(c.buf, c.buf[k:])]
	}
	n, err := io.ReadAtLeast(c.s, c.buf[len(c.buf):cap(c.buf)], 1)
	c.buf = c.buf[:len(c.buf)+n]
	return err
}

// cursor returns a cursor that holds off or is at it.
func (q *streamSeq) cursor(off int64) (*streamCursor, error) {
	q.tick++
	var best *streamCursor
	for _, c := range q.curs {
		if c.start <= off && (best == nil || c.next() > best.next()) {
			best = c
		}
	}
	if best == nil || off-best.next() > maxSkip && len(q.curs) < maxCursors {
		s, _, err := q.p.openStream(q.name)
		if err != nil {
			return nil, err
		}
		c := &streamCursor{s: s}
		if len(q.curs) >= maxCursors {
			// Replace the least recently used.
			lru := 0
			for i, o := range q.curs {
				if o.used < q.curs[lru].used {
					lru = i
				}
			}
			q.curs[lru] = c
		} else {
			q.curs = append(q.curs, c)
		}
		best = c
	}
	best.used = q.tick
	for off > best.next() {
		if d := off - best.next(); d > maxSkip {
			if err := best.seek(off); err != nil {
				q.drop(best)
				return nil, q.p.errorf("stream "+quoteName(q.name), formatErr("cannot reach offset %d (%v)", off, err))
			}
			break
		}
		if err := best.fill(); err != nil {
			q.drop(best)
			return nil, q.ends(best, err)
		}
	}
	return best, nil
}

// seek moves the cursor's reader to off without reading the data between.
func (c *streamCursor) seek(off int64) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("damaged sector chain (%v)", v)
		}
	}()
	if _, err := c.s.f.Seek(off, io.SeekStart); err != nil {
		return err
	}
	c.s.off = off
	c.start, c.buf = off, c.buf[:0]
	return nil
}

func (q *streamSeq) drop(c *streamCursor) {
	for i, o := range q.curs {
		if o == c {
			q.curs = append(q.curs[:i], q.curs[i+1:]...)
			return
		}
	}
}

// pageCache caches the small reads of a compound-file reader in a few
// pages; large reads go straight through.
type pageCache struct {
	ra    io.ReaderAt
	mu    sync.Mutex
	pages [8]cachePage
	tick  uint64
}

type cachePage struct {
	off  int64 // -1: empty
	n    int
	used uint64
	b    [pageSize]byte
}

const pageSize = 4096

func (c *pageCache) ReadAt(b []byte, off int64) (int, error) {
	if len(b) > pageSize/4 {
		return c.ra.ReadAt(b, off)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	done := 0
	for done < len(b) {
		at := off + int64(done)
		base := at &^ (pageSize - 1)
		pg := c.page(base)
		i := int(at - base)
		if pg == nil || i >= pg.n {
			// The page cannot be read whole (the end of the file, or a
			// read failing elsewhere in it): read what is asked as it is.
			n, err := c.ra.ReadAt(b[done:], at)
			return done + n, err
		}
		done += copy(b[done:], pg.b[i:pg.n])
	}
	return done, nil
}

// page returns the page at base, reading it if it is not cached.
func (c *pageCache) page(base int64) *cachePage {
	c.tick++
	lru := &c.pages[0]
	for i := range c.pages {
		pg := &c.pages[i]
		if pg.n > 0 && pg.off == base {
			pg.used = c.tick
			return pg
		}
		if pg.used < lru.used {
			lru = pg
		}
	}
	n, err := c.ra.ReadAt(lru.b[:], base)
	if n == 0 && err != nil {
		lru.n = 0
		return nil
	}
	lru.off, lru.n, lru.used = base, n, c.tick
	return lru
}

// embeddedStream finds an embedded cabinet's stream by name, ignoring
// case as Windows does for the Cabinet column.
func (p *Package) embeddedStream(name string) (string, bool) {
	if p.HasStream(name) {
		return name, true
	}
	for _, s := range p.Streams() {
		if strings.EqualFold(s.Name, name) {
			return s.Name, true
		}
	}
	return "", false
}
