// Package bundle opens a WiX Burn bundle: it reads the .wixburn section
// (package burn), opens the bootstrapper application's container (the
// UX container, a cabinet appended to the engine), parses the manifest it
// holds as member "0", and from it tells which payloads the bundle
// carries, under which real names, in which container and under which
// member name (u0, u1... in the UX container, a0, a1... in the others).
//
// It lives apart from package burn because it reads cabinets with package
// cab, which itself uses package burn to find a bundle's containers.
package bundle

import (
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"strings"
	"sync"

	"github.com/msikit/msikit/cab"
	"github.com/msikit/msikit/internal/burn"
)

// UXContainerID is the Id WiX gives the bootstrapper application's
// container, which the manifest does not list: Bundle.UX has it.
const UXContainerID = "WixUXContainer"

// ManifestMember is the UX container's member that holds the manifest.
const ManifestMember = "0"

// maxManifest bounds the manifest read: real ones are a few kilobytes to
// a few megabytes.
const maxManifest = 64 << 20

// ErrNotStored reports a payload or container that the bundle file does
// not hold: a detached container (a cabinet beside the bundle) or an
// external payload. The message names the file to look for.
var ErrNotStored = errors.New("not stored in the bundle")

// ErrMismatch reports a payload or container whose bytes are not what
// the manifest says: another size or hash, or a member its container
// lacks.
var ErrMismatch = errors.New("bundle content does not match its manifest")

// Bundle is an opened Burn bundle.
type Bundle struct {
	// Section is the bundle's .wixburn section.
	Section *burn.Section
	// Manifest is the manifest as parsed.
	Manifest *burn.Manifest
	// UX is the bootstrapper application's container (section index 0).
	UX *Container
	// Containers are the UX container, then the manifest's containers in
	// its order.
	Containers []*Container
	// Payloads are the manifest's payloads, in its order.
	Payloads []*Payload

	r    io.ReaderAt
	size int64
	mu   sync.Mutex
	cabs map[*Container]*cab.Reader
}

// Container is a container of the bundle.
type Container struct {
	// ID is the manifest's Id, or UXContainerID.
	ID string
	// FilePath is the manifest's FilePath: for a detached container, the
	// cabinet's name beside the bundle.
	FilePath string
	// Attached says the bundle holds the container, as number Index of
	// its .wixburn section (0 for the UX container), at Offset; Index is
	// -1 for a detached container. Size is the container's size: from
	// the section when attached, from the manifest when detached.
	Attached bool
	Index    int
	Offset   int64
	Size     int64
	// Hash is the manifest's hash of the container (hexadecimal).
	Hash string
	// Payloads are the payloads the container holds, by member name.
	Payloads map[string]*Payload
}

// Payload is a payload of the bundle.
type Payload struct {
	burn.Payload
	// Container is the container holding an embedded payload, nil for
	// an external one.
	Container *Container
}

// Member is the name of the payload's member in its container, "" for
// an external payload.
func (p *Payload) Member() string {
	if p.Container == nil {
		return ""
	}
	return p.SourcePath
}

// MemberNames maps the names of the container's members (a0, a1...) to
// the real names (FilePath) of the payloads they hold, for extracting a
// container under the names Burn would give its files. A member that no
// payload claims, such as the manifest in the UX container, is absent.
func (c *Container) MemberNames() map[string]string {
	m := make(map[string]string, len(c.Payloads))
	for member, p := range c.Payloads {
		m[member] = p.FilePath
	}
	return m
}

// Open opens the bundle held by r, which has size bytes. It is an error
// wrapping burn.ErrNotBundle if r is not a bundle, burn.ErrFormat or
// burn.ErrManifest if its section, containers or manifest are damaged,
// or a cab error if its UX container is.
//
// When an attached container is cut off by the end of the file, Open
// returns the bundle with a *cab.TruncatedError (wrapping
// cab.ErrTruncated) naming the container: the payloads of the containers
// held whole can still be read.
func Open(r io.ReaderAt, size int64) (*Bundle, error) {
	sec, err := burn.ReadSection(r, size)
	if err != nil {
		return nil, err
	}
	if sec.Format != burn.FormatCabinet {
		return nil, fmt.Errorf("%w: container format %d (only cabinets, format %d, are known)", burn.ErrFormat, sec.Format, burn.FormatCabinet)
	}
	places := sec.Containers()
	if len(places) == 0 {
		return nil, fmt.Errorf("%w: the .wixburn section lists no container, not even the bootstrapper application's", burn.ErrFormat)
	}
	b := &Bundle{Section: sec, r: r, size: size, cabs: map[*Container]*cab.Reader{}}
	b.UX = &Container{ID: UXContainerID, Attached: true, Index: 0, Offset: places[0].Offset, Size: places[0].Size,
		Payloads: map[string]*Payload{}}
	if t := truncated(b.UX, len(places), size); t != nil {
		return nil, t
	}
	ux, err := b.OpenContainer(b.UX)
	if err != nil {
		return nil, err
	}
	if b.Manifest, err = readManifest(ux); err != nil {
		return nil, err
	}
	b.Containers = append(b.Containers, b.UX)
	byID := map[string]*Container{}
	var truncs []error
	for _, mc := range b.Manifest.Containers {
		if mc.ID == UXContainerID {
			return nil, fmt.Errorf("%w: container Id %q is the bootstrapper application container's", burn.ErrManifest, mc.ID)
		}
		c := &Container{ID: mc.ID, FilePath: mc.FilePath, Attached: mc.Attached, Index: -1, Size: mc.FileSize, Hash: mc.Hash,
			Payloads: map[string]*Payload{}}
		if mc.Attached {
			i := mc.AttachedIndex
			if i >= len(places) {
				return nil, fmt.Errorf("%w: container %q is attached container %d, but the .wixburn section lists %d",
					burn.ErrFormat, mc.ID, i, len(places)-1)
			}
			c.Index, c.Offset, c.Size = i, places[i].Offset, places[i].Size
			if mc.FileSize != 0 && mc.FileSize != c.Size {
				return nil, fmt.Errorf("%w: container %q is %d bytes in the manifest, %d in the .wixburn section",
					burn.ErrFormat, mc.ID, mc.FileSize, c.Size)
			}
			if t := truncated(c, len(places), size); t != nil {
				truncs = append(truncs, t)
			}
		}
		b.Containers = append(b.Containers, c)
		byID[c.ID] = c
	}
	for _, mp := range b.Manifest.Payloads {
		p := &Payload{Payload: mp}
		if mp.Embedded() {
			p.Container = b.UX
			if !mp.UX {
				p.Container = byID[mp.Container] // the manifest checked it exists
			}
			if _, dup := p.Container.Payloads[mp.SourcePath]; dup || (p.Container == b.UX && mp.SourcePath == ManifestMember) {
				return nil, fmt.Errorf("%w: payload %q is member %q of container %q, which another payload or the manifest is",
					burn.ErrManifest, mp.ID, mp.SourcePath, p.Container.ID)
			}
			p.Container.Payloads[mp.SourcePath] = p
		}
		b.Payloads = append(b.Payloads, p)
	}
	return b, errors.Join(truncs...)
}

// truncated reports an attached container the file does not wholly hold.
func truncated(c *Container, n int, size int64) error {
	end := c.Offset + c.Size
	if end <= size {
		return nil
	}
	what := "Burn bootstrapper application container"
	if c.Index > 0 {
		what = fmt.Sprintf("Burn attached container %d of %d (%q)", c.Index, n-1, c.ID)
	}
	return &cab.TruncatedError{What: what, Offset: c.Offset, Size: c.Size, Missing: min(c.Size, end-size)}
}

func readManifest(ux *cab.Reader) (*burn.Manifest, error) {
	var mf *cab.File
	for _, f := range ux.File {
		if f.Name == ManifestMember {
			mf = f
			break
		}
	}
	if mf == nil {
		return nil, fmt.Errorf("%w: the bootstrapper application container has no member %q holding the manifest",
			burn.ErrManifest, ManifestMember)
	}
	if mf.Size > maxManifest {
		return nil, fmt.Errorf("%w: the manifest is %d bytes (at most %d are read)", burn.ErrManifest, mf.Size, maxManifest)
	}
	rc, err := mf.Open()
	if err != nil {
		return nil, fmt.Errorf("the bootstrapper application container: %w", err)
	}
	defer rc.Close()
	m, err := burn.ParseManifest(rc)
	if err != nil {
		return nil, err
	}
	return m, nil
}

// Container returns the container with the given Id, or nil.
func (b *Bundle) Container(id string) *Container {
	for _, c := range b.Containers {
		if c.ID == id {
			return c
		}
	}
	return nil
}

// OpenContainer returns the cabinet of an attached container, read from
// the bundle. A detached container is an error wrapping ErrNotStored
// naming its file: open it with cab and map its members with
// Container.Payloads.
func (b *Bundle) OpenContainer(c *Container) (*cab.Reader, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if r := b.cabs[c]; r != nil {
		return r, nil
	}
	if !c.Attached {
		return nil, fmt.Errorf("container %q is detached: its cabinet is %s beside the bundle: %w", c.ID, c.FilePath, ErrNotStored)
	}
	if t := truncated(c, len(b.Section.ContainerSizes), b.size); t != nil {
		return nil, t
	}
	r, err := cab.NewReader(io.NewSectionReader(b.r, c.Offset, c.Size), c.Size)
	if err != nil {
		return nil, fmt.Errorf("container %q at offset %d: %w", c.ID, c.Offset, err)
	}
	b.cabs[c] = r
	return r, nil
}

// UseDetached gives the bundle the cabinet of a detached container, r
// of size bytes, found beside the bundle under the container's FilePath:
// OpenContainer, OpenPayload and ReadPayloads then read it. A cabinet
// shorter than the manifest says is a *cab.TruncatedError naming the
// container; one longer, an error wrapping ErrMismatch.
func (b *Bundle) UseDetached(c *Container, r io.ReaderAt, size int64) error {
	if c.Attached {
		return fmt.Errorf("container %q is attached, not detached", c.ID)
	}
	what := fmt.Sprintf("Burn detached container %q (%s)", c.ID, c.FilePath)
	if c.Size > 0 && size < c.Size {
		return &cab.TruncatedError{What: what, Size: c.Size, Missing: c.Size - size}
	}
	if c.Size > 0 && size > c.Size {
		return fmt.Errorf("%w: %s is %d bytes, the manifest says %d", ErrMismatch, what, size, c.Size)
	}
	rd, err := cab.NewReader(io.NewSectionReader(r, 0, size), size)
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	b.mu.Lock()
	b.cabs[c] = rd
	b.mu.Unlock()
	return nil
}

// ReadPayloads delivers the payloads a container holds to fn, in the
// order its cabinet stores them, each folder decoded once: what
// OpenPayload gives one at a time. Each reader checks its payload's size
// and hash at its end, as OpenPayload's does. Members that no payload
// claims (the manifest, in the UX container) are passed over. It goes on
// past errors and returns them joined, each a *PayloadError naming the
// payload (wrapping a *cab.FileError, or ErrMismatch for a payload the
// cabinet lacks).
func (b *Bundle) ReadPayloads(c *Container, fn func(p *Payload, r io.Reader) error) error {
	r, err := b.OpenContainer(c)
	if err != nil {
		return err
	}
	present := map[string]bool{}
	var files []*cab.File
	for _, f := range r.File {
		if c.Payloads[f.Name] != nil && !present[f.Name] {
			present[f.Name] = true
			files = append(files, f)
		}
	}
	err = r.Extract(files, 1, func(f *cab.File, rd io.Reader) error {
		p := c.Payloads[f.Name]
		return fn(p, newCheckedReader(io.NopCloser(rd), p))
	})
	var errs []error
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		for _, e := range j.Unwrap() {
			var fe *cab.FileError
			if errors.As(e, &fe) && c.Payloads[fe.File.Name] != nil {
				e = &PayloadError{Payload: c.Payloads[fe.File.Name], Err: e}
			}
			errs = append(errs, e)
		}
	} else if err != nil {
		errs = append(errs, err)
	}
	for member, p := range c.Payloads {
		if !present[member] {
			errs = append(errs, &PayloadError{Payload: p, Err: fmt.Errorf("%w: payload %q (%s): container %q has no member %q", ErrMismatch, p.ID, p.FilePath, c.ID, member)})
		}
	}
	return errors.Join(errs...)
}

// PayloadError is ReadPayloads' error for one payload.
type PayloadError struct {
	Payload *Payload
	Err     error
}

func (e *PayloadError) Error() string { return e.Err.Error() }

// Unwrap gives the payload's error to errors.Is and errors.As.
func (e *PayloadError) Unwrap() error { return e.Err }

// OpenPayload returns a reader of an embedded payload's bytes, from its
// container's cabinet. At the end of the payload the reader checks its
// size and hash against the manifest's, and reports a difference as an
// error wrapping ErrMismatch. An external payload, or one in a
// detached container, is an error wrapping ErrNotStored naming the file
// to look for.
func (b *Bundle) OpenPayload(p *Payload) (io.ReadCloser, error) {
	if p.Container == nil {
		return nil, fmt.Errorf("payload %q is external: it is %s beside the bundle: %w", p.ID, p.SourcePath, ErrNotStored)
	}
	r, err := b.OpenContainer(p.Container)
	if err != nil {
		return nil, fmt.Errorf("payload %q (%s): %w", p.ID, p.FilePath, err)
	}
	for _, f := range r.File {
		if f.Name == p.SourcePath {
			rc, err := f.Open()
			if err != nil {
				return nil, fmt.Errorf("payload %q (%s): %w", p.ID, p.FilePath, err)
			}
			return newCheckedReader(rc, p), nil
		}
	}
	return nil, fmt.Errorf("%w: payload %q (%s): container %q has no member %q", ErrMismatch, p.ID, p.FilePath, p.Container.ID, p.SourcePath)
}

// VerifyContainer reads an attached container and checks its bytes
// against the manifest's hash, reporting a difference as an error
// wrapping ErrMismatch. The UX container, which the manifest does not
// describe, and a hash of unknown length are not checked.
func (b *Bundle) VerifyContainer(c *Container) error {
	if !c.Attached {
		return fmt.Errorf("container %q is detached: its cabinet is %s beside the bundle: %w", c.ID, c.FilePath, ErrNotStored)
	}
	if t := truncated(c, len(b.Section.ContainerSizes), b.size); t != nil {
		return t
	}
	h, alg := newHash(c.Hash)
	if h == nil {
		return nil
	}
	if _, err := io.Copy(h, io.NewSectionReader(b.r, c.Offset, c.Size)); err != nil {
		return fmt.Errorf("container %q: %w", c.ID, err)
	}
	if got := hex.EncodeToString(h.Sum(nil)); !strings.EqualFold(got, c.Hash) {
		return fmt.Errorf("%w: container %q has %s %s, the manifest says %s", ErrMismatch, c.ID, alg, got, c.Hash)
	}
	return nil
}

// newHash returns the hash a manifest's hexadecimal digest of this length
// was made with: SHA-1 (WiX 3), SHA-256 or SHA-512 (WiX 4 onwards).
func newHash(digest string) (hash.Hash, string) {
	switch len(digest) {
	case 2 * sha1.Size:
		return sha1.New(), "SHA-1"
	case 2 * sha256.Size:
		return sha256.New(), "SHA-256"
	case 2 * sha512.Size:
		return sha512.New(), "SHA-512"
	}
	return nil, ""
}

// checkedReader checks a payload's size and hash when its end is read.
type checkedReader struct {
	rc   io.ReadCloser
	p    *Payload
	h    hash.Hash
	alg  string
	n    int64
	done error
}

func newCheckedReader(rc io.ReadCloser, p *Payload) *checkedReader {
	h, alg := newHash(p.Hash)
	return &checkedReader{rc: rc, p: p, h: h, alg: alg}
}

func (c *checkedReader) Read(b []byte) (int, error) {
	if c.done != nil {
		return 0, c.done
	}
	n, err := c.rc.Read(b)
	c.n += int64(n)
	if c.h != nil {
		c.h.Write(b[:n])
	}
	if err == io.EOF {
		err = c.check()
		c.done = err
	}
	return n, err
}

func (c *checkedReader) check() error {
	if c.p.FileSize != 0 && c.n != c.p.FileSize {
		return fmt.Errorf("%w: payload %q (%s) is %d bytes, the manifest says %d", ErrMismatch, c.p.ID, c.p.FilePath, c.n, c.p.FileSize)
	}
	if c.h != nil {
		if got := hex.EncodeToString(c.h.Sum(nil)); !strings.EqualFold(got, c.p.Hash) {
			return fmt.Errorf("%w: payload %q (%s) has %s %s, the manifest says %s", ErrMismatch, c.p.ID, c.p.FilePath, c.alg, got, c.p.Hash)
		}
	}
	return io.EOF
}

func (c *checkedReader) Close() error { return c.rc.Close() }
