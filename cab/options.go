package cab

import (
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

// Codepage sets the single-byte character set of names that do not have
// the UTF-8 attribute (0x80). The default is Windows-1252, which is what
// makecab produces on Western systems.
func Codepage(e encoding.Encoding) Option { return func(o *options) { o.codepage = e } }

// WithSearch makes NewReader and Open look for a cabinet anywhere in the
// input (in a self-extracting executable, say) rather than only at offset
// 0; they open the first one found. Search returns all of them.
func WithSearch() Option { return func(o *options) { o.search = true } }
