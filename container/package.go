package container

import (
	"errors"
	"fmt"
	"io"

	"github.com/msikit/msikit/internal/safepath"
	"github.com/msikit/msikit/msi"
	"github.com/msikit/msikit/msi/patch"
)

// pkgFormat is a database or merge module: its files in the layout
// Options.Files gives.
type pkgFormat struct {
	p     *msi.Package
	c     *Container
	files []*msi.File
	ms    []*Member
}

// openPackage opens a compound file of the given kind. A transform holds
// no files: it is a container with no members.
func openPackage(r io.ReaderAt, size int64, c *Container, kind Kind) (format, error) {
	p, err := msi.NewPackage(r, size, c.Name)
	if err != nil {
		return nil, err
	}
	if c.opts.Dir != nil {
		p.SetSource(c.opts.Dir)
	}
	switch kind {
	case MSP:
		return openPatch(p, c)
	case MST:
		return &pkgFormat{p: p, c: c}, nil
	}
	files, err := msi.FileList(p, c.opts.Files)
	if err != nil {
		p.Close()
		return nil, err
	}
	f := &pkgFormat{p: p, c: c, files: files}
	for _, mf := range files {
		f.ms = append(f.ms, &Member{Name: mf.Path, Size: mf.Size, sys: mf})
	}
	return f, nil
}

func (f *pkgFormat) members() []*Member { return f.ms }

func (f *pkgFormat) each(fn func(*Member, io.Reader, error) error) error {
	byFile := make(map[*msi.File]*Member, len(f.ms))
	for _, m := range f.ms {
		byFile[m.sys.(*msi.File)] = m
	}
	return deliverRead(byFile, func(deliver func(*msi.File, io.Reader) error) error {
		_, err := f.p.ReadFiles(f.files, msi.ReadOptions{Workers: 1, CheckSize: true, Strict: f.c.opts.Strict, CabinetOptions: f.c.opts.Cabinet},
			func(fc msi.FileContent) error {
				byFile[fc.File].Modified = fc.Modified
				return deliver(fc.File, fc.Reader)
			})
		var fes msi.FileErrors
		if errors.As(err, &fes) {
			return joinAll(fes)
		}
		return err
	}, func(e error) (*msi.File, bool) {
		var fe *msi.FileError
		if errors.As(e, &fe) {
			return fe.File, true
		}
		return nil, false
	}, fn)
}

func (f *pkgFormat) open(m *Member) (io.ReadCloser, error) {
	mf := m.sys.(*msi.File)
	pr, pw := io.Pipe()
	go func() {
		_, err := f.p.ReadFiles([]*msi.File{mf}, msi.ReadOptions{CheckSize: true, Strict: f.c.opts.Strict, CabinetOptions: f.c.opts.Cabinet},
			func(fc msi.FileContent) error {
				_, err := io.Copy(pw, fc.Reader)
				return err
			})
		var fes msi.FileErrors
		if errors.As(err, &fes) && len(fes) == 1 {
			err = fes[0]
		}
		pw.CloseWithError(err)
	}()
	return pr, nil
}

func (f *pkgFormat) close() error { return f.p.Close() }

// patchFormat is a patch: the files of its cabinets, named from its
// transforms (Transform/Path, or Transform/Key when no row places it).
type patchFormat struct {
	pkgFormat
	pt    *patch.Patch
	files []*patch.File
}

func openPatch(p *msi.Package, c *Container) (format, error) {
	pt, err := patch.New(p, c.opts.Cabinet...)
	if err != nil {
		p.Close()
		return nil, err
	}
	files, err := pt.Files(patch.FileOptions{Layout: c.opts.Files.Layout, ShortNames: c.opts.Files.ShortNames})
	if err != nil {
		pt.Close()
		p.Close()
		return nil, err
	}
	f := &patchFormat{pkgFormat: pkgFormat{p: p, c: c}, pt: pt, files: files}
	for _, pf := range files {
		where := pf.Path
		if where == "" {
			where = pf.Key
		}
		m := &Member{Name: safepath.CleanSlash(pf.Transform) + "/" + where, Size: pf.Size, sys: pf}
		if pf.Member != nil {
			m.Modified = pf.Member.Modified
			if !pf.Named {
				m.Size = pf.Member.Size
			}
		}
		if pf.Delta {
			m.Err = fmt.Errorf("%s: %w: a binary delta (%s) against the installed file, not the file", m.Name, ErrUnsupported, pf.DeltaFormat)
		}
		f.ms = append(f.ms, m)
	}
	return f, nil
}

func (f *patchFormat) each(fn func(*Member, io.Reader, error) error) error {
	byFile := make(map[*patch.File]*Member, len(f.ms))
	var todo []*patch.File
	for _, m := range f.ms {
		if m.Err == nil {
			pf := m.sys.(*patch.File)
			byFile[pf] = m
			todo = append(todo, pf)
		}
	}
	return deliverRead(byFile, func(deliver func(*patch.File, io.Reader) error) error {
		err := f.pt.ReadFiles(todo, msi.ReadOptions{CheckSize: true}, deliver)
		var fes patch.FileErrors
		if errors.As(err, &fes) {
			return joinAll(fes)
		}
		return err
	}, func(e error) (*patch.File, bool) {
		var fe *patch.FileError
		if errors.As(e, &fe) {
			return fe.File, true
		}
		return nil, false
	}, fn)
}

func (f *patchFormat) open(m *Member) (io.ReadCloser, error) {
	pf := m.sys.(*patch.File)
	pr, pw := io.Pipe()
	go func() {
		err := f.pt.ReadFiles([]*patch.File{pf}, msi.ReadOptions{CheckSize: true}, func(_ *patch.File, r io.Reader) error {
			_, err := io.Copy(pw, r)
			return err
		})
		var fes patch.FileErrors
		if errors.As(err, &fes) && len(fes) == 1 {
			err = fes[0]
		}
		pw.CloseWithError(err)
	}()
	return pr, nil
}

func (f *patchFormat) close() error {
	f.pt.Close()
	return f.p.Close()
}

// joinAll joins a list of errors of one type.
func joinAll[E error](list []E) error {
	errs := make([]error, len(list))
	for i, e := range list {
		errs[i] = e
	}
	return errors.Join(errs...)
}
