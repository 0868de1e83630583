package msi

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"strings"
	"sync/atomic"
	"time"

	"github.com/msikit/msikit/cab"
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
}

// Reading reports what ReadFiles did.
type Reading struct {
	// DecodedBytes counts the bytes the cabinet decoders produced: reading
	// a few files decodes only the folders holding them.
	DecodedBytes int64
	// Cabinets lists the cabinets opened, by name.
	Cabinets []string
}

// FileError is the error of one file during ReadFiles.
type FileError struct {
	File *File
	Err  error
}

func (e *FileError) Error() string { return e.File.Key + " (" + e.File.Path + "): " + e.Err.Error() }
func (e *FileError) Unwrap() error { return e.Err }

// ReadFiles delivers the bytes of files (from FileList) to fn: the files in
// cabinets folder by folder, each folder decoded once; the uncompressed
// ones from the source directory. It goes on past errors and returns them
// joined, each a *FileError naming its file. fn may be called
// concurrently when Workers > 1.
func (p *Package) ReadFiles(files []*File, o ReadOptions, fn func(FileContent) error) (*Reading, error) {
	rep := &Reading{}
	var errs []error
	fail := func(f *File, err error) { errs = append(errs, &FileError{File: f, Err: err}) }

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
			if setErr != nil && errors.Is(e, cab.ErrMissingPart) {
				e = fmt.Errorf("%w (%v)", e, setErr)
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
	return rep, errors.Join(errs...)
}

// readCabinet delivers the files wanted from one cabinet (or set).
func (p *Package) readCabinet(rc *cab.ReadCloser, want []*File, o ReadOptions, fn func(FileContent) error) []error {
	byName := map[string]*cab.File{}
	for _, cf := range rc.File {
		if _, dup := byName[cf.Name]; !dup {
			byName[cf.Name] = cf
		}
	}
	var errs []error
	var sel []*cab.File
	users := map[*cab.File][]*File{}
	for _, f := range want {
		cf, ok := byName[f.Key]
		if !ok {
			errs = append(errs, &FileError{File: f, Err: fmt.Errorf("%w: not in cabinet %s", ErrMissingSource, rc.Name())})
			continue
		}
		if users[cf] == nil {
			sel = append(sel, cf)
		}
		users[cf] = append(users[cf], f)
	}
	err := rc.Extract(sel, o.Workers, func(cf *cab.File, content io.Reader) error {
		fs := users[cf]
		if len(fs) > 1 {
			// Two rows naming one member (rare): read it once, deliver twice.
			b, err := io.ReadAll(content)
			if err != nil {
				return err
			}
			for _, f := range fs {
				if err := fn(FileContent{File: f, Modified: cf.Modified, Reader: strings.NewReader(string(b)), Size: f.Size}); err != nil {
					return err
				}
			}
			return nil
		}
		return fn(FileContent{File: fs[0], Modified: cf.Modified, Reader: content, Size: fs[0].Size})
	})
	for _, e := range unjoin(err) {
		var fe *cab.FileError
		if errors.As(e, &fe) {
			for _, f := range users[fe.File] {
				errs = append(errs, &FileError{File: f, Err: fmt.Errorf("cabinet %s: %w", rc.Name(), fe.Err)})
			}
			continue
		}
		errs = append(errs, e)
	}
	return errs
}

func unjoin(err error) []error {
	if err == nil {
		return nil
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
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
