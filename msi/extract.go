package msi

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/msikit/msikit/cab"
	"github.com/msikit/msikit/msi/internal/deliver"
)

// FileContent is one file's bytes as ReadFiles delivers them: valid only
// during the call.
type FileContent struct {
	File     *File
	Modified time.Time // from the cabinet, or the source file's time
	Reader   io.Reader
	// Size is how many bytes the file must have: the File table's size,
	// except for an uncompressed source file whose size differs from it,
	// delivered as it is (as msiexec /a copies it) unless Strict.
	Size int64
}

// ReadOptions tunes ReadFiles.
type ReadOptions struct {
	// Workers is how many cabinet folders may be decoded at once.
	Workers int
	// CabinetOptions are passed to the cabinet reader (checksum
	// verification off for salvage, say).
	CabinetOptions []cab.Option
	// Strict refuses an uncompressed source file whose size differs from
	// the File table (ErrSize). Otherwise it is delivered, and Warnings
	// says so: Windows Installer copies such files (Microsoft's own
	// instmsi.msi has four).
	Strict bool
	// CheckSize makes each file's reader fail with ErrSize when its bytes
	// are not as many as Size says, so that a writer that renames its
	// output into place only on success never leaves a file of the wrong
	// size. Without it the bytes are delivered as they are.
	CheckSize bool
}

// Reading reports what ReadFiles did.
type Reading struct {
	// DecodedBytes counts the bytes the cabinet decoders produced: reading
	// a few files decodes only the folders holding them.
	DecodedBytes int64
	// Cabinets lists the cabinets opened, by name.
	Cabinets []string
}

// ReadFiles delivers the bytes of files (from FileList) to fn: the files in
// cabinets folder by folder, each folder decoded once; the uncompressed
// ones from the source directory. fn may be called concurrently when
// Workers > 1.
//
// It goes on past errors: the error, if any, is a FileErrors, one
// *FileError per file that could not be read.
func (p *Package) ReadFiles(files []*File, o ReadOptions, fn func(FileContent) error) (*Reading, error) {
	rep := &Reading{}
	var errs FileErrors
	fail := func(f *File, err error) { errs = append(errs, &FileError{File: f, Err: err}) }
	if o.CheckSize {
		give := fn
		fn = func(c FileContent) error {
			c.Reader = deliver.CheckSize(c.Reader, c.Size, ErrSize)
			return give(c)
		}
	}

	// Group the compressed files by cabinet, in media order.
	var order []string
	byCab := map[string][]*File{}
	media := map[string]*Media{}
	var loose []*File
	for _, f := range files {
		if !f.Compressed {
			loose = append(loose, f)
			continue
		}
		if f.Media == nil {
			fail(f, formatErr("no Media row covers its sequence number %d", f.Sequence))
			continue
		}
		key := strings.ToLower(f.Media.Cabinet)
		if _, ok := byCab[key]; !ok {
			order = append(order, key)
			media[key] = f.Media
		}
		byCab[key] = append(byCab[key], f)
	}
	var decoded atomic.Int64
	done := map[string]bool{} // cabinets already read as part of a set
	for _, key := range order {
		if done[key] {
			continue
		}
		m := media[key]
		rc, setErr, err := p.openCabinet(m, o.CabinetOptions)
		if err != nil {
			for _, f := range byCab[key] {
				fail(f, err)
			}
			continue
		}
		rep.Cabinets = append(rep.Cabinets, rc.PartNames()...)
		// A spanned set holds the files of every part: serve them all now.
		want := byCab[key]
		for _, part := range rc.PartNames() {
			pk := strings.ToLower(part)
			if m.Embedded() {
				pk = "#" + pk
			}
			if pk != key && !done[pk] {
				want = append(want, byCab[pk]...)
			}
			done[pk] = true
		}
		for _, e := range p.readCabinet(rc, want, o, fn) {
			if setErr != nil && errors.Is(e.Err, cab.ErrMissingPart) {
				e.Err = fmt.Errorf("%w (%v)", e.Err, setErr)
			}
			errs = append(errs, e)
		}
		decoded.Add(rc.DecodedBytes())
		rc.Close()
	}
	for _, f := range loose {
		if err := p.readLoose(f, o.Strict, fn); err != nil {
			fail(f, err)
		}
	}
	rep.DecodedBytes = decoded.Load()
	if len(errs) == 0 {
		return rep, nil
	}
	return rep, errs
}

// readCabinet delivers the files wanted from one cabinet (or set).
func (p *Package) readCabinet(rc *cab.ReadCloser, want []*File, o ReadOptions, fn func(FileContent) error) []*FileError {
	byName := map[string]*cab.File{}
	for _, cf := range rc.File {
		if _, dup := byName[cf.Name]; !dup {
			byName[cf.Name] = cf
		}
	}
	var errs []*FileError
	var jobs []deliver.Job[*File]
	for _, f := range want {
		cf, ok := byName[f.Key]
		if !ok {
			errs = append(errs, &FileError{File: f, Err: fmt.Errorf("%w: not in cabinet %s", ErrMissingSource, rc.Name())})
			continue
		}
		jobs = append(jobs, deliver.Job[*File]{Item: f, Member: cf})
	}
	fails := deliver.Cabinet(&rc.Reader, jobs, o.Workers, func(f *File, cf *cab.File, content io.Reader) error {
		return fn(FileContent{File: f, Modified: cf.Modified, Reader: content, Size: f.Size})
	})
	for _, x := range fails {
		errs = append(errs, &FileError{File: x.Item, Err: fmt.Errorf("cabinet %s: %w", rc.Name(), x.Err)})
	}
	return errs
}

// openCabinets keeps a package's cabinets open from one read of a single
// file to the next (the package's fs.FS): cab.File.Open then keeps its
// decoders where they stopped and the files it skipped, so a walk of the
// FS in any order decodes each folder about once.
type openCabinets struct {
	p    *Package
	mu   sync.Mutex
	cabs map[string]*openCabinet
}

type openCabinet struct {
	rc     *cab.ReadCloser
	byName map[string]*cab.File
	err    error
}

// open returns a reader of a compressed file's bytes, checked against the
// File table's size.
func (oc *openCabinets) open(f *File) (io.Reader, error) {
	if f.Media == nil {
		return nil, formatErr("no Media row covers its sequence number %d", f.Sequence)
	}
	key := strings.ToLower(f.Media.Cabinet)
	oc.mu.Lock()
	c := oc.cabs[key]
	if c == nil {
		c = &openCabinet{}
		c.rc, _, c.err = oc.p.openCabinet(f.Media, nil)
		if c.err == nil {
			c.byName = map[string]*cab.File{}
			for _, cf := range c.rc.File {
				if _, dup := c.byName[cf.Name]; !dup {
					c.byName[cf.Name] = cf
				}
			}
		}
		if oc.cabs == nil {
			oc.cabs = map[string]*openCabinet{}
		}
		oc.cabs[key] = c
	}
	oc.mu.Unlock()
	if c.err != nil {
		return nil, c.err
	}
	cf, ok := c.byName[f.Key]
	if !ok {
		return nil, fmt.Errorf("%w: not in cabinet %s", ErrMissingSource, c.rc.Name())
	}
	r, err := cf.Open()
	if err != nil {
		return nil, fmt.Errorf("cabinet %s: %w", c.rc.Name(), err)
	}
	// Closing gives the decoder back for the next file.
	return struct {
		io.Reader
		io.Closer
	}{deliver.CheckSize(r, f.Size, ErrSize), r}, nil
}

// OpenCabinet opens the cabinet of a Media row: a stream of the package
// for an embedded one ("#name", found ignoring case as Windows finds
// it), a file beside the package for an external one, with the other
// parts of its set. When another part is missing or damaged, the reader
// holds this part's files, and those that need the others fail with
// cab.ErrMissingPart when read. A cabinet that is not there gets
// ErrMissingSource. Close the reader when done.
func (p *Package) OpenCabinet(m *Media, opts ...cab.Option) (*cab.ReadCloser, error) {
	rc, _, err := p.openCabinet(m, opts)
	return rc, err
}

// openCabinet opens the cabinet of a Media row, embedded or external, with
// the other parts of its set. When another part is missing or damaged it
// opens this part alone and says why in setErr.
func (p *Package) openCabinet(m *Media, opts []cab.Option) (rc *cab.ReadCloser, setErr, err error) {
	open := func(name string) (*cab.Part, error) {
		if m.Embedded() {
			if s, ok := p.embeddedStream(name); ok {
				ra, size, err := p.streamReaderAt(s)
				if err != nil {
					return nil, err
				}
				return &cab.Part{R: ra, Size: size, Name: s, Closer: ra}, nil
			}
		}
		rel, err := cabinetPath(name)
		if err != nil {
			return nil, err
		}
		found, err := findFold(p.source, rel)
		if err != nil {
			return nil, &fs.PathError{Op: "open", Path: rel, Err: fs.ErrNotExist}
		}
		f, err := p.source.Open(found)
		if err != nil {
			return nil, err
		}
		fi, err := f.Stat()
		ra, ok := f.(io.ReaderAt)
		if err != nil || !ok {
			f.Close()
			return nil, fmt.Errorf("%s: cannot be read at random", found)
		}
		return &cab.Part{R: ra, Size: fi.Size(), Name: path.Base(found), Closer: f}, nil
	}
	first, err := open(m.CabinetName())
	if errors.Is(err, fs.ErrNotExist) {
		where := "external, beside the package"
		if m.Embedded() {
			where = "embedded stream"
		}
		return nil, nil, fmt.Errorf("%w: cabinet %s (%s) of disk %d", ErrMissingSource, m.CabinetName(), where, m.DiskID)
	}
	if err != nil {
		return nil, nil, err
	}
	rc, err = cab.NewSetReader(first, open, opts...)
	if err == nil {
		return rc, nil, nil
	}
	// Another part of the set is missing or damaged: read what this part
	// holds; files that need the others fail one by one, naming them.
	setErr = err
	again, err := open(m.CabinetName())
	if err != nil {
		return nil, nil, setErr
	}
	rc, err = cab.NewPartReader(again, opts...)
	if err != nil {
		return nil, nil, setErr
	}
	return rc, setErr, nil
}

// readLoose reads an uncompressed file from the source directory.
func (p *Package) readLoose(f *File, strict bool, fn func(FileContent) error) error {
	found, err := findFold(p.source, f.SourcePath)
	if err != nil {
		return fmt.Errorf("uncompressed source file %w", err)
	}
	r, err := p.source.Open(found)
	if err != nil {
		return err
	}
	defer r.Close()
	fi, err := r.Stat()
	if err != nil {
		return err
	}
	size := f.Size
	if fi.Size() != f.Size {
		if strict {
			return fmt.Errorf("%w: the source file %s has %d bytes, the table says %d", ErrSize, found, fi.Size(), f.Size)
		}
		size = fi.Size()
		p.note(fmt.Sprintf("file %s: the source file %s has %d bytes, the File table says %d; copied as it is, as msiexec /a copies it", f.Key, found, fi.Size(), f.Size))
	}
	return fn(FileContent{File: f, Modified: fi.ModTime(), Reader: r, Size: size})
}
