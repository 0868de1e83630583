package cab

import (
	"fmt"

	"github.com/msikit/msikit/internal/codepage"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
)

// Option configures NewReader, Open, OpenSet and Search.
type Option func(*options)

type options struct {
	salvage  bool
	nocheck  bool
	search   bool
	codepage encoding.Encoding
}

func buildOptions(opts []Option) *options {
	o := &options{codepage: charmap.Windows1252}
	for _, f := range opts {
		f(o)
	}
	return o
}

// SkipChecksums turns off CFDATA checksum verification, to salvage what
// can be read from a damaged cabinet.
func SkipChecksums() Option { return func(o *options) { o.nocheck = true } }

// Salvage reads as much as possible of a damaged cabinet: checksums are
// not verified, file entries with a bad folder index are skipped instead
// of failing the open, and entries hidden after the declared ones are read
// too (as libmspack's salvage mode does).
func Salvage() Option {
	return func(o *options) { o.salvage, o.nocheck = true, true }
}

// Codepage sets the character set of names that do not have the UTF-8
// attribute (0x80), which are stored in the ANSI code page of the system
// that made the cabinet. The default is Windows-1252, the code page of
// Western systems. cabextract instead keeps such names as raw bytes
// unless given -e; reading them as ISO-8859-1 (charmap.ISO8859_1) gives
// one rune per byte, from which the bytes can be recovered.
func Codepage(e encoding.Encoding) Option { return func(o *options) { o.codepage = e } }

// NameEncoding is Codepage with the character set given by name, as
// cabextract's -e takes it (the names iconv knows): "CP932", "SHIFT_JIS",
// "SJIS", "KOI8-R", "ISO-8859-1", "LATIN1", "CP1251", "WINDOWS-1252",
// "UTF-8" and the other IANA names, in any case. Every Shift_JIS name
// reads as code page 932, as Windows writes it. The error for a name it
// does not know wraps ErrEncoding.
func NameEncoding(name string) (Option, error) {
	e, err := codepage.Lookup(name)
	if err != nil {
		return nil, fmt.Errorf("%w %q", ErrEncoding, name)
	}
	return Codepage(e), nil
}

// WithSearch makes NewReader and Open look for a cabinet anywhere in the
// input (in a self-extracting executable, say) rather than only at offset
// 0; they open the first one found. Search returns all of them.
func WithSearch() Option { return func(o *options) { o.search = true } }
