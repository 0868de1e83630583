package cab

import (
	"bytes"
	"cmp"
	"io"
	"slices"
)

// File.Open in any order.
//
// A folder is one compressed stream: reaching a file means decoding every
// byte before it. File.Open keeps decoders where earlier files ended, so
// that opening a folder's files in their order decodes it once; but a
// walk of the Reader's fs.FS goes in name order, which is not the folder's
// (directories come before the files beside them, tools add files in
// their own order). So when a decoder skips over files to reach the one
// asked for, it keeps those it skips, up to openCacheSize bytes, until
// they are opened: a walk in any order whose jumps back stay within the
// budget decodes each folder about once, and memory stays bounded
// whatever the cabinet's size.

// openCacheSize is the most File.Open keeps of files skipped over.
const openCacheSize = 32 << 20

// openCache holds the bytes of skipped files, oldest first.
type openCache struct {
	files  map[*File][]byte
	order  []*File
	size   int64
	opened map[*File]bool // opened once: not worth keeping again
	// byOffset lists each folder's files by offset, built on first use.
	byOffset map[*Folder][]*File
}

// cached takes f's bytes out of the cache, if it is there. Called with r.mu
// held.
func (r *Reader) cached(f *File) ([]byte, bool) {
	c := &r.cache
	if c.opened == nil {
		c.opened = map[*File]bool{}
	}
	c.opened[f] = true
	b, ok := c.files[f]
	if ok {
		delete(c.files, f)
		c.size -= int64(len(b))
	}
	return b, ok
}

// skipKeeping moves s to folder offset off, keeping the bytes of the files
// that lie wholly in between and were never opened.
func (r *Reader) skipKeeping(s *folderStream, off int64) error {
	r.mu.Lock()
	c := &r.cache
	if c.byOffset == nil {
		c.byOffset = map[*Folder][]*File{}
	}
	files, ok := c.byOffset[s.f]
	if !ok {
		for _, f := range r.File {
			if f.Folder == s.f.Index && f.Size > 0 && f.missing == nil {
				files = append(files, f)
			}
		}
		slices.SortStableFunc(files, func(a, b *File) int { return cmp.Compare(a.Offset, b.Offset) })
		c.byOffset[s.f] = files
	}
	i, _ := slices.BinarySearchFunc(files, s.off, func(f *File, off int64) int { return cmp.Compare(f.Offset, off) })
	var keep []*File
	for ; i < len(files) && files[i].Offset+files[i].Size <= off; i++ {
		f := files[i]
		if _, have := c.files[f]; !have && !c.opened[f] && f.Size <= openCacheSize/4 {
			keep = append(keep, f)
		}
	}
	r.mu.Unlock()
	for _, f := range keep {
		if f.Offset < s.off {
			continue // overlaps one kept before
		}
		if err := s.skipTo(f.Offset); err != nil {
			return err
		}
		var b bytes.Buffer
		b.Grow(int(f.Size))
		if _, err := io.CopyN(&b, readerFunc(s.read), f.Size); err != nil {
			return err
		}
		r.keep(f, b.Bytes())
	}
	return s.skipTo(off)
}

// keep adds f's bytes to the cache, dropping the oldest to stay within
// the budget.
func (r *Reader) keep(f *File, b []byte) {
	r.mu.Lock()
	defer r.mu.Unlock()
	c := &r.cache
	if c.files == nil {
		c.files = map[*File][]byte{}
	}
	if c.opened[f] {
		return
	}
	for c.size+int64(len(b)) > openCacheSize && len(c.order) > 0 {
		old := c.order[0]
		c.order = c.order[1:]
		if ob, ok := c.files[old]; ok {
			delete(c.files, old)
			c.size -= int64(len(ob))
		}
	}
	c.files[f] = b
	c.order = append(c.order, f)
	c.size += int64(len(b))
	// order may hold files opened since: drop them now and then.
	if len(c.order) > 2*len(c.files)+64 {
		c.order = slices.DeleteFunc(c.order, func(f *File) bool { _, ok := c.files[f]; return !ok })
	}
}

type readerFunc func([]byte) (int, error)

func (f readerFunc) Read(p []byte) (int, error) { return f(p) }

// memFile is an opened file whose bytes came from the cache.
type memFile struct {
	f      *File
	r      bytes.Reader
	closed bool
}

func (m *memFile) Read(p []byte) (int, error) {
	if m.closed {
		return 0, errClosed
	}
	return m.r.Read(p)
}

func (m *memFile) WriteTo(w io.Writer) (int64, error) {
	if m.closed {
		return 0, errClosed
	}
	return m.r.WriteTo(w)
}

func (m *memFile) Close() error {
	m.closed = true
	return nil
}
