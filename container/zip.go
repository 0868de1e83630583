package container

import (
	"archive/zip"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/msikit/msikit/internal/safepath"
	"github.com/msikit/msikit/internal/zipcrypt"
)

// zipFormat is a ZIP archive, self-extracting or not. Encrypted entries
// are decrypted with the archive's one password, asked for once and
// checked on the smallest encrypted entry before any member is listed as
// readable: a wrong password fails the archive, once, not each entry.
type zipFormat struct {
	zr       *zip.Reader
	ms       []*Member
	password []byte
}

// General-purpose flag bit 6: PKWARE's strong encryption (APPNOTE 7).
const zipStrongEncryption = 0x0040

// methodAES is the compression method WinZip AES entries declare; the
// real one is in their extra field.
const methodAES = 99

func openZip(r io.ReaderAt, size int64, c *Container) (format, error) {
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrFormat, err)
	}
	f := &zipFormat{zr: zr}
	var probe *zip.File // the smallest encrypted entry: the password's test
	for _, zf := range zr.File {
		if strings.HasSuffix(zf.Name, "/") && zf.UncompressedSize64 == 0 {
			continue // a directory
		}
		m := &Member{Name: safepath.Clean(zf.Name), Size: int64(zf.UncompressedSize64), Modified: zf.Modified, sys: zf}
		switch {
		case zf.Flags&zipStrongEncryption != 0:
			m.Err = fmt.Errorf("%s: %w: PKWARE strong encryption", m.Name, ErrUnsupported)
		case zf.Method != zip.Store && zf.Method != zip.Deflate && zf.Method != methodAES:
			m.Err = fmt.Errorf("%s: %w: ZIP compression method %d (only stored and deflated entries are read)", m.Name, ErrUnsupported, zf.Method)
		case zipcrypt.Encrypted(zf) && (probe == nil || zf.CompressedSize64 < probe.CompressedSize64):
			probe = zf
		}
		f.ms = append(f.ms, m)
	}
	if probe == nil {
		return f, nil
	}
	if c.opts.Password != nil {
		if f.password, err = c.opts.Password(c.Name); err != nil {
			return nil, err
		}
	}
	if len(f.password) == 0 {
		return nil, fmt.Errorf("no %w given: its entries are encrypted", ErrPassword)
	}
	if err := checkPassword(probe, f.password); err != nil {
		return nil, err
	}
	return f, nil
}

// checkPassword decrypts one entry to its end. The traditional
// encryption's check byte lets one wrong password in 256 through: the
// CRC-32 at the end catches those.
func checkPassword(zf *zip.File, password []byte) error {
	rc, err := zipcrypt.Open(zf, password)
	if err == nil {
		_, err = io.Copy(io.Discard, rc)
		rc.Close()
	}
	switch {
	case err == nil:
		return nil
	case errors.Is(err, zipcrypt.ErrPassword), errors.Is(err, zipcrypt.ErrChecksum):
		return fmt.Errorf("wrong %w: it does not decrypt %s", ErrPassword, zf.Name)
	case errors.Is(err, zipcrypt.ErrUnsupported):
		return fmt.Errorf("%w: %v", ErrUnsupported, err)
	}
	return err
}

func (f *zipFormat) members() []*Member { return f.ms }

func (f *zipFormat) each(fn func(*Member, io.Reader, error) error) error {
	return eachByOpen(f.ms, f.open, fn)
}

func (f *zipFormat) open(m *Member) (io.ReadCloser, error) {
	rc, err := zipcrypt.Open(m.sys.(*zip.File), f.password)
	if errors.Is(err, zipcrypt.ErrUnsupported) {
		err = fmt.Errorf("%w: %v", ErrUnsupported, err)
	}
	return rc, err
}

func (f *zipFormat) close() error { return nil }
