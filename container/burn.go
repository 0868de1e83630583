package container

import (
	"errors"
	"fmt"
	"io"
	"io/fs"

	"github.com/msikit/msikit/internal/burn/bundle"
	"github.com/msikit/msikit/internal/infile"
	"github.com/msikit/msikit/internal/safepath"
)

// burnFormat is a WiX Burn bundle: its payloads, under the names its
// manifest gives them (Payload/@FilePath), from the UX container, the
// attached containers after the engine and the detached containers beside
// the bundle; external payloads beside the bundle too.
type burnFormat struct {
	b       *bundle.Bundle
	ms      []*Member
	byP     map[*bundle.Payload]*Member
	closers []io.Closer
}

func openBurn(r io.ReaderAt, size int64, c *Container) (format, error) {
	b, err := bundle.Open(r, size)
	if b == nil {
		return nil, err
	}
	f := &burnFormat{b: b, byP: map[*bundle.Payload]*Member{}}
	// Why each container cannot be read, if it cannot: cut short by the
	// end of the bundle, or detached and not beside it.
	broken := map[*bundle.Container]error{}
	for _, bc := range b.Containers {
		if bc.Attached {
			if _, err := b.OpenContainer(bc); err != nil {
				broken[bc] = fmt.Errorf("container %q: %w", bc.ID, err)
			}
			continue
		}
		if err := f.detached(bc, c.opts.Dir); err != nil {
			broken[bc] = err
		}
	}
	for _, p := range b.Payloads {
		m := &Member{Name: safepath.Clean(p.FilePath), Size: p.FileSize, sys: p}
		switch {
		case p.Container != nil:
			if err := broken[p.Container]; err != nil {
				m.Err = fmt.Errorf("%s (payload %q): %w", m.Name, p.ID, err)
			}
		default:
			rc, err := openBeside(c.opts.Dir, p.SourcePath)
			if err != nil {
				m.Err = fmt.Errorf("%s: %w: external payload %q, %s beside the bundle: %v", m.Name, ErrMissing, p.ID, p.SourcePath, err)
			} else {
				f.closers = append(f.closers, rc)
				m.sys = externalPayload{p, rc}
			}
		}
		f.ms = append(f.ms, m)
		f.byP[p] = m
	}
	return f, nil
}

// externalPayload is an external payload found beside the bundle.
type externalPayload struct {
	*bundle.Payload
	f fs.File
}

// detached finds a detached container's cabinet beside the bundle and
// hands it to the bundle.
func (f *burnFormat) detached(bc *bundle.Container, dir fs.FS) error {
	fh, err := openBeside(dir, bc.FilePath)
	if err != nil {
		return fmt.Errorf("%w: detached container %q: its cabinet %s is not beside the bundle (%v)", ErrMissing, bc.ID, bc.FilePath, err)
	}
	f.closers = append(f.closers, fh)
	ra, ok := fh.(io.ReaderAt)
	st, serr := fh.Stat()
	if !ok || serr != nil {
		return fmt.Errorf("detached container %q: %s cannot be read at random", bc.ID, bc.FilePath)
	}
	if err := f.b.UseDetached(bc, ra, st.Size()); err != nil {
		return fmt.Errorf("detached container %q: %w", bc.ID, err)
	}
	return nil
}

// openBeside opens a file named by a bundle (backslashes separating
// directories) in dir, matching each name case-insensitively as Windows
// would.
func openBeside(dir fs.FS, name string) (fs.File, error) {
	if dir == nil {
		return nil, errors.New("the bundle's directory is not known")
	}
	found, err := infile.FindFold(dir, safepath.Clean(name))
	if err != nil {
		return nil, err
	}
	return dir.Open(found)
}

func (f *burnFormat) members() []*Member { return f.ms }

func (f *burnFormat) each(fn func(*Member, io.Reader, error) error) error {
	for _, bc := range f.b.Containers {
		if _, err := f.b.OpenContainer(bc); err != nil {
			continue // its payloads carry the error
		}
		err := deliverRead(f.byP, func(deliver func(*bundle.Payload, io.Reader) error) error {
			return f.b.ReadPayloads(bc, deliver)
		}, func(e error) (*bundle.Payload, bool) {
			var pe *bundle.PayloadError
			if errors.As(e, &pe) {
				return pe.Payload, true
			}
			return nil, false
		}, fn)
		if err != nil {
			return err
		}
	}
	var external []*Member
	for _, m := range f.ms {
		if _, ok := m.sys.(externalPayload); ok {
			external = append(external, m)
		}
	}
	return eachByOpen(external, f.open, fn)
}

func (f *burnFormat) open(m *Member) (io.ReadCloser, error) {
	if ep, ok := m.sys.(externalPayload); ok {
		// A fresh handle each time: the one kept is only for listing.
		ra, ok := ep.f.(io.ReaderAt)
		st, err := ep.f.Stat()
		if !ok || err != nil {
			return nil, fmt.Errorf("%s cannot be read at random", ep.SourcePath)
		}
		return io.NopCloser(io.NewSectionReader(ra, 0, st.Size())), nil
	}
	return f.b.OpenPayload(m.sys.(*bundle.Payload))
}

func (f *burnFormat) close() error {
	for _, c := range f.closers {
		c.Close()
	}
	return nil
}
