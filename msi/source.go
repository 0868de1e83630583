package msi

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"strings"

	"github.com/msikit/msikit/internal/safepath"
)

// SetSource sets the directory (as an fs.FS) external cabinets and
// uncompressed files are read from: for a package opened with Open, the
// directory holding it.
func (p *Package) SetSource(src fs.FS) { p.source = src }

// findFold finds a slash-separated path in src, matching each component
// case-insensitively as Windows would, and returns its actual path.
func findFold(src fs.FS, p string) (string, error) {
	if src == nil {
		return "", fmt.Errorf("%s: %w (the package's directory is not known)", p, ErrMissingSource)
	}
	if _, err := fs.Stat(src, p); err == nil {
		return p, nil
	}
	cur := "."
	for _, want := range strings.Split(p, "/") {
		entries, err := fs.ReadDir(src, cur)
		if err != nil {
			return "", fmt.Errorf("%s: %w", p, ErrMissingSource)
		}
		found := ""
		for _, e := range entries {
			if strings.EqualFold(e.Name(), want) {
				found = e.Name()
				break
			}
		}
		if found == "" {
			return "", fmt.Errorf("%s: %w", p, ErrMissingSource)
		}
		cur = path.Join(cur, found)
	}
	return cur, nil
}

// cabinetPath turns a Media.Cabinet value for an external cabinet (which
// may name a subfolder, with either separator) into a clean relative path.
func cabinetPath(name string) (string, error) {
	p := path.Clean(strings.ReplaceAll(name, "\\", "/"))
	if !fs.ValidPath(p) || p == "." || strings.HasPrefix(p, "../") || p == ".." {
		return "", formatErr("cabinet name %q leaves the package's directory", name)
	}
	return p, nil
}

// spoolLimit is the largest embedded cabinet held in memory; larger ones
// are copied to a temporary file, so memory stays flat whatever their
// size (the compound file can only be read sequentially at a fair cost).
const spoolLimit = 16 << 20

// readerAtCloser is a random-access copy of a stream.
type readerAtCloser interface {
	io.ReaderAt
	io.Closer
}

type memReaderAt struct{ *strings.Reader }

func (memReaderAt) Close() error { return nil }

// tempReaderAt is a spool file without a name (safepath.TempFile): an
// interrupted or killed run leaves nothing in the temporary directory.
type tempReaderAt struct{ *os.File }

func (t tempReaderAt) Close() error { return safepath.CloseTemp(t.File) }

// streamReaderAt copies a stream into memory or a temporary file so that
// the cabinet reader can seek in it.
func (p *Package) streamReaderAt(name string) (readerAtCloser, int64, error) {
	r, size, err := p.OpenStream(name)
	if err != nil {
		return nil, 0, err
	}
	if size <= spoolLimit {
		var b strings.Builder
		b.Grow(int(size))
		if _, err := io.Copy(&b, r); err != nil {
			return nil, 0, err
		}
		return memReaderAt{strings.NewReader(b.String())}, size, nil
	}
	f, err := safepath.TempFile("", "msikit-cab-*")
	if err != nil {
		return nil, 0, err
	}
	t := tempReaderAt{f}
	if _, err := io.Copy(f, r); err != nil {
		t.Close()
		return nil, 0, err
	}
	return t, size, nil
}

// embeddedStream finds an embedded cabinet's stream by name, ignoring
// case as Windows does for the Cabinet column.
func (p *Package) embeddedStream(name string) (string, bool) {
	if p.HasStream(name) {
		return name, true
	}
	for _, s := range p.Streams() {
		if strings.EqualFold(s.Name, name) {
			return s.Name, true
		}
	}
	return "", false
}
