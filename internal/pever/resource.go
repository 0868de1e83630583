package pever

import (
	"encoding/binary"
	"fmt"
	"unicode/utf16"
)

// Resource types (RT_*) this package looks for.
const (
	RTVersion  = 16
	RTManifest = 24
)

// ResourceID names a resource type, name or language in the resource
// directory: a string for named entries, a number otherwise.
type ResourceID struct {
	Name string // the entry's name, for named entries
	ID   uint32 // the entry's number, when Name is empty
}

// String returns the name, or "#" and the number as resource compilers
// write numeric IDs.
func (id ResourceID) String() string {
	if id.Name != "" {
		return id.Name
	}
	return fmt.Sprintf("#%d", id.ID)
}

// Resource is one leaf of the resource directory: its type, name and
// language, and where its data is.
type Resource struct {
	Type, Name ResourceID
	Language   uint16 // LANGID, e.g. 0x409 for en-US, 0 for neutral
	RVA        uint32 // of the data
	Size       uint32 // of the data, in bytes
	CodePage   uint32
}

// Bounds on the resource directory. The format has exactly three levels
// (type, name, language); the entry budget bounds the work on directories
// that share subdirectories or overlap, which distinct offsets alone do
// not, while staying far above the few thousand entries of the largest
// localised system DLLs.
const (
	resourceLevels     = 3
	maxResourceEntries = 1 << 17
	maxNameBytes       = 4 << 20 // names are short; overlapping long ones are an attack
	dirHeaderSize      = 16
	dirEntrySize       = 8
	dataEntrySize      = 16
)

// Resources lists every resource in the image's resource directory, in
// directory order. An image without resources gives an empty list.
func (f *File) Resources() ([]Resource, error) {
	var out []Resource
	err := f.walkResources(nil, func(r Resource) { out = append(out, r) })
	return out, err
}

// ReadResource returns the data of a resource listed by Resources.
func (f *File) ReadResource(r Resource) ([]byte, error) {
	off, err := f.rvaToOffset(r.RVA, r.Size)
	if err != nil {
		return nil, &Error{What: "resource " + r.Type.String() + "/" + r.Name.String(), Err: err}
	}
	b := make([]byte, r.Size)
	if err := readFull(f.r, b, off); err != nil {
		return nil, hdrErr("resource "+r.Type.String()+"/"+r.Name.String(), err)
	}
	return b, nil
}

// resWalker walks the resource directory. Offsets in the directory are
// relative to its start; every one is checked against the bytes of the
// section holding the directory before it is read.
type resWalker struct {
	f       *File
	base    int64  // file offset of the directory's start
	limit   uint32 // bytes of file data from there to the section's end
	entries int
	names   int // bytes of entry names read
	onPath  [resourceLevels]uint32
	typ     *uint32 // only this type's subtree, if set
	emit    func(Resource)
}

func (f *File) walkResources(typ *uint32, emit func(Resource)) error {
	if f.resources.VirtualAddress == 0 || f.resources.Size == 0 {
		return nil
	}
	base, avail, err := f.mapRVA(f.resources.VirtualAddress)
	if err != nil {
		return &Error{What: "resource directory", Err: err}
	}
	w := &resWalker{f: f, base: base, limit: avail, typ: typ, emit: emit}
	var path [resourceLevels]ResourceID
	if err := w.dir(0, 0, &path); err != nil {
		return &Error{What: "resource directory", Err: err}
	}
	return nil
}

func (w *resWalker) read(off, n uint32, what string) ([]byte, error) {
	if off%4 != 0 {
		return nil, fmt.Errorf("%w: %s at offset %#x is not 32-bit aligned", ErrFormat, what, off)
	}
	if uint64(off)+uint64(n) > uint64(w.limit) {
		return nil, fmt.Errorf("%w: %s at offset %#x (%d bytes) runs past the resource section's %d bytes", ErrFormat, what, off, n, w.limit)
	}
	b := make([]byte, n)
	if err := readFull(w.f.r, b, w.base+int64(off)); err != nil {
		return nil, fmt.Errorf("%w: %s at offset %#x: %w", ErrFormat, what, off, err)
	}
	return b, nil
}

func (w *resWalker) dir(off uint32, level int, path *[resourceLevels]ResourceID) error {
	w.onPath[level] = off
	hdr, err := w.read(off, dirHeaderSize, "directory table")
	if err != nil {
		return err
	}
	n := uint32(binary.LittleEndian.Uint16(hdr[12:])) + uint32(binary.LittleEndian.Uint16(hdr[14:]))
	if w.entries += int(n); w.entries > maxResourceEntries {
		return fmt.Errorf("%w: more than %d resource directory entries", ErrFormat, maxResourceEntries)
	}
	ents, err := w.read(off+dirHeaderSize, n*dirEntrySize, fmt.Sprintf("%d directory entries", n))
	if err != nil {
		return err
	}
	for i := uint32(0); i < n; i++ {
		e := ents[i*dirEntrySize:]
		nameField, dataField := binary.LittleEndian.Uint32(e), binary.LittleEndian.Uint32(e[4:])
		id, err := w.entryID(nameField)
		if err != nil {
			return err
		}
		if level == 0 && w.typ != nil && (id.Name != "" || id.ID != *w.typ) {
			continue
		}
		path[level] = id
		if dataField&0x80000000 != 0 {
			for i := 0; i <= level; i++ {
				if w.onPath[i] == dataField&^0x80000000 {
					return fmt.Errorf("%w: resource directory at offset %#x contains itself", ErrFormat, w.onPath[i])
				}
			}
			if level == resourceLevels-1 {
				return fmt.Errorf("%w: resource directory deeper than type, name and language", ErrFormat)
			}
			if err := w.dir(dataField&^0x80000000, level+1, path); err != nil {
				return err
			}
			continue
		}
		if level != resourceLevels-1 {
			return fmt.Errorf("%w: resource data entry %s at level %d, above the language level", ErrFormat, id, level+1)
		}
		if id.Name != "" || id.ID > 0xFFFF {
			return fmt.Errorf("%w: resource language %s is not a LANGID", ErrFormat, id)
		}
		de, err := w.read(dataField, dataEntrySize, "data entry")
		if err != nil {
			return err
		}
		w.emit(Resource{
			Type:     path[0],
			Name:     path[1],
			Language: uint16(id.ID),
			RVA:      binary.LittleEndian.Uint32(de[0:]),
			Size:     binary.LittleEndian.Uint32(de[4:]),
			CodePage: binary.LittleEndian.Uint32(de[8:]),
		})
	}
	return nil
}

// entryID decodes an entry's Name field: a number, or with the high bit
// set the offset of a counted UTF-16 string.
func (w *resWalker) entryID(field uint32) (ResourceID, error) {
	if field&0x80000000 == 0 {
		return ResourceID{ID: field}, nil
	}
	off := field &^ 0x80000000
	// Strings are 16-bit aligned, not 32-bit, so read() is not used for
	// them.
	if off%2 != 0 || uint64(off)+2 > uint64(w.limit) {
		return ResourceID{}, fmt.Errorf("%w: resource name at offset %#x is misaligned or past the section", ErrFormat, off)
	}
	var lb [2]byte
	if err := readFull(w.f.r, lb[:], w.base+int64(off)); err != nil {
		return ResourceID{}, fmt.Errorf("%w: resource name at offset %#x: %w", ErrFormat, off, err)
	}
	n := uint32(binary.LittleEndian.Uint16(lb[:]))
	if w.names += 2 * int(n); w.names > maxNameBytes {
		return ResourceID{}, fmt.Errorf("%w: more than %d bytes of resource names", ErrFormat, maxNameBytes)
	}
	if uint64(off)+2+2*uint64(n) > uint64(w.limit) {
		return ResourceID{}, fmt.Errorf("%w: resource name at offset %#x (%d characters) runs past the section", ErrFormat, off, n)
	}
	b := make([]byte, 2*n)
	if err := readFull(w.f.r, b, w.base+int64(off)+2); err != nil {
		return ResourceID{}, fmt.Errorf("%w: resource name at offset %#x: %w", ErrFormat, off, err)
	}
	name := decodeUTF16(b)
	if name == "" {
		// An empty name would read back as the number 0.
		return ResourceID{}, fmt.Errorf("%w: empty resource name at offset %#x", ErrFormat, off)
	}
	return ResourceID{Name: name}, nil
}

func decodeUTF16(b []byte) string {
	u := make([]uint16, len(b)/2)
	for i := range u {
		u[i] = binary.LittleEndian.Uint16(b[2*i:])
	}
	return string(utf16.Decode(u))
}
