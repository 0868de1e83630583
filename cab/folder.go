package cab

import (
	"github.com/msikit/msikit/internal/safepath"

	"fmt"
	"time"
)

// Folder is a CFFOLDER: a run of CFDATA blocks compressed as one stream.
// A folder continued across the cabinets of a set is one Folder.
type Folder struct {
	// Index is the folder's position in Reader.Folders.
	Index       int
	Compression Compression
	// NumBlocks is the number of CFDATA blocks, a block split across two
	// cabinets counting once.
	NumBlocks int
	// Reserve is the per-folder reserve area of the folder's first part.
	Reserve []byte

	r    *Reader
	segs []segment
	// continues is set when the folder's last part is in a cabinet
	// whose next cabinet was not opened.
	continues string
}

// segment is the part of a folder stored in one cabinet.
type segment struct {
	cab     *cabinet
	dataOff int64
	nBlocks int
}

// maxSize is the most a folder can hold: every block at its maximum.
func (f *Folder) maxSize() int64 { return int64(f.NumBlocks) * maxBlockUncomp }

// File is one member of a cabinet (CFFILE).
type File struct {
	// Name is the stored name converted to UTF-8; its directory
	// separator is the backslash.
	Name string
	// Size is the file's uncompressed size.
	Size int64
	// Modified is the DOS date and time read as local time; DOSDate and
	// DOSTime are the raw fields.
	Modified         time.Time
	DOSDate, DOSTime uint16
	// Attributes are the CFFILE attributes (read-only 0x1, hidden 0x2,
	// system 0x4, archive 0x20, execute 0x40, UTF-8 name 0x80).
	Attributes uint16
	// Folder is the index in Reader.Folders of the folder holding the
	// file, and Offset is where the file starts in the folder's
	// uncompressed data.
	Folder int
	Offset int64

	r *Reader
	// missing, when set, is why the file's bytes cannot be read: it
	// starts in a cabinet of the set that was not opened.
	missing error
}

// Path is the file's name as a relative, slash-separated path that cannot
// leave the directory it is extracted to (see safepath.Clean). Backslashes
// separate directories, as Windows makes cabinets, unless some name in the
// cabinet uses '/': then the cabinet was made on a Unix system and a
// backslash is part of a name, as cabextract reads it.
func (f *File) Path() string {
	if f.r != nil && f.r.slashNames {
		return safepath.CleanSlash(f.Name)
	}
	return safepath.Clean(f.Name)
}

// Attribute bits (CFFILE.attribs).
const (
	AttrReadOnly = 0x01
	AttrHidden   = 0x02
	AttrSystem   = 0x04
	AttrArchive  = 0x20
	AttrExec     = 0x40
)

// FolderOf returns the folder holding f.
func (f *File) folder() *Folder { return f.r.Folders[f.Folder] }

// checkBounds reports a file that cannot lie within its folder; libmspack
// refuses these before decoding anything ("cabinet set is incomplete").
func (f *File) checkBounds() error {
	if f.missing != nil {
		return f.missing
	}
	fo := f.folder()
	if end := f.Offset + f.Size; end > fo.maxSize() {
		if fo.continues != "" {
			return fmt.Errorf("%w: %s: continues in %s", ErrMissingPart, f.Name, fo.continues)
		}
		return fmt.Errorf("%w: %s: ends at %d, beyond the %d blocks of folder %d (cabinet set incomplete?)",
			ErrFormat, f.Name, end, fo.NumBlocks, fo.Index)
	}
	return nil
}
