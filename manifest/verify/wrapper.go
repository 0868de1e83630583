package verify

import (
	"io"
	"path"
	"strings"

	"github.com/msikit/msikit/cab"
	"github.com/msikit/msikit/container"
	"github.com/msikit/msikit/msi"
)

// wrapper collects the files inside a download (a ZIP, self-extracting or
// not, a Burn bundle, an InstallShield launcher, an executable with
// cabinets), going down through it with the container walker. The
// packages and cabinets found inside are read as a package or cabinet
// given as the source is (a package's files checked against its File
// table); the other files are observed as they are. container is the
// download's path relative to the source folder ("" for the source
// itself): the files' Container is that path and the path inside.
func (c *collector) wrapper(file, where string, progress bool) error {
	root, err := container.OpenFile(file, &container.Options{Password: c.opts.Password, Files: msi.FileOptions{Layout: msi.LayoutAdmin}})
	if err != nil {
		return err
	}
	defer root.Close()
	// rel names an entry's path as the report names containers.
	rel := func(p string) string {
		p = strings.TrimPrefix(strings.TrimPrefix(p, root.Name), "/")
		if where == "" {
			return p
		}
		if p == "" {
			return where
		}
		return where + "/" + p
	}
	return container.Walk(root, 0, func(e *container.Entry, r io.Reader) error {
		if e.Depth == 0 {
			return nil
		}
		if e.Err != nil {
			if e.Kind.IsContainer() {
				c.note("%s: not opened as a %s (%v)", rel(e.Path), e.Kind, e.Err)
				c.mu.Lock()
				c.unopened = append(c.unopened, newSourceError(rel(e.Path), sourceKind(e.Kind), e.Err))
				c.mu.Unlock()
			}
			if r == nil {
				f := &File{Container: rel(e.Container), Path: e.Name, Name: path.Base(e.Name), folderPlatform: folderPlatform(e.Name)}
				f.Problems = append(f.Problems, readProblem(e.Err))
				c.add(f)
				return nil
			}
		}
		// A package or cabinet inside is read as one given as the
		// source; its bytes are at hand for random access.
		if ra, ok := r.(io.ReaderAt); ok && e.Err == nil {
			switch sourceKind(e.Kind) {
			case KindPackage:
				p, err := msi.NewPackage(ra, e.Size, path.Base(e.Name))
				if err == nil {
					err = c.pkg(p, rel(e.Path), 1, false)
					p.Close()
				}
				if err == nil && c.opts.Signatures {
					c.signatureAt(ra, e.Size, rel(e.Path))
				}
				return c.opened(e, rel(e.Path), err)
			case KindCabinet:
				rd, err := cab.NewReader(ra, e.Size)
				if err == nil {
					err = c.cabinet(rd, rel(e.Path), 1, false)
				}
				return c.opened(e, rel(e.Path), err)
			}
		}
		if e.Kind.IsContainer() && e.Err == nil {
			return nil // walked into
		}
		f := &File{Container: rel(e.Container), Path: e.Name, Name: path.Base(e.Name), folderPlatform: folderPlatform(e.Name),
			Modified: wallUTC(e.Modified)}
		if err := observeStream(f, r, c.sha); err != nil {
			f.Problems = append(f.Problems, readProblem(err))
		} else {
			checkFolder(f)
		}
		c.add(f)
		if progress {
			c.progress(f.Size)
		}
		return nil
	})
}

// opened ends the visit of a package or cabinet inside a download: its
// files are collected (SkipDir: the walker need not list them again), or
// it is noted as not opened.
func (c *collector) opened(e *container.Entry, where string, err error) error {
	if err != nil {
		c.note("%s: not opened as a %s (%v)", where, sourceKind(e.Kind), err)
		c.mu.Lock()
		c.unopened = append(c.unopened, newSourceError(where, sourceKind(e.Kind), err))
		c.mu.Unlock()
	}
	return container.SkipDir
}
