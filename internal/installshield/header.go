package installshield

import (
	"bytes"
	"fmt"
)

// Sizes of the header formats' structures.
const (
	headerSize       = 46  // signature, count, type and 26 bytes of unknown use
	ansiRecordSize   = 312 // the 260-byte name field and 52 bytes of fields
	ansiNameField    = 260
	streamRecordSize = 24
	streamExtraSize  = 24 // after the record when the header type is 4
	maxStreamName    = 2 * ansiNameField
	maxHeaderType    = 4 // the launchers described publicly use 0 to 4
)

// readHeaderFormat reads the header at s and the file records after it.
func (rd *Reader) readHeaderFormat(s *span) error {
	h, err := s.read(headerSize, rd.Format.String()+" header")
	if err != nil {
		return err
	}
	count := int(le.Uint16(h[14:]))
	rd.HeaderType = le.Uint32(h[16:])
	if rd.HeaderType > maxHeaderType {
		return fmt.Errorf("%w: %s header at %#x has type %d (types 0 to %d are known)",
			ErrUnsupported, rd.Format, s.pos-headerSize, rd.HeaderType, maxHeaderType)
	}
	for i := 0; i < count; i++ {
		at := s.pos
		var f *File
		if rd.Format == FormatInstallShield {
			f, err = readANSIRecord(s, i)
		} else {
			f, err = readStreamRecord(s, i, rd.HeaderType == 4)
		}
		if err != nil {
			return err
		}
		if err := rd.addFile(s, f, at); err != nil {
			return err
		}
	}
	rd.Trailing = s.end - s.pos
	return nil
}

// readANSIRecord reads an "InstallShield" file record: the name field,
// the flags at 260, the stored length at 268 and the compression flag at
// 280.
func readANSIRecord(s *span, i int) (*File, error) {
	b, err := s.read(ansiRecordSize, fmt.Sprintf("record of file %d", i+1))
	if err != nil {
		return nil, err
	}
	n := bytes.IndexByte(b[:ansiNameField], 0)
	if n < 0 {
		return nil, fmt.Errorf("%w: the name of file %d at %#x is not NUL-terminated in %d bytes",
			ErrFormat, i+1, s.pos-ansiRecordSize, ansiNameField)
	}
	seed := bytes.Clone(b[:n])
	return &File{
		Name:       decodeANSI(seed),
		Flags:      le.Uint32(b[260:]),
		StoredSize: int64(le.Uint32(b[268:])),
		Compressed: le.Uint16(b[280:]) != 0,
		seed:       seed,
	}, nil
}

// readStreamRecord reads an "ISSetupStream" file record: the name's
// length in bytes, the flags, two bytes of unknown use, the stored
// length, eight bytes of unknown use and the compression flag; then, for
// header type 4, 24 more bytes; then the UTF-16LE name.
func readStreamRecord(s *span, i int, extra bool) (*File, error) {
	b, err := s.read(streamRecordSize, fmt.Sprintf("record of file %d", i+1))
	if err != nil {
		return nil, err
	}
	at := s.pos - streamRecordSize
	nameLen := le.Uint32(b[0:])
	f := &File{
		Flags:      le.Uint32(b[4:]),
		StoredSize: int64(le.Uint32(b[10:])),
		Compressed: le.Uint16(b[22:]) != 0,
	}
	if nameLen == 0 || nameLen >= maxStreamName || nameLen%2 != 0 {
		return nil, fmt.Errorf("%w: file %d at %#x has a name of %d bytes (an even count below %d)",
			ErrFormat, i+1, at, nameLen, maxStreamName)
	}
	if extra {
		if _, err := s.read(streamExtraSize, fmt.Sprintf("record of file %d", i+1)); err != nil {
			return nil, err
		}
	}
	nb, err := s.read(int64(nameLen), fmt.Sprintf("name of file %d", i+1))
	if err != nil {
		return nil, err
	}
	f.Name = decodeUTF16(nb)
	// The key comes from the name in UTF-8, as the launcher converts it.
	f.seed = []byte(f.Name)
	return f, nil
}

// addFile places f's stored bytes at the current position, checks that
// the overlay holds them and steps over them.
func (rd *Reader) addFile(s *span, f *File, record int64) error {
	if f.Name == "" {
		return fmt.Errorf("%w: file %d (record at %#x) has an empty name", ErrFormat, len(rd.File)+1, record)
	}
	if len(rd.File) >= maxFiles {
		return fmt.Errorf("%w: more than %d files", ErrFormat, maxFiles)
	}
	f.Offset = s.pos
	if f.StoredSize > s.end-s.pos {
		return fmt.Errorf("%w: file %q (record at %#x): its %d bytes at %#x run %d bytes past the end of the overlay at %#x",
			ErrFormat, f.Name, record, f.StoredSize, s.pos, f.StoredSize-(s.end-s.pos), s.end)
	}
	s.pos += f.StoredSize
	f.Size = f.StoredSize
	if f.Compressed {
		f.Size = -1
	}
	f.r = s.r
	rd.File = append(rd.File, f)
	return nil
}
