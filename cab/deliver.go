package cab

import (
	"bytes"
	"io"
	"sync"
)

// deliverer calls fn for a folder's files: in the folder's goroutine, one
// at a time, or (ExtractOptions.Concurrent) in writer goroutines, for
// files whose bytes it copies out of the decoder's buffers, so that the
// stream goes on to the next file while fn handles this one. It keeps
// each file's error, to return them in folder order whatever order the
// writers finish in.
type deliverer struct {
	fn    ExtractFunc
	tasks chan delivery
	wg    sync.WaitGroup
	mu    sync.Mutex
	files []*File // every file handled, in folder order
	errs  []error // errs[i] is files[i]'s
}

type delivery struct {
	i   int
	b   *[]byte
	err error // the stream's error after b
}

// maxCopied is the largest file handed to a writer; larger ones are
// delivered from the decoder's buffers, in the folder's goroutine.
const maxCopied = 256 << 10

var copyPool = sync.Pool{New: func() any { b := make([]byte, 0, 64<<10); return &b }}

func newDeliverer(writers int, fn ExtractFunc) *deliverer {
	d := &deliverer{fn: fn}
	if writers > 1 {
		d.tasks = make(chan delivery, writers)
		for range writers {
			d.wg.Add(1)
			go d.write()
		}
	}
	return d
}

// add notes that f is being handled, and returns its number.
func (d *deliverer) add(f *File) int {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.files = append(d.files, f)
	d.errs = append(d.errs, nil)
	return len(d.files) - 1
}

// fail records file i's error; the first one stays.
func (d *deliverer) fail(i int, err error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.errs[i] == nil {
		d.errs[i] = err
	}
}

// takes reports whether f goes to a writer.
func (d *deliverer) takes(f *File) bool { return d.tasks != nil && f.Size <= maxCopied }

// copy reads a file's bytes for a writer; it returns what it read and
// the error that stopped it.
func (d *deliverer) copy(fr *fileReader) (*[]byte, error) {
	b := copyPool.Get().(*[]byte)
	buf := bytes.NewBuffer((*b)[:0])
	_, err := buf.ReadFrom(fr)
	*b = buf.Bytes()
	return b, err
}

// give delivers file i (b and err as copy returns them; nil for an empty
// file): to a writer, or at once when there are none.
func (d *deliverer) give(i int, b *[]byte, err error) {
	if d.tasks == nil {
		d.call(i, b, err)
		return
	}
	d.tasks <- delivery{i, b, err}
}

func (d *deliverer) write() {
	defer d.wg.Done()
	for t := range d.tasks {
		d.call(t.i, t.b, t.err)
	}
}

// call runs fn on file i and records its error, as extractFolder words
// it.
func (d *deliverer) call(i int, b *[]byte, err error) {
	d.mu.Lock()
	f := d.files[i]
	d.mu.Unlock()
	var r io.Reader = eofReader{}
	if b != nil {
		r = &copiedReader{r: bytes.NewReader(*b), err: err, f: f}
		defer func() {
			if cap(*b) <= maxCopied {
				*b = (*b)[:0]
				copyPool.Put(b)
			}
		}()
	}
	if ferr := d.fn(f, r); ferr != nil {
		d.fail(i, unwrapFileErr(ferr, f))
	} else if err != nil {
		// The folder failed in bytes fn did not read.
		d.fail(i, unwrapFileErr(err, f))
	}
}

// wait waits for the writers and returns the files' errors in folder
// order.
func (d *deliverer) wait() []*FileError {
	if d.tasks != nil {
		close(d.tasks)
		d.wg.Wait()
	}
	var errs []*FileError
	for i, e := range d.errs {
		if e != nil {
			errs = append(errs, &FileError{d.files[i], e})
		}
	}
	return errs
}

// copiedReader returns a copied file's bytes, then the error that cut
// them short, if any.
type copiedReader struct {
	r   *bytes.Reader
	err error
	f   *File
}

func (c *copiedReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	if err == io.EOF && c.err != nil {
		return n, &fileNameError{c.f, c.err}
	}
	return n, err
}

func (c *copiedReader) WriteTo(w io.Writer) (int64, error) {
	n, err := c.r.WriteTo(w)
	if err == nil && c.err != nil {
		err = &fileNameError{c.f, c.err}
	}
	return n, err
}
