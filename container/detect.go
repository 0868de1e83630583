package container

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"

	"github.com/msikit/msikit/cab"
	"github.com/msikit/msikit/internal/burn"
	"github.com/msikit/msikit/internal/installshield"
	"github.com/msikit/msikit/msi"
)

// Signatures at the start of a file.
var (
	magicCFB = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}
	magicCab = []byte("MSCF\x00\x00\x00\x00")
	magicZip = []byte("PK\x03\x04")
	magicMZ  = []byte("MZ")
)

// headLen is how many first bytes mayContain needs.
const headLen = 8

// mayContain reports whether a file starting with head can be a
// container: a walk spools only those, and streams the rest.
func mayContain(head []byte) bool {
	return bytes.HasPrefix(head, magicCFB) || bytes.HasPrefix(head, magicCab[:4]) ||
		bytes.HasPrefix(head, magicZip) || bytes.HasPrefix(head, magicMZ) || bytes.HasPrefix(head, []byte("PK\x05\x06"))
}

// Detect tells what r, of size bytes, holds, from its content alone. It
// reads the headers each kind needs: a compound file's class and tables,
// a PE image's .wixburn section and overlay, a ZIP archive's directory at
// the end, and (for a PE image with none of these) the whole file,
// looking for cabinets. Anything else is File, with no error: the error
// is for input that cannot be read, or a compound file that is damaged.
func Detect(r io.ReaderAt, size int64) (Kind, error) {
	return detect(r, size, nil)
}

// detect is Detect, with the options a nested cabinet search uses.
func detect(r io.ReaderAt, size int64, cabOpts []cab.Option) (Kind, error) {
	head := make([]byte, headLen)
	n, err := r.ReadAt(head, 0)
	if n < len(head) && err != nil && err != io.EOF {
		return File, err
	}
	head = head[:n]
	switch {
	case bytes.HasPrefix(head, magicCFB):
		p, err := msi.NewPackage(r, size, "")
		if err != nil {
			return File, fmt.Errorf("%w: a compound file that does not open: %v", ErrFormat, err)
		}
		return packageKind(p), nil
	case bytes.Equal(head, magicCab):
		return Cabinet, nil
	case bytes.HasPrefix(head, magicMZ):
		return detectPE(r, size, cabOpts)
	}
	if isZip(r, size) {
		return ZIP, nil
	}
	return File, nil
}

// packageKind tells the kind of an open compound file: by its class, and
// for a database, by its tables. A compound file of an unknown class that
// has a File table is a database all the same, as Windows Installer opens
// one whatever its class.
func packageKind(p *msi.Package) Kind {
	switch p.Kind() {
	case msi.KindPatch:
		return MSP
	case msi.KindTransform:
		return MST
	case msi.KindDatabase:
	default:
		if !p.HasTable("File") {
			return File
		}
	}
	if p.HasTable("ModuleSignature") {
		return MSM
	}
	return MSI
}

// detectPE tells what a PE image carries, looking in the order that
// keeps each kind from being taken for another: a Burn bundle's
// containers are cabinets and an InstallShield overlay may hold some, so
// both come before the search for cabinets.
func detectPE(r io.ReaderAt, size int64, cabOpts []cab.Option) (Kind, error) {
	if _, err := burn.ReadSection(r, size); err == nil {
		return Burn, nil
	} else if !errors.Is(err, burn.ErrNotBundle) {
		return Burn, err
	}
	if isZip(r, size) {
		return ZIP, nil
	}
	if _, err := installshield.NewReader(r, size); err == nil {
		return InstallShield, nil
	} else if !errors.Is(err, installshield.ErrNotInstallShield) {
		return InstallShield, err
	}
	rs, err := cab.Search(r, size, cabOpts...)
	if len(rs) > 0 || errors.Is(err, cab.ErrTruncated) {
		return ExeCabinets, nil
	}
	return File, nil
}

// isZip reports whether r ends with a ZIP directory that archive/zip
// reads and that lists at least one entry.
func isZip(r io.ReaderAt, size int64) bool {
	zr, err := zip.NewReader(r, size)
	return err == nil && len(zr.File) > 0
}

// open detects the kind of r and opens it as that kind.
func open(r io.ReaderAt, size int64, c *Container) (Kind, format, error) {
	kind, err := detect(r, size, c.opts.Cabinet)
	if err != nil {
		return kind, nil, err
	}
	f, err := openAs(kind, r, size, c)
	return kind, f, err
}

// openAs opens r as a container of the given kind.
func openAs(kind Kind, r io.ReaderAt, size int64, c *Container) (f format, err error) {
	switch kind {
	case MSI, MSM, MSP, MST:
		f, err = openPackage(r, size, c, kind)
	case Cabinet:
		f, err = openCabinet(r, size, c)
	case ExeCabinets:
		f, err = openExeCabinets(r, size, c)
	case ZIP:
		f, err = openZip(r, size, c)
	case Burn:
		f, err = openBurn(r, size, c)
	case InstallShield:
		f, err = openInstallShield(r, size, c)
	default:
		return nil, ErrNotContainer
	}
	return f, err
}
