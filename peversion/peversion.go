// Package peversion reads what a Windows executable or DLL says of
// itself: its platform (the PE machine) and the file and product
// versions of its version resource (VS_VERSIONINFO), the figures a KB
// article's file table lists and Windows Installer's File table holds.
//
// It reads only the headers, the section table and the resource tree, so
// a large image costs a few reads; it works on images of any machine
// (IA-64 and ARM ones too, which debug/pe refuses) and on damaged ones as
// far as they go. It is the reader msikit pe, manifest generate and
// verify use.
package peversion

import (
	"io"
	"strings"

	"github.com/msikit/msikit/internal/pever"
	"github.com/msikit/msikit/manifest"
)

// ErrFormat is returned for a file that is not a PE image, or one too
// damaged to read; ErrNoVersion for an image without a version resource
// (Read then returns the Info with empty versions as well).
var (
	ErrFormat    = pever.ErrFormat
	ErrNoVersion = pever.ErrNoVersion
)

// Info is what Read finds.
type Info struct {
	// Platform is the machine as manifests spell it: x86, x64, ia64, arm,
	// arm64, or "" for another machine (Machine says which).
	Platform string
	Machine  uint16 // IMAGE_FILE_HEADER.Machine: 0x14c, 0x8664, 0x200, ...
	PE32Plus bool   // a 64-bit optional header
	DLL      bool
	// FileVersion and ProductVersion are VS_FIXEDFILEINFO's, "a.b.c.d";
	// "" when the image has no version resource.
	FileVersion, ProductVersion string
	// Strings is the image's first StringFileInfo table (CompanyName,
	// FileDescription, FileVersion as text, ...), nil when it has none.
	Strings map[string]string
}

// Read reads the image in r, of size bytes.
func Read(r io.ReaderAt, size int64) (*Info, error) {
	f, err := pever.NewFile(r, size)
	if err != nil {
		return nil, err
	}
	return info(f)
}

// ReadFile reads the image at path.
func ReadFile(path string) (*Info, error) {
	f, err := pever.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return info(f)
}

func info(f *pever.File) (*Info, error) {
	in := &Info{Machine: uint16(f.Machine), PE32Plus: f.PE32Plus, DLL: f.IsDLL()}
	if p, err := manifest.ParsePlatform(f.Machine.Platform()); err == nil {
		in.Platform = p
	} else {
		in.Platform = strings.ToLower(f.Machine.Platform())
	}
	vi, err := f.VersionInfo()
	if err != nil {
		return in, err
	}
	if vi.Fixed != nil {
		in.FileVersion, in.ProductVersion = vi.Fixed.FileVersion.String(), vi.Fixed.ProductVersion.String()
	}
	if len(vi.StringTables) > 0 {
		in.Strings = map[string]string{}
		for _, kv := range vi.StringTables[0].Strings {
			in.Strings[kv.Key] = kv.Value
		}
	}
	return in, nil
}
