package installshield

import (
	"fmt"
	"strconv"
)

// Limits of a plain file record's strings, in characters: the launcher
// keeps the name and path in MAX_PATH buffers and the version in 32
// characters; the length is a decimal 32-bit number.
const (
	maxPlainName    = 259
	maxPlainVersion = 31
	maxPlainDigits  = 10
	maxPlainRecord  = 2*(maxPlainName+1) + maxPlainVersion + 1 + maxPlainDigits + 1
)

// plainRecord is a plain file record's four strings and its length in
// bytes.
type plainRecord struct {
	name, path, version string
	size                int64
	n                   int
}

// Outcomes of parsePlainRecord.
const (
	recordOK  = iota
	recordBad // not a record
	recordCut // the start of a record, cut short by the end of b
)

// parsePlainRecord reads the four strings of a plain record from the
// start of b, in units of unit bytes (1 for ANSI, 2 for UTF-16LE). It
// reports recordBad for bytes that are not such a record: a string that
// is too long or holds a control character, an empty name or path, or a
// length that is not a decimal 32-bit number; and recordCut for bytes
// that end before a record does, with nothing amiss so far.
func parsePlainRecord(b []byte, unit int) (plainRecord, int) {
	var rec plainRecord
	var fields [4]string
	limits := [4]int{maxPlainName, maxPlainName, maxPlainVersion, maxPlainDigits}
	pos := 0
	for i := range fields {
		start := pos
		for n := 0; ; n++ {
			if n > limits[i] {
				return rec, recordBad
			}
			if pos+unit > len(b) {
				return rec, recordCut
			}
			c := int(b[pos])
			if unit == 2 {
				c = int(le.Uint16(b[pos:]))
			}
			pos += unit
			if c == 0 {
				break
			}
			// The printable range the launchers' names use: no
			// control character, nor the highest code unit.
			if c < 0x20 || (unit == 1 && c == 0xFF) || (unit == 2 && c >= 0xFFFE) {
				return rec, recordBad
			}
		}
		raw := b[start : pos-unit]
		if unit == 1 {
			fields[i] = decodeANSI(raw)
		} else {
			fields[i] = decodeUTF16(raw)
		}
	}
	if fields[0] == "" || fields[1] == "" || fields[3] == "" {
		return rec, recordBad
	}
	size, err := strconv.ParseUint(fields[3], 10, 32)
	if err != nil {
		return rec, recordBad
	}
	return plainRecord{name: fields[0], path: fields[1], version: fields[2], size: int64(size), n: pos}, recordOK
}

// readPlain reads a plain overlay's records until one does not parse or
// the overlay ends, as the launcher does. It reports false if the first
// does not parse: the overlay is not plain.
func (rd *Reader) readPlain(s *span) (bool, error) {
	for s.pos < s.end {
		at := s.pos
		rec, res := parsePlainRecord(s.peek(maxPlainRecord), 1)
		if res != recordOK {
			if len(rd.File) == 0 {
				return false, nil
			}
			if res == recordCut {
				return true, fmt.Errorf("%w: file record %d at %#x is cut short by the end of the overlay at %#x",
					ErrFormat, len(rd.File)+1, at, s.end)
			}
			break // data after the last file
		}
		rd.Format = FormatPlain
		s.pos += int64(rec.n)
		if err := rd.addFile(s, &File{Name: rec.path, Version: rec.version, StoredSize: rec.size}, at); err != nil {
			return true, err
		}
	}
	rd.Trailing = s.end - s.pos
	return true, nil
}

// readPlainWide reads a plain UTF-16 overlay: a 32-bit file count, then
// as many records. It reports false if the count or the first record
// does not parse: the overlay is not in this layout.
func (rd *Reader) readPlainWide(s *span) (bool, error) {
	b := s.peek(4)
	if len(b) < 4 {
		return false, nil
	}
	count := le.Uint32(b)
	if count == 0 || count > maxFiles {
		return false, nil
	}
	start := s.pos
	s.pos += 4
	for i := 0; i < int(count); i++ {
		at := s.pos
		rec, res := parsePlainRecord(s.peek(2*maxPlainRecord), 2)
		if res != recordOK {
			if i == 0 {
				s.pos = start
				return false, nil
			}
			return true, fmt.Errorf("%w: the overlay counts %d files, but no file record %d follows at %#x",
				ErrFormat, count, i+1, at)
		}
		rd.Format = FormatPlainWide
		s.pos += int64(rec.n)
		if err := rd.addFile(s, &File{Name: rec.path, Version: rec.version, StoredSize: rec.size}, at); err != nil {
			return true, err
		}
	}
	rd.Trailing = s.end - s.pos
	return true, nil
}
