package msi

import (
	"fmt"
	"io"
	"io/fs"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"unicode"

	"github.com/msikit/msikit/internal/infile"
	"github.com/msikit/msikit/msi/internal/streamname"
	"github.com/msikit/msikit/msi/internal/stringpool"
	"github.com/richardlehane/mscfb"
)

// Package is an open Windows Installer package. Its methods are safe for
// concurrent use: the compound file underneath is not, so reads are
// serialised.
type Package struct {
	name   string // file name for error messages
	size   int64
	closer io.Closer
	kind   Kind
	clsid  string

	mu       sync.Mutex
	entries  []*entry          // every stream and storage Windows reads, in directory order
	warnings []string          // what is not read as it stands: see Warnings
	byPath   map[string]*entry // decoded path ("storage/stream") to entry
	pool     *stringpool.Pool  // the root database's string pool
	catalog  *catalog          // _Tables and _Columns, read on first use
	tables   map[string]*Table // decoded tables, cached
	poolErr  error
	ra       io.ReaderAt
	source   fs.FS // the package's directory: external cabinets, uncompressed files
}

// entry is one compound-file directory entry with its decoded name.
type entry struct {
	f       *mscfb.File
	idx     int    // index in mscfb's File slice, to find it in a fresh reader
	raw     string // the entry's name as stored (packed)
	name    string // decoded (unpacked) name
	storage string // decoded path of the parent storage, "" for the root
	isDir   bool
	size    int64
}

func (e *entry) path() string {
	if e.storage == "" {
		return e.name
	}
	return e.storage + "/" + e.name
}

// Open opens the package at path.
func Open(path string) (*Package, error) {
	f, err := infile.Open(path) // never blocks on a FIFO; "-" is standard input in the CLI
	if err != nil {
		return nil, err
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	p, err := newPackage(f, fi.Size(), filepath.Base(path))
	if err != nil {
		f.Close()
		return nil, err
	}
	p.closer = f
	p.source = infile.DirFS(filepath.Dir(path)) // a FIFO as a cabinet or source file is refused
	return p, nil
}

// NewPackage reads a package from r, which holds size bytes. name is used
// in error messages only and may be empty.
func NewPackage(r io.ReaderAt, size int64, name string) (*Package, error) {
	return newPackage(r, size, name)
}

// Close closes the file Open opened. It does nothing for NewPackage.
func (p *Package) Close() error {
	if p.closer != nil {
		return p.closer.Close()
	}
	return nil
}

// Name is the file name the package was opened with.
func (p *Package) Name() string { return p.name }

// Kind tells a database from a patch or a transform.
func (p *Package) Kind() Kind { return p.kind }

// CLSID is the root storage's class ID, such as CLSIDDatabase.
func (p *Package) CLSID() string { return p.clsid }

// Size is the package's size in bytes.
func (p *Package) Size() int64 { return p.size }

func (p *Package) errorf(what string, err error) error {
	return &Error{File: p.name, What: what, Err: err}
}

// compound files hold at least a 512-byte header and one sector.
const minCompoundSize = 512

var cfbSignature = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}

func newPackage(r io.ReaderAt, size int64, name string) (p *Package, err error) {
	p = &Package{name: name, size: size, tables: map[string]*Table{}, ra: r}
	if size < minCompoundSize {
		return nil, p.errorf("", formatErr("file too small (%d bytes) to be a compound file", size))
	}
	sig := make([]byte, 8)
	if _, err := r.ReadAt(sig, 0); err != nil {
		return nil, p.errorf("", fmt.Errorf("%w: reading the header: %v", ErrFormat, err))
	}
	if string(sig) != string(cfbSignature) {
		return nil, p.errorf("", formatErr("not a compound file (bad signature)"))
	}
	if err := checkAllocationTables(r, size); err != nil {
		return nil, p.errorf("", err)
	}
	// mscfb validates most structures; a recover turns any panic on
	// damaged input it does not foresee into an error.
	defer func() {
		if v := recover(); v != nil {
			p, err = nil, p.errorf("", formatErr("damaged compound file (%v)", v))
		}
	}()
	// Its small reads (a sector's successor, 4 bytes) are cached: one
	// system call per sector of a table stream otherwise.
	doc, err := mscfb.New(&pageCache{ra: io.NewSectionReader(r, 0, size)})
	if err != nil {
		return nil, p.errorf("", damaged(err, size))
	}
	if len(doc.File) == 0 {
		return nil, p.errorf("", formatErr("no root storage"))
	}
	p.clsid = strings.ToUpper(doc.File[0].ID())
	p.kind = kindOf(p.clsid)
	p.byPath = map[string]*entry{}
	sh := resolveShadowed(r, size, doc.File)
	p.warnings = sh.warnings
	built := make([]*entry, len(doc.File))
	storagePath := map[uint32]string{0: ""} // by directory entry number
	for i, f := range doc.File {
		if i == 0 {
			continue // the root storage
		}
		e := &entry{f: f, idx: i, raw: rawName(f), isDir: f.FileInfo().IsDir(), size: f.Size}
		if e.raw == "" {
			continue // unnamed or unused entry
		}
		e.name = streamname.Decode(e.raw)
		if sh.placed != nil {
			// The parent's own decoded name: mscfb's Path loses a
			// storage name's leading control character.
			e.storage = storagePath[sh.placed[i].parent]
			storagePath[sh.placed[i].id] = e.path()
		} else {
			parts := make([]string, len(f.Path))
			for i, s := range f.Path {
				parts[i] = streamname.Decode(s)
			}
			e.storage = strings.Join(parts, "/")
		}
		if e.isDir {
			e.size = 0
		} else if e.size > size {
			return nil, p.errorf("stream "+quoteName(e.path()), formatErr("size %d exceeds the file size %d", e.size, size))
		}
		built[i] = e
		if _, shadowed := sh.by[i]; shadowed {
			continue
		}
		p.entries = append(p.entries, e)
		p.byPath[e.path()] = e
	}
	// A shadowed name that differs from the one read (in case only)
	// opens, in Windows, the entry read.
	for k, w := range sh.by {
		if w > 0 && built[k] != nil && built[w] != nil {
			if _, ok := p.byPath[built[k].path()]; !ok {
				p.byPath[built[k].path()] = built[w]
			}
		}
	}
	return p, nil
}

// damaged words an error from the compound-file reader for a user: what
// failed, and a hint when the size shows the usual cause (a package
// truncated, or converted as text by a download or a version-control
// checkout).
func damaged(err error, size int64) error {
	msg := strings.TrimPrefix(err.Error(), "mscfb: ")
	if i := strings.LastIndex(msg, "; "); i > 0 {
		msg = msg[:i] + " at " + msg[i+2:]
	}
	hint := ""
	if size%minCompoundSize != 0 {
		hint = fmt.Sprintf(" (the size, %d bytes, is not a whole number of 512-byte sectors: truncated, or converted as text?)", size)
	}
	return fmt.Errorf("%w: damaged compound file: %s%s", ErrFormat, msg, hint)
}

// rawName restores the leading control character mscfb moves into Initial.
func rawName(f *mscfb.File) string {
	if f.Initial != 0 && !unicode.IsPrint(rune(f.Initial)) {
		return string(rune(f.Initial)) + f.Name
	}
	return f.Name
}

// quoteName shows a name in messages in its printable form. A name
// given in that form (it has a backslash, which no stored name has) is
// shown as given.
func quoteName(s string) string {
	if raw, err := streamname.Parse(s); err == nil {
		s = raw
	}
	return streamname.Printable(s)
}

// PrintableName is how msikit shows a stream or storage name (or a
// STORAGE/STREAM path) to people: control characters, such as the \x05
// that starts "\x05SummaryInformation", are written \xNN, so that a name
// can be read, copied and typed. ReadStream, OpenStream and HasStream take
// this form as well as the decoded one; a malformed form (a backslash not
// starting \xNN) is an ErrInvalid error from them.
func PrintableName(name string) string { return streamname.Printable(name) }

// lookup finds the entry at a decoded path or at its printable form.
func (p *Package) lookup(path string) (*entry, bool) {
	if e, ok := p.byPath[path]; ok {
		return e, true
	}
	if raw, err := streamname.Parse(path); err == nil && raw != path {
		e, ok := p.byPath[raw]
		return e, ok
	}
	return nil, false
}

// StreamInfo describes one stream or storage of the compound file.
type StreamInfo struct {
	Name    string // decoded name, e.g. "Binary.Icon" or "\x05SummaryInformation"
	Storage string // the decoded path of the storage holding it, "" for the root
	Size    int64  // bytes; 0 for storages
	Dir     bool   // a storage (sub-storage), not a stream
}

// Path is Storage/Name, or Name at the root.
func (s StreamInfo) Path() string {
	if s.Storage == "" {
		return s.Name
	}
	return s.Storage + "/" + s.Name
}

// Entries lists every stream and storage, table streams included, in the
// compound file's directory order. An entry that another of the same name
// shadows (Windows never reads it) is left out and reported by Warnings.
func (p *Package) Entries() []StreamInfo {
	out := make([]StreamInfo, 0, len(p.entries))
	for _, e := range p.entries {
		out = append(out, StreamInfo{Name: e.name, Storage: e.storage, Size: e.size, Dir: e.isDir})
	}
	return out
}

// Streams lists the root streams that are not tables or the string pool:
// what the _Streams table holds (embedded cabinets, Binary and Icon data,
// property sets, digital signatures). Names are sorted.
func (p *Package) Streams() []StreamInfo {
	var out []StreamInfo
	for _, e := range p.entries {
		if e.storage != "" || e.isDir || strings.HasPrefix(e.name, TableMark) {
			continue
		}
		out = append(out, StreamInfo{Name: e.name, Size: e.size})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Storages lists the root's sub-storages (the _Storages table): embedded
// transforms and nested databases.
func (p *Package) Storages() []StreamInfo {
	var out []StreamInfo
	for _, e := range p.entries {
		if e.storage == "" && e.isDir {
			out = append(out, StreamInfo{Name: e.name, Dir: true})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// maxInMemoryStream bounds streams read whole into memory: tables, string
// data, property sets. Larger streams (cabinets) are read with OpenStream.
const maxInMemoryStream = 1 << 30

// ReadStream reads a whole stream, given by its decoded path
// ("Binary.Icon", "storage/!File", "\x05SummaryInformation").
func (p *Package) ReadStream(path string) ([]byte, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.readStreamLocked(path)
}

func (p *Package) readStreamLocked(path string) (b []byte, err error) {
	e, ok := p.lookup(path)
	if !ok || e.isDir {
		return nil, p.errorf("stream "+quoteName(path), ErrNotFound)
	}
	if e.size > maxInMemoryStream {
		return nil, p.errorf("stream "+quoteName(path), fmt.Errorf("%w: %d bytes is too large to read whole", ErrUnsupported, e.size))
	}
	what := "stream " + quoteName(path)
	defer func() {
		if v := recover(); v != nil {
			b, err = nil, p.errorf(what, formatErr("damaged sector chain (%v)", v))
		}
	}()
	b = make([]byte, e.size)
	if e.size == 0 {
		return b, nil
	}
	if _, err := e.f.Seek(0, io.SeekStart); err != nil {
		return nil, p.errorf(what, fmt.Errorf("%w: %v", ErrFormat, err))
	}
	// streamReader words a short or damaged chain for the user.
	if _, err := io.ReadFull(&streamReader{p: p, f: e.f, size: e.size, what: what}, b); err != nil {
		return nil, err
	}
	return b, nil
}

// HasStream reports whether a stream exists at the decoded path.
func (p *Package) HasStream(path string) bool {
	e, ok := p.lookup(path)
	return ok && !e.isDir
}

// OpenStream returns a reader over a stream, read sequentially so that
// large streams (embedded cabinets) cost one pass. Each reader has its own
// view of the compound file, so it may be used while the package is used
// for other reads (but one reader is not safe for concurrent use).
func (p *Package) OpenStream(path string) (io.Reader, int64, error) {
	r, size, err := p.openStream(path)
	if err != nil {
		return nil, 0, err
	}
	return r, size, nil
}

// maxChainRead is the most streamReader asks of mscfb at once.
const maxChainRead = 32 << 10

type streamReader struct {
	p    *Package
	f    *mscfb.File
	size int64
	off  int64
	what string
}

func (s *streamReader) Read(b []byte) (n int, err error) {
	if s.off >= s.size {
		return 0, io.EOF
	}
	if rem := s.size - s.off; int64(len(b)) > rem {
		b = b[:rem]
	}
	// mscfb lists a read's sectors and merges the adjacent ones in time
	// that grows with the square of their number: reads of a few hundred
	// KiB (a cabinet's cursors) cost more there than in the decoder.
	// In pieces of maxChainRead, they cost a pread each.
	if len(b) > maxChainRead {
		b = b[:maxChainRead]
	}
	defer func() {
		if v := recover(); v != nil {
			n, err = 0, s.p.errorf(s.what, formatErr("damaged sector chain (%v)", v))
		}
	}()
	n, err = s.f.Read(b)
	s.off += int64(n)
	if err == io.EOF && s.off == s.size {
		err = nil
	}
	if err != nil {
		if strings.Contains(err.Error(), "EOF") {
			return n, s.p.errorf(s.what, formatErr("the stream's sectors run past the end of the file after %d of %d bytes (the package is truncated)", s.off, s.size))
		}
		return n, s.p.errorf(s.what, fmt.Errorf("%w: %s", ErrFormat, strings.TrimPrefix(err.Error(), "mscfb: ")))
	}
	if n == 0 {
		return 0, s.p.errorf(s.what, formatErr("stream ends early at %d of %d bytes", s.off, s.size))
	}
	return n, nil
}
