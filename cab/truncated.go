package cab

import (
	"errors"
	"fmt"
	"io"

	"github.com/msikit/msikit/internal/burn"
)

// ErrTruncated reports, from Search, a cabinet or WiX Burn container that
// the file cuts short (see TruncatedError). Search returns it along with
// the cabinets it found, whose files wholly present can still be read.
var ErrTruncated = errors.New("file is truncated")

// TruncatedError reports, from Search, a cabinet or a WiX Burn container
// that the file cuts short: a cabinet whose header declares more bytes
// than the file holds from its start, a cabinet whose data blocks run past
// the end of the file, or a container that the bundle's .wixburn section
// lists but the file does not (wholly) hold. It wraps ErrTruncated.
type TruncatedError struct {
	// Name is the file's name when known (SearchFile sets its base name).
	Name string
	// What names what is cut short: "cabinet", or a Burn container such
	// as "Burn attached container 1 of 1".
	What string
	// Offset is where it starts in the file, Size how many bytes it
	// declares, and Missing how many bytes it needs beyond the end of the
	// file, at least.
	Offset, Size, Missing int64
	// Detail says how the truncation was found, when the sizes alone do
	// not.
	Detail string
}

func (e *TruncatedError) Error() string {
	s := ""
	if e.Name != "" {
		s = e.Name + ": "
	}
	s += fmt.Sprintf("%s at offset %d is truncated: ", e.What, e.Offset)
	switch {
	case e.Detail != "":
		s += e.Detail
	case e.Missing >= e.Size:
		s += fmt.Sprintf("all %d bytes are missing", e.Size)
	default:
		s += fmt.Sprintf("%d of its %d bytes are missing", e.Missing, e.Size)
	}
	return s
}

func (e *TruncatedError) Unwrap() error { return ErrTruncated }

// minCabinet is the size of the smallest cabinet: a header, a folder, a
// file with a one-byte name and a data block.
const minCabinet = headerSize + cfFolderSize + cfFileSize + 2 + cfDataSize

// minCutHeader is how much of a header must be left for a cut cabinet to
// be told from a stray "MSCF": the signature, the first reserved field
// and the cabinet's size.
const minCutHeader = 12

// genuineHeader reports whether b, a CFHEADER or as much of one as the
// file holds (at least minCutHeader bytes), looks like one a cabinet
// writer made rather than a stray "MSCF" in other data: the reserved
// fields are zero, the size is at least a minimal cabinet's, the version
// is 1.3, no unknown flag is set, there are folders and files, and the
// file entries start after the header and inside the cabinet. Even the
// shortest prefix fixes 64 bits, so a candidate passing it that runs past
// the end of the file is a cut cabinet, not noise.
func genuineHeader(b []byte) bool {
	if len(b) < minCutHeader || string(b[:4]) != "MSCF" || le.Uint32(b[4:]) != 0 {
		return false
	}
	size := le.Uint32(b[8:])
	if size < minCabinet {
		return false
	}
	has := func(n int) bool { return len(b) >= n }
	switch {
	case has(16) && le.Uint32(b[12:]) != 0,
		has(20) && (le.Uint32(b[16:]) < headerSize || le.Uint32(b[16:]) >= size),
		has(24) && le.Uint32(b[20:]) != 0,
		has(26) && (b[24] != 3 || b[25] != 1),
		has(28) && le.Uint16(b[26:]) == 0,
		has(30) && le.Uint16(b[28:]) == 0,
		has(32) && le.Uint16(b[30:])&^(FlagPrevCabinet|FlagNextCabinet|FlagReservePresent) != 0:
		return false
	}
	return true
}

// cutHeader reports the candidate at off, whose header or tables could
// not be read, as a truncated cabinet if its header (or what the file
// holds of it) is genuine and declares more bytes than the file holds;
// nil otherwise.
func cutHeader(r io.ReaderAt, off, size int64) *TruncatedError {
	var b [headerSize]byte
	n := min(size-off, headerSize)
	if n < minCutHeader || readFull(r, b[:n], off) != nil || !genuineHeader(b[:n]) {
		return nil
	}
	declared := int64(le.Uint32(b[8:]))
	if off+declared <= size {
		return nil
	}
	return &TruncatedError{What: "cabinet", Offset: off, Size: declared, Missing: off + declared - size}
}

// cutCabinet checks a cabinet found by a search against the end of the
// file: its declared size first, then, when that fits, its data blocks,
// whose headers it reads one by one (8 bytes per block, and no more
// blocks than the file has room for).
func cutCabinet(c *cabinet, size int64) *TruncatedError {
	h := &c.hdr
	if end := h.Offset + int64(h.Size); end > size {
		return &TruncatedError{What: "cabinet", Offset: h.Offset, Size: int64(h.Size), Missing: end - size}
	}
	blockHdr := int64(cfDataSize + h.DataReserveSize)
	// Blocks do not overlap in a cabinet, so more of them than fit in the
	// rest of the file cannot all be there; the check also bounds the
	// walk below by the file's size.
	var total int64
	for _, f := range c.folders {
		total += int64(f.nBlocks)
	}
	if room := size - h.Offset; total*blockHdr > room {
		return &TruncatedError{What: "cabinet", Offset: h.Offset, Size: int64(h.Size), Missing: total*blockHdr - room,
			Detail: fmt.Sprintf("its %d data blocks need at least %d bytes, the file holds %d from the cabinet's start",
				total, total*blockHdr, room)}
	}
	var b [cfDataSize]byte
	for fi, f := range c.folders {
		pos := f.dataOff
		for i := 0; i < f.nBlocks; i++ {
			end := pos + blockHdr
			if end <= size {
				if readFull(c.ra, b[:], pos) != nil {
					break // a read error is reported when the block is decoded
				}
				end += int64(le.Uint16(b[4:]))
			}
			if end > size {
				return &TruncatedError{What: "cabinet", Offset: h.Offset, Size: int64(h.Size), Missing: end - size,
					Detail: fmt.Sprintf("data block %d of folder %d (at offset %d) ends at %d, %d bytes past the end of the file",
						i, fi, pos, end, end-size)}
			}
			pos = end
		}
	}
	return nil
}

// missingContainers reports the containers of a WiX Burn bundle that the
// file does not wholly hold, as Burn reckons their places from the
// .wixburn section. A container starting where a truncated cabinet was
// already reported is not reported again. Nothing is reported for a file
// that is not a bundle or whose section cannot be read: the cabinets
// found speak for themselves.
func missingContainers(r io.ReaderAt, size int64, reported []*TruncatedError) []*TruncatedError {
	sec, err := burn.ReadSection(r, size)
	if err != nil || sec.Format != burn.FormatCabinet {
		return nil
	}
	var out []*TruncatedError
	cs := sec.Containers()
	for _, ct := range cs {
		if ct.Offset+ct.Size <= size {
			continue
		}
		what := "Burn bootstrapper application container"
		if ct.Index > 0 {
			what = fmt.Sprintf("Burn attached container %d of %d", ct.Index, len(cs)-1)
		}
		dup := false
		for _, t := range reported {
			if t.Offset == ct.Offset {
				t.What += " (" + what + ")"
				dup = true
			}
		}
		if !dup {
			out = append(out, &TruncatedError{What: what, Offset: ct.Offset, Size: ct.Size,
				Missing: min(ct.Size, ct.Offset+ct.Size-size)})
		}
	}
	return out
}
