package cfb

import (
	"bytes"
	"fmt"
	"io"
	"time"
)

// Builder is a compound file under construction: a root storage and the
// tree below it. The zero value is not usable; call New.
//
// A Builder is not safe for concurrent use.
type Builder struct {
	root    *Storage
	version int
}

// New returns an empty version 3 (512-byte sector) compound file.
func New() *Builder {
	b := &Builder{version: 3}
	b.root = &Storage{path: "", children: map[string]*entry{}}
	return b
}

// Root is the root storage, which holds the top-level entries and whose
// CLSID tells what the file is (CLSIDDatabase for an .msi).
func (b *Builder) Root() *Storage { return b.root }

// SetVersion chooses the major version: 3 (512-byte sectors, the default,
// which Windows Installer writes) or 4 (4096-byte sectors, needed for a
// stream over 2 GiB).
func (b *Builder) SetVersion(v int) error {
	if v != 3 && v != 4 {
		return fmt.Errorf("%w: %d (want 3 or 4)", ErrVersion, v)
	}
	b.version = v
	return nil
}

// Storage is a storage object: a directory of streams and storages. Its
// methods add children; names are checked when added.
type Storage struct {
	path     string // for error messages: "" for the root, else "a/b"
	clsid    CLSID
	state    uint32
	created  uint64 // FILETIMEs
	modified uint64
	children map[string]*entry // by foldKey of the name
}

// entry is one child of a storage: a sub-storage or a stream.
type entry struct {
	name  string
	units []uint16
	dir   *Storage // non-nil for a storage

	size int64
	data []byte                        // a stream given as bytes
	open func() (io.ReadCloser, error) // or as a source read at write time
}

// SetCLSID sets the storage's class ID. For the root of a Windows
// Installer file use CLSIDDatabase, CLSIDPatch or CLSIDTransform.
func (s *Storage) SetCLSID(id CLSID) { s.clsid = id }

// CLSID returns the storage's class ID.
func (s *Storage) CLSID() CLSID { return s.clsid }

// SetStateBits sets the storage's user-defined state flags.
func (s *Storage) SetStateBits(bits uint32) { s.state = bits }

// SetTimes sets the storage's creation and modification times; a zero
// time.Time is written as zero, the default. The root's creation time is
// always written as zero, as [MS-CFB] 2.6.3 requires.
func (s *Storage) SetTimes(created, modified time.Time) {
	s.created, s.modified = filetime(created), filetime(modified)
}

// Path is the storage's path from the root, names joined with "/"; "" for
// the root.
func (s *Storage) Path() string { return s.path }

// AddStream adds a stream holding data. The slice is kept, not copied,
// and read when the file is written: do not change it before then.
func (s *Storage) AddStream(name string, data []byte) error {
	e, err := s.add(name)
	if err != nil {
		return err
	}
	e.size, e.data = int64(len(data)), data
	return nil
}

// AddStreamReader adds a stream of size bytes read from r when the file is
// written, so that a large stream (a cabinet of hundreds of megabytes)
// goes from its source to the output without being held in memory. r is
// read once, to its end, so the Builder can be written only once; if r
// is an io.Closer it is not closed. Use AddStreamFunc to write more than
// once or to open the source only when it is needed.
func (s *Storage) AddStreamReader(name string, r io.Reader, size int64) error {
	used := false
	return s.AddStreamFunc(name, size, func() (io.ReadCloser, error) {
		if used {
			return nil, fmt.Errorf("%w: its reader was consumed by an earlier write", ErrStreamSize)
		}
		used = true
		return io.NopCloser(r), nil
	})
}

// AddStreamFunc adds a stream of size bytes whose content open returns
// when the file is written. open is called once per write, in directory
// order, and the reader is closed once size bytes are copied, so that no
// more than one source is open at a time.
func (s *Storage) AddStreamFunc(name string, size int64, open func() (io.ReadCloser, error)) error {
	if size < 0 {
		return fmt.Errorf("cfb: stream %s: %w: %d", joinPath(s.path, name), ErrInvalidSize, size)
	}
	e, err := s.add(name)
	if err != nil {
		return err
	}
	e.size, e.open = size, open
	return nil
}

// AddStorage adds an empty sub-storage and returns it.
func (s *Storage) AddStorage(name string) (*Storage, error) {
	e, err := s.add(name)
	if err != nil {
		return nil, err
	}
	e.dir = &Storage{path: joinPath(s.path, name), children: map[string]*entry{}}
	return e.dir, nil
}

// Storage returns the sub-storage with the given name (compared as
// [MS-CFB] compares names), or nil.
func (s *Storage) Storage(name string) *Storage {
	if e := s.lookup(name); e != nil {
		return e.dir
	}
	return nil
}

// Remove removes the entry with the given name, a stream or a storage with
// everything below it, and reports whether there was one. A removed
// storage's *Storage is detached: what is added to it later is not
// written.
func (s *Storage) Remove(name string) bool {
	e := s.lookup(name)
	if e == nil {
		return false
	}
	delete(s.children, foldKey(e.units))
	return true
}

// Names lists the storage's children in [MS-CFB] order (shorter names
// first, then case-insensitively).
func (s *Storage) Names() []string {
	kids := s.sorted()
	out := make([]string, len(kids))
	for i, e := range kids {
		out[i] = e.name
	}
	return out
}

func (s *Storage) lookup(name string) *entry {
	u, err := encodeName(name)
	if err != nil {
		return nil
	}
	return s.children[foldKey(u)]
}

func (s *Storage) add(name string) (*entry, error) {
	u, err := encodeName(name)
	if err != nil {
		return nil, fmt.Errorf("cfb: in %s: %w", s.describe(), err)
	}
	k := foldKey(u)
	if old, ok := s.children[k]; ok {
		return nil, fmt.Errorf("cfb: %w: %q in %s (already holds %q)", ErrDuplicate, name, s.describe(), old.name)
	}
	e := &entry{name: name, units: u}
	s.children[k] = e
	return e, nil
}

// describe names the storage in messages.
func (s *Storage) describe() string {
	if s.path == "" {
		return "the root storage"
	}
	return fmt.Sprintf("storage %q", s.path)
}

func joinPath(dir, name string) string {
	if dir == "" {
		return name
	}
	return dir + "/" + name
}

// source returns a reader for the stream's content.
func (e *entry) source() (io.ReadCloser, error) {
	if e.open != nil {
		return e.open()
	}
	return io.NopCloser(bytes.NewReader(e.data)), nil
}

// filetime converts t to a Windows FILETIME: 100-nanosecond intervals since
// 1601-01-01 UTC. Zero stays zero; a time before 1601 is clamped to zero.
func filetime(t time.Time) uint64 {
	if t.IsZero() {
		return 0
	}
	const epochDelta = 11644473600 // seconds from 1601-01-01 to 1970-01-01
	secs := t.Unix() + epochDelta
	if secs < 0 {
		return 0
	}
	return uint64(secs)*10_000_000 + uint64(t.Nanosecond()/100)
}
