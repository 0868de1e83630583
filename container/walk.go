package container

import (
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"time"
)

// DefaultMaxDepth is the depth Walk goes down to when given none: a
// download holding a bundle holding a package holding a cabinet holding
// a file is 4 levels.
const DefaultMaxDepth = 8

// maxOpened bounds the containers one walk opens: depth alone does not
// bound an archive of archives of archives, each holding many copies of
// the next (a "zip bomb" by nesting). Past it, a container is reported
// with an error, not opened.
var maxOpened = 1 << 14

// SkipDir, returned by a WalkFunc for a container entry, keeps Walk from
// opening it. SkipAll stops the walk, which then returns nil.
var (
	SkipDir = fs.SkipDir
	SkipAll = fs.SkipAll
)

// Entry is one node of the tree Walk goes through.
type Entry struct {
	// Path is the root's name, then the names of the members down to
	// this one, joined by "/".
	Path string
	// Container is the Path of the container holding the entry, "" for
	// the root; Name is the entry's name inside it (for the root, its
	// name).
	Container, Name string
	// Kind is what the entry holds, told from its bytes (File for a
	// leaf).
	Kind Kind
	// Size is its size in bytes, or -1 when not known.
	Size     int64
	Modified time.Time
	// Depth is 0 for the root, 1 for its members, and so on.
	Depth int
	// Err is why the entry cannot be read (its bytes are then not
	// given) or, for a container, why it cannot be opened (its bytes are
	// given, its members not walked).
	Err error
	// Warnings are the container's warnings (see Container.Warnings).
	Warnings []string
}

// WalkFunc is called for each entry, a container before its members. r
// reads the entry's bytes, during the call only; it is nil for the root
// and for an entry whose Err says it cannot be read. For a container
// entry (and any entry Walk had to hold whole) r is also an io.ReaderAt
// and an io.Seeker over the Size bytes, to open it another way. Returning SkipDir
// for a container keeps its members from being walked; returning any
// other error stops the walk with that error.
type WalkFunc func(e *Entry, r io.Reader) error

// Walk calls fn for c (the root, depth 0) and every member of it, going
// down into the members that are containers, whatever their name says,
// to maxDepth levels (DefaultMaxDepth when maxDepth <= 0): a container
// at depth maxDepth is reported with its kind but not opened. Nested
// containers are opened with c's options, named by their Path, with the
// container holding them as their directory (Options.Dir): a package
// inside a bundle finds its external cabinet among the bundle's
// payloads.
//
// A member that cannot be read is an entry with Err set, and the walk
// goes on: Walk returns an error only when fn does (or when c cannot be
// read at all).
func Walk(c *Container, maxDepth int, fn WalkFunc) error {
	if maxDepth <= 0 {
		maxDepth = DefaultMaxDepth
	}
	root := &Entry{Path: c.Name, Name: c.Name, Kind: c.Kind, Size: c.Size, Warnings: c.Warnings}
	err := fn(root, nil)
	if err == nil {
		w := &walker{maxDepth: maxDepth, fn: fn}
		err = w.walk(c, root)
	}
	if err == SkipDir || err == SkipAll {
		return nil
	}
	return err
}

// walker is the state of one walk.
type walker struct {
	maxDepth int
	fn       WalkFunc
	opened   int // containers opened below the root
}

func (w *walker) walk(c *Container, parent *Entry) error {
	fn := w.fn
	visit := func(m *Member, r io.Reader, err error) error {
		e := &Entry{Path: parent.Path + "/" + m.Name, Container: parent.Path, Name: m.Name, Kind: File,
			Size: m.Size, Modified: m.Modified, Depth: parent.Depth + 1, Err: err}
		if err != nil {
			return skip(fn(e, nil))
		}
		return w.visitMember(c, e, r)
	}
	if err := c.impl.each(visit); err != nil {
		return err
	}
	for _, m := range c.Members {
		if m.Err != nil {
			if err := visit(m, nil, m.Err); err != nil {
				return err
			}
		}
	}
	return nil
}

// visitMember tells what a member holds and goes into it. Only a member
// whose first bytes may start a container (or whose size is not known
// until it is read) is spooled; the others are handed to fn as they are
// read.
func (w *walker) visitMember(c *Container, e *Entry, r io.Reader) error {
	fn := w.fn
	head := make([]byte, headLen)
	n, err := io.ReadFull(r, head)
	head = head[:n]
	if err != nil && err != io.EOF && err != io.ErrUnexpectedEOF {
		e.Err = fmt.Errorf("%s: %w", e.Path, err)
		return skip(fn(e, nil))
	}
	r = io.MultiReader(bytes.NewReader(head), r)
	if !mayContain(head) && e.Size >= 0 {
		return skip(fn(e, r))
	}
	sp, err := newSpool(r)
	if err != nil {
		e.Err = fmt.Errorf("%s: %w", e.Path, err)
		return skip(fn(e, nil))
	}
	defer sp.close()
	e.Size = sp.size
	var nested *Container
	e.Kind, err = detect(sp, sp.size, c.opts.Cabinet)
	if err != nil {
		err = fmt.Errorf("%s (%s): %w", e.Path, e.Kind, err)
	} else if e.Kind.IsContainer() && e.Depth < w.maxDepth && w.opened >= maxOpened {
		err = fmt.Errorf("%s (%s): %w: not opened, %d containers already opened in this walk", e.Path, e.Kind, ErrFormat, maxOpened)
	} else if e.Kind.IsContainer() && e.Depth < w.maxDepth {
		w.opened++
		o := c.opts
		o.Dir = nil
		if sub, err := fs.Sub(c, dirOf(e.Name)); err == nil {
			o.Dir = sub // its siblings: a package's external cabinets
		}
		nc := &Container{Name: e.Path, Size: sp.size, opts: o}
		impl, oerr := openAs(e.Kind, sp, sp.size, nc)
		if nested, err = nc.init(e.Kind, impl, oerr); nested != nil {
			defer nested.Close()
			e.Warnings = nested.Warnings
		}
	}
	e.Err = err
	if err := fn(e, sp.reader()); err != nil || nested == nil {
		return skip(err)
	}
	return w.walk(nested, e)
}

// skip turns SkipDir into nil: for an entry that is not walked into
// anyway.
func skip(err error) error {
	if err == SkipDir {
		return nil
	}
	return err
}
