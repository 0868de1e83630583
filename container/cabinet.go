package container

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strings"

	"github.com/msikit/msikit/cab"
)

// cabFormat is one cabinet (or spanned set), or the cabinets found in an
// executable: their members under their own paths, cabinet after
// cabinet.
type cabFormat struct {
	rs      []*cab.Reader
	closers []io.Closer
	ms      []*Member
	cut     error // the truncation a search reported
}

// openCabinet opens a cabinet starting at offset 0; with Options.Dir, the
// other parts of its spanned set are read from there. A set whose other
// part is missing is read alone, with a warning: the files wholly in this
// cabinet can still be read.
func openCabinet(r io.ReaderAt, size int64, c *Container) (format, error) {
	f := &cabFormat{}
	if c.opts.Dir != nil {
		part := &cab.Part{R: r, Size: size, Name: c.Name}
		rc, err := cab.NewSetReader(part, partOpener(c.opts.Dir), c.opts.Cabinet...)
		if err == nil {
			f.rs, f.closers = []*cab.Reader{&rc.Reader}, []io.Closer{rc}
			return f.list(), nil
		}
		if !errors.Is(err, cab.ErrMissingPart) {
			return nil, err
		}
		c.warn("%v: reading this cabinet alone", err)
	}
	rd, err := cab.NewReader(r, size, c.opts.Cabinet...)
	if err != nil {
		return nil, err
	}
	f.rs = []*cab.Reader{rd}
	return f.list(), nil
}

// partOpener finds a part of a spanned set in dir, by its name
// case-insensitively, as Windows would.
func partOpener(dir fs.FS) cab.PartOpener {
	return func(name string) (*cab.Part, error) {
		entries, err := fs.ReadDir(dir, ".")
		if err != nil {
			return nil, err
		}
		for _, e := range entries {
			if !strings.EqualFold(e.Name(), name) || !e.Type().IsRegular() {
				continue
			}
			fh, err := dir.Open(e.Name())
			if err != nil {
				return nil, err
			}
			ra, ok := fh.(io.ReaderAt)
			st, serr := fh.Stat()
			if !ok || serr != nil {
				fh.Close()
				return nil, fmt.Errorf("%s: cannot be read at random", name)
			}
			return &cab.Part{R: ra, Size: st.Size(), Name: e.Name(), Closer: fh}, nil
		}
		return nil, fmt.Errorf("%s: %w", name, fs.ErrNotExist)
	}
}

// openExeCabinets opens the cabinets embedded in an executable. A
// cabinet cut short by the end of the file is a member "(truncated)"
// whose error says what is missing; when nothing at all can be read,
// that is the error.
func openExeCabinets(r io.ReaderAt, size int64, c *Container) (format, error) {
	rs, err := cab.Search(r, size, c.opts.Cabinet...)
	if len(rs) == 0 {
		if err == nil {
			err = fmt.Errorf("%w: no cabinet found", ErrFormat)
		}
		return nil, err
	}
	f := &cabFormat{rs: rs}
	if errors.Is(err, cab.ErrTruncated) {
		f.cut = err
	}
	return f.list(), nil
}

func (f *cabFormat) list() *cabFormat {
	for _, rd := range f.rs {
		for _, cf := range rd.File {
			f.ms = append(f.ms, &Member{Name: cf.Path(), Size: cf.Size, Modified: cf.Modified, sys: cf})
		}
	}
	if f.cut != nil {
		// What the cut took is not listed anywhere: say so as a member.
		f.ms = append(f.ms, &Member{Name: "(truncated)", Size: -1, Err: f.cut})
	}
	return f
}

func (f *cabFormat) members() []*Member { return f.ms }

func (f *cabFormat) each(fn func(*Member, io.Reader, error) error) error {
	byFile := make(map[*cab.File]*Member, len(f.ms))
	for _, m := range f.ms {
		if cf, ok := m.sys.(*cab.File); ok {
			byFile[cf] = m
		}
	}
	for _, rd := range f.rs {
		err := deliverRead(byFile, func(deliver func(*cab.File, io.Reader) error) error {
			return rd.Extract(nil, 1, deliver)
		}, func(e error) (*cab.File, bool) {
			var fe *cab.FileError
			if errors.As(e, &fe) {
				return fe.File, true
			}
			return nil, false
		}, fn)
		if err != nil {
			return err
		}
	}
	return nil
}

func (f *cabFormat) open(m *Member) (io.ReadCloser, error) {
	return m.sys.(*cab.File).Open()
}

func (f *cabFormat) close() error {
	for _, c := range f.closers {
		c.Close()
	}
	return nil
}
