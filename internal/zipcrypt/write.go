package zipcrypt

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"time"
)

// Method is an encryption method for Create.
type Method int

// Encryption methods.
const (
	Traditional Method = iota // PKWARE's, APPNOTE.TXT 6.1 ("ZipCrypto")
	AES128                    // WinZip AE-1, 128-bit key
	AES256                    // WinZip AE-1, 256-bit key
)

// Create adds a deflated entry holding data, encrypted with password, to
// zw. The salt (AES) or header bytes (traditional) that encryption wants
// random are derived from the name and data instead, so that the same
// input gives the same archive: Create is made for reproducible test
// fixtures, not for keeping secrets.
func Create(zw *zip.Writer, name string, modified time.Time, data, password []byte, m Method) error {
	var comp bytes.Buffer
	fw, err := flate.NewWriter(&comp, flate.BestCompression)
	if err != nil {
		return err
	}
	fw.Write(data)
	if err := fw.Close(); err != nil {
		return err
	}
	crc := crc32.ChecksumIEEE(data)
	seed := sha256.Sum256(append([]byte(name+"\x00"), data...))
	fh := &zip.FileHeader{Name: name, Modified: modified, Flags: flagEncrypted, CRC32: crc, UncompressedSize64: uint64(len(data))}
	// CreateRaw writes the header's MS-DOS time fields as they are and
	// does not derive them from Modified: they must be set here.
	//lint:ignore SA1019 the deprecated fields are what CreateRaw writes
	fh.ModifiedDate, fh.ModifiedTime = dosTime(modified)
	var enc bytes.Buffer
	switch m {
	case Traditional:
		fh.Method = zip.Deflate
		var s [headerLen - 1]byte
		copy(s[:], seed[:])
		w, err := newTraditionalWriter(&enc, password, byte(crc>>24), s)
		if err != nil {
			return err
		}
		w.Write(comp.Bytes())
	case AES128, AES256:
		p := aesParams{vendor: aesVendorAE1, strength: 1, method: zip.Deflate}
		if m == AES256 {
			p.strength = 3
		}
		fh.Method = methodAES
		fh.Extra = binary.LittleEndian.AppendUint16(nil, extraAES)
		fh.Extra = binary.LittleEndian.AppendUint16(fh.Extra, 7)
		fh.Extra = binary.LittleEndian.AppendUint16(fh.Extra, p.vendor)
		fh.Extra = append(fh.Extra, 'A', 'E', p.strength)
		fh.Extra = binary.LittleEndian.AppendUint16(fh.Extra, p.method)
		w, err := newAESWriter(&enc, password, seed[:p.saltLen()], p)
		if err != nil {
			return err
		}
		w.Write(comp.Bytes())
		if err := w.Close(); err != nil {
			return err
		}
	default:
		return fmt.Errorf("zipcrypt: unknown method %d", m)
	}
	fh.CompressedSize64 = uint64(enc.Len())
	out, err := zw.CreateRaw(fh)
	if err != nil {
		return err
	}
	_, err = out.Write(enc.Bytes())
	return err
}

// dosTime is t in the MS-DOS date and time fields of a ZIP header (local
// time as recorded, two-second resolution, years 1980 to 2107).
func dosTime(t time.Time) (date, tm uint16) {
	if t.Year() < 1980 {
		t = time.Date(1980, 1, 1, 0, 0, 0, 0, t.Location())
	}
	date = uint16((t.Year()-1980)<<9 | int(t.Month())<<5 | t.Day())
	tm = uint16(t.Hour()<<11 | t.Minute()<<5 | t.Second()/2)
	return date, tm
}
