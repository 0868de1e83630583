package zipcrypt

import (
	"archive/zip"
	"compress/flate"
	"fmt"
	"hash"
	"hash/crc32"
	"io"
)

// General-purpose flag bits (APPNOTE.TXT 4.4.4).
const (
	flagEncrypted  = 0x0001
	flagDescriptor = 0x0008 // sizes and CRC follow the data
	flagStrong     = 0x0040 // PKWARE strong encryption
)

// Encrypted reports whether the entry needs a password.
func Encrypted(f *zip.File) bool { return f.Flags&flagEncrypted != 0 || f.Method == methodAES }

// Open returns the decrypted, decompressed bytes of an entry. An entry
// that is not encrypted is opened as archive/zip opens it, whatever the
// password. The reader checks the entry's size and CRC-32 (and, for AES,
// its authentication code) when it reaches the end: a mismatch is an
// error wrapping ErrChecksum.
func Open(f *zip.File, password []byte) (io.ReadCloser, error) {
	if !Encrypted(f) {
		return f.Open()
	}
	fail := func(err error) (io.ReadCloser, error) { return nil, fmt.Errorf("%s: %w", f.Name, err) }
	if f.Flags&flagStrong != 0 {
		return fail(fmt.Errorf("%w: PKWARE strong encryption", ErrUnsupported))
	}
	if password == nil {
		return fail(ErrNeedPassword)
	}
	raw, err := f.OpenRaw()
	if err != nil {
		return fail(err)
	}
	method, checkCRC := f.Method, true
	var plain io.Reader
	if f.Method == methodAES {
		p, err := parseAESExtra(f.Extra)
		if err != nil {
			return fail(err)
		}
		method, checkCRC = p.method, p.vendor == aesVendorAE1
		if plain, err = newAESReader(raw, int64(f.CompressedSize64), password, p); err != nil {
			return fail(err)
		}
	} else {
		// The header's last byte repeats the CRC's high byte, or the
		// DOS time's when a data descriptor carries the CRC.
		check := byte(f.CRC32 >> 24)
		if f.Flags&flagDescriptor != 0 {
			check = byte(f.ModifiedTime >> 8)
		}
		if f.CompressedSize64 < headerLen {
			return fail(fmt.Errorf("%w: %d bytes cannot hold the 12-byte encryption header", ErrFormat, f.CompressedSize64))
		}
		if plain, err = newTraditionalReader(io.LimitReader(raw, int64(f.CompressedSize64)), password, check); err != nil {
			return fail(err)
		}
	}
	var rc io.ReadCloser
	switch method {
	case zip.Store:
		rc = io.NopCloser(plain)
	case zip.Deflate:
		rc = flate.NewReader(plain)
	default:
		return fail(fmt.Errorf("%w: compression method %d", ErrUnsupported, method))
	}
	return &checked{rc: rc, name: f.Name, size: f.UncompressedSize64, crc: f.CRC32, checkCRC: checkCRC, h: crc32.NewIEEE()}, nil
}

// checked verifies size and CRC-32 at the end of the entry, and never
// delivers more bytes than the directory says the entry has.
type checked struct {
	rc       io.ReadCloser
	name     string
	size, n  uint64
	crc      uint32
	checkCRC bool
	h        hash.Hash32
}

func (c *checked) Read(b []byte) (int, error) {
	if rem := c.size - c.n; uint64(len(b)) > rem+1 {
		b = b[:rem+1] // one more than expected shows a longer entry
	}
	n, err := c.rc.Read(b)
	c.n += uint64(n)
	c.h.Write(b[:n])
	if c.n > c.size {
		return n, fmt.Errorf("%s: %w: more than the %d bytes the directory gives", c.name, ErrChecksum, c.size)
	}
	if err == io.EOF {
		if c.n != c.size {
			return n, fmt.Errorf("%s: %w: %d bytes, the directory gives %d", c.name, ErrChecksum, c.n, c.size)
		}
		if c.checkCRC && c.h.Sum32() != c.crc {
			return n, fmt.Errorf("%s: %w: CRC-32 %08x, the directory gives %08x", c.name, ErrChecksum, c.h.Sum32(), c.crc)
		}
	} else if err != nil {
		err = fmt.Errorf("%s: %w", c.name, err)
	}
	return n, err
}

func (c *checked) Close() error { return c.rc.Close() }
