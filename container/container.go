package container

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path/filepath"
	"time"

	"github.com/msikit/msikit/cab"
	"github.com/msikit/msikit/internal/infile"
	"github.com/msikit/msikit/internal/joined"
	"github.com/msikit/msikit/msi"
)

// Options tunes how containers are opened.
type Options struct {
	// Password returns the password of an encrypted archive, named by
	// its file name (or its path in the tree). It is called at most once
	// per archive, and only for an archive with encrypted entries. A nil
	// function, or an empty password, means none is known: the archive
	// then fails to open with an error wrapping ErrPassword.
	Password func(archive string) ([]byte, error)
	// Dir is the directory holding the file (OpenFile sets it): where a
	// Burn bundle's detached containers and external payloads, the other
	// parts of a spanned cabinet set and a package's external cabinets
	// are looked for. Containers found inside other containers have none.
	Dir fs.FS
	// Files says how a package's files are laid out (its layout and
	// name choice), as msi.FileList takes it.
	Files msi.FileOptions
	// Cabinet are the options every cabinet is read with (a name
	// encoding, say).
	Cabinet []cab.Option
	// Strict refuses a package's uncompressed source file whose size
	// differs from its File table, as msi.ReadOptions.Strict does.
	Strict bool
}

// Container is an open container: what it is and what it holds.
type Container struct {
	// Name is the name it was opened with (a file name, or its path in
	// the tree for a nested container).
	Name string
	// Kind is what it is.
	Kind Kind
	// Size is its size in bytes.
	Size int64
	// Members are the files it holds, in the order they are stored.
	Members []*Member
	// Warnings are what was read in a way other than asked, such as a
	// spanned cabinet read alone because a part is missing.
	Warnings []string

	opts   Options
	impl   format
	closer io.Closer
	fs     fsTree
}

// Member is a file inside a container.
type Member struct {
	// Name is its slash-separated path inside the container: the
	// package layout's path, the archive entry's name, the Burn
	// payload's FilePath.
	Name string
	// Size is its size in bytes, or -1 when the container does not say
	// before it is read (an InstallShield file stored compressed).
	Size int64
	// Modified is its modification time, when the container keeps one.
	Modified time.Time
	// Err is set when the container lists the member but cannot deliver
	// its bytes: it names the member and says why (a missing detached
	// container, an unsupported compression method...).
	Err error

	c   *Container
	sys any // the format's own record: *msi.File, *zip.File, ...
}

// Sys returns the format's own description of the member: *msi.File,
// *patch.File, *cab.File, *zip.File, *bundle.Payload or
// *installshield.File.
func (m *Member) Sys() any { return m.sys }

// Open returns a reader of the member's bytes. The container checks what
// it can as the bytes are read (CRC-32, cabinet checksums, Burn hashes),
// and the reader reports a mismatch as an error at the end.
func (m *Member) Open() (io.ReadCloser, error) {
	if m.Err != nil {
		return nil, m.Err
	}
	return m.c.impl.open(m)
}

// format is what each kind of container implements.
type format interface {
	// members lists the members, in storage order.
	members() []*Member
	// each delivers the bytes of every member without an Err, in
	// storage order, one at a time; a member that cannot be read is
	// delivered with a nil reader and the error.
	each(fn func(m *Member, r io.Reader, err error) error) error
	// open opens one member.
	open(m *Member) (io.ReadCloser, error)
	close() error
}

// OpenFile opens the container at path, with o.Dir set to the directory
// holding it unless o sets it.
func OpenFile(path string, o *Options) (*Container, error) {
	f, err := infile.Open(path)
	if err != nil {
		return nil, err
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	var oo Options
	if o != nil {
		oo = *o
	}
	if oo.Dir == nil {
		oo.Dir = infile.DirFS(filepath.Dir(path))
	}
	c, err := Open(f, fi.Size(), filepath.Base(path), &oo)
	if err != nil {
		f.Close()
		return nil, err
	}
	c.closer = f
	return c, nil
}

// Open opens the container held by r, which has size bytes; name is used
// in errors and passed to Options.Password. A file that is no container
// this package opens is an error wrapping ErrNotContainer.
func Open(r io.ReaderAt, size int64, name string, o *Options) (*Container, error) {
	var oo Options
	if o != nil {
		oo = *o
	}
	c := &Container{Name: name, Size: size, opts: oo}
	kind, impl, err := open(r, size, c)
	if errors.Is(err, ErrNotContainer) {
		head := make([]byte, len(magicMZ))
		if n, _ := r.ReadAt(head, 0); n == len(head) && string(head) == string(magicMZ) {
			// Say what was looked for: an installer of another kind
			// (NSIS, Inno Setup) is not silently taken for nothing.
			err = fmt.Errorf("%w: a Windows executable carrying no Burn bundle, InstallShield overlay, ZIP archive or cabinet", err)
		}
	}
	return c.init(kind, impl, err)
}

// init completes a container that open or openAs made, or names it in
// their error.
func (c *Container) init(kind Kind, impl format, err error) (*Container, error) {
	if err != nil {
		if errors.Is(err, ErrNotContainer) {
			return nil, fmt.Errorf("%s: %w", c.Name, err)
		}
		return nil, fmt.Errorf("%s (%s): %w", c.Name, kind, err)
	}
	c.Kind, c.impl = kind, impl
	c.Members = impl.members()
	for _, m := range c.Members {
		m.c = c
	}
	return c, nil
}

// Close releases the container (and closes the file OpenFile opened).
func (c *Container) Close() error {
	var err error
	if c.impl != nil {
		err = c.impl.close()
	}
	if c.closer != nil {
		if cerr := c.closer.Close(); err == nil {
			err = cerr
		}
	}
	return err
}

func (c *Container) warn(format string, a ...any) {
	c.Warnings = append(c.Warnings, fmt.Sprintf(format, a...))
}

// eachByOpen delivers the members without an Err one by one, opening
// each: for formats whose members are read independently.
func eachByOpen(ms []*Member, open func(*Member) (io.ReadCloser, error), fn func(*Member, io.Reader, error) error) error {
	for _, m := range ms {
		if m.Err != nil {
			continue
		}
		rc, err := open(m)
		if err != nil {
			err = fn(m, nil, err)
		} else {
			err = fn(m, rc, nil)
			rc.Close()
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// deliverRead adapts a format's way of reading its files (read, which
// hands each file's key and bytes to deliver, goes on past errors and
// returns them joined) to format.each: every file reaches fn, with its
// bytes or its error. which tells the file an error is about; an error
// about no file ends the delivery.
func deliverRead[K comparable](byKey map[K]*Member, read func(deliver func(K, io.Reader) error) error,
	which func(error) (K, bool), fn func(*Member, io.Reader, error) error) error {
	var stop error
	err := read(func(k K, r io.Reader) error {
		if stop == nil {
			stop = fn(byKey[k], r, nil)
		}
		return stop
	})
	if stop != nil {
		return stop
	}
	for _, e := range joined.Errors(err) {
		k, ok := which(e)
		if !ok || byKey[k] == nil {
			return e
		}
		if err := fn(byKey[k], nil, e); err != nil {
			return err
		}
	}
	return nil
}
