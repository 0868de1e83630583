package cab

import (
	"errors"
	"io"
)

// maxIdle bounds the decoders kept for reuse by File.Open: each holds a
// window of up to 2 MiB.
const maxIdle = 4

// Open returns a ReadCloser of the file's bytes. Decoding starts at the
// beginning of the file's folder unless an earlier File.Open on the same
// Reader left a decoder at or before this file, which it then reuses: so
// reading a folder's files in order decodes it once. Files a decoder
// skips over are kept (up to 32 MiB) until they are opened, so that
// opening them in another order, as a walk of the Reader's fs.FS does,
// costs about as little. The ReadCloser is not safe for concurrent use,
// but several may be open at once.
func (f *File) Open() (io.ReadCloser, error) {
	if err := f.checkBounds(); err != nil {
		return nil, err
	}
	fr := &fileReader{f: f, remaining: f.Size}
	if f.Size == 0 {
		return fr, nil
	}
	f.r.mu.Lock()
	b, ok := f.r.cached(f)
	f.r.mu.Unlock()
	if ok {
		m := &memFile{f: f}
		m.r.Reset(b)
		return m, nil
	}
	s, err := f.r.takeStream(f.folder(), f.Offset)
	if err != nil {
		return nil, err
	}
	if err := f.r.skipKeeping(s, f.Offset); err != nil {
		return nil, &fileNameError{f, err}
	}
	fr.s = s
	return fr, nil
}

// takeStream returns an idle decoder of folder fo positioned at or before
// off, or a new one.
func (r *Reader) takeStream(fo *Folder, off int64) (*folderStream, error) {
	r.mu.Lock()
	best := -1
	for i, s := range r.idle {
		if s.f == fo && s.off <= off && (best < 0 || s.off > r.idle[best].off) {
			best = i
		}
	}
	if best >= 0 {
		s := r.idle[best]
		r.idle = append(r.idle[:best], r.idle[best+1:]...)
		r.mu.Unlock()
		return s, nil
	}
	r.mu.Unlock()
	return r.newStream(fo)
}

// putStream keeps s for a later File.Open, dropping the oldest if too
// many are kept.
func (r *Reader) putStream(s *folderStream) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.idle) >= maxIdle {
		r.idle = r.idle[1:]
	}
	r.idle = append(r.idle, s)
}

type fileReader struct {
	f         *File
	s         decodedStream
	remaining int64
	err       error
}

func (fr *fileReader) Read(p []byte) (int, error) {
	if fr.err != nil {
		return 0, fr.err
	}
	if fr.remaining == 0 {
		return 0, io.EOF
	}
	if int64(len(p)) > fr.remaining {
		p = p[:fr.remaining]
	}
	n, err := fr.s.read(p)
	fr.remaining -= int64(n)
	if err != nil {
		fr.err = &fileNameError{fr.f, err}
		return n, fr.err
	}
	return n, nil
}

// WriteTo lets io.Copy take the bytes straight from the decoder's buffer.
func (fr *fileReader) WriteTo(w io.Writer) (int64, error) {
	if fr.err != nil {
		return 0, fr.err
	}
	if fr.remaining == 0 {
		return 0, nil
	}
	n, err := fr.s.writeTo(w, fr.remaining)
	fr.remaining -= n
	if err != nil && fr.s.failed() != nil {
		fr.err = &fileNameError{fr.f, err}
		return n, fr.err
	}
	return n, err
}

func (fr *fileReader) Close() error {
	if s, ok := fr.s.(*folderStream); ok && fr.remaining == 0 && s.err == nil {
		fr.f.r.putStream(s)
	}
	fr.s = nil
	if fr.err == nil {
		fr.err = errClosed
	}
	return nil
}

var errClosed = errors.New("cab: read of closed file")
