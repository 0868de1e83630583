package cab

import (
	"io"
	"sync"
	"sync/atomic"
)

// Reader is an open cabinet, or a whole spanned set of cabinets.
type Reader struct {
	// Header is the header of the first cabinet of the set.
	Header
	// Parts holds the header of every cabinet of the set, in order; it
	// has one element for a single cabinet.
	Parts []Header
	// Folders are the set's folders; a folder continued across cabinets
	// appears once.
	Folders []*Folder
	// File lists the files in the order the cabinets store them; a file
	// continued across cabinets appears once.
	File []*File

	name    string // the first cabinet's name, for messages
	o       *options
	cabs    []*cabinet
	decoded atomic.Int64

	mu    sync.Mutex
	idle  []*folderStream // decoders left at the end of a file by File.Open
	cache openCache       // files File.Open skipped over

	fsOnce sync.Once
	// slashNames: some name uses '/', so backslashes are part of names.
	slashNames bool
	fsRoot     *dirNode
}

// ReadCloser is a Reader that must be closed when no longer needed.
type ReadCloser struct {
	Reader
	closers []io.Closer
}

// Close closes the cabinet files.
func (rc *ReadCloser) Close() error {
	var first error
	for _, c := range rc.closers {
		if err := c.Close(); err != nil && first == nil {
			first = err
		}
	}
	rc.closers = nil
	return first
}

// NewReader reads the single cabinet in r, which has size bytes. Files
// continued from or to other cabinets are listed, but reading their bytes
// fails with ErrMissingPart; use OpenSet to read a spanned set.
func NewReader(r io.ReaderAt, size int64, opts ...Option) (*Reader, error) {
	o := buildOptions(opts)
	c, err := openCabinet(r, size, o)
	if err != nil {
		return nil, err
	}
	rd := new(Reader)
	if err := rd.init([]*cabinet{c}, o); err != nil {
		return nil, err
	}
	return rd, nil
}

// openCabinet parses the cabinet at offset 0 of r or, in search mode, the
// first one found.
func openCabinet(r io.ReaderAt, size int64, o *options) (*cabinet, error) {
	if o.search {
		cabs, truncs, err := search(r, size, o, 1)
		if err != nil {
			return nil, err
		}
		if len(cabs) == 0 {
			return nil, asError(truncs)
		}
		return cabs[0], nil
	}
	return parseCabinet(r, 0, size, o)
}

// NewPartReader reads the single cabinet p, as NewReader does, and closes
// p's Closer with the ReadCloser (or at once if it fails). It reads what
// one part of a set holds when the set cannot be opened whole.
func NewPartReader(p *Part, opts ...Option) (*ReadCloser, error) {
	o := buildOptions(opts)
	rc := &ReadCloser{}
	if p.Closer != nil {
		rc.closers = append(rc.closers, p.Closer)
	}
	c, err := openCabinet(p.R, p.Size, o)
	if err == nil {
		c.name = p.Name
		err = rc.Reader.init([]*cabinet{c}, o)
	}
	if err != nil {
		rc.Close()
		return nil, err
	}
	return rc, nil
}

// Open opens the single cabinet at path (see NewReader).
func Open(path string, opts ...Option) (*ReadCloser, error) {
	p, err := openFilePart(path)
	if err != nil {
		return nil, err
	}
	return NewPartReader(p, opts...)
}

// DecodedBytes returns how many uncompressed bytes the Reader's decoders
// have produced so far, over every File.Open and Extract: a measure of the
// work done, to check that only the folders needed were decoded.
func (r *Reader) DecodedBytes() int64 { return r.decoded.Load() }

// Name returns the name of the (first) cabinet, as used in messages: the
// base name of the path given to Open or OpenSet, "" for NewReader.
func (r *Reader) Name() string { return r.name }

// PartNames returns the file names of the set's cabinets, in order.
func (r *Reader) PartNames() []string {
	names := make([]string, len(r.cabs))
	for i, c := range r.cabs {
		names[i] = c.name
	}
	return names
}
