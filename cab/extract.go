package cab

import (
	"cmp"
	"errors"
	"io"
	"slices"
	"sync"
)

// ExtractFunc receives one file and a reader of its bytes, valid only
// until ExtractFunc returns. Bytes it does not read are skipped. An error
// it returns is recorded for that file, and extraction goes on.
type ExtractFunc func(f *File, content io.Reader) error

// FileError is the error of one file during Extract.
type FileError struct {
	File *File
	Err  error
}

func (e *FileError) Error() string { return e.File.Name + ": " + e.Err.Error() }
func (e *FileError) Unwrap() error { return e.Err }

// Extract delivers the bytes of files (every file when files is nil) to
// fn. Each folder is decoded once, from its start, and its files are
// delivered in folder order, one after the other, from the decoder's
// buffers: memory stays at a few buffers per folder being decoded,
// whatever the sizes.
//
// With workers > 1, up to workers folders are extracted at once (fn is
// then called concurrently for files of different folders), and each
// folder is decoded ahead of delivery in other goroutines: the bytes of
// the next files are ready while fn handles one, and an MSZIP folder is
// decoded on up to workers cores. With workers <= 1 everything happens in
// the calling goroutine.
//
// Extract carries on past errors. It returns nil, or an
// Errors[*FileError], one per file that failed, in folder order: range
// over it (errors.As gets it) to report each. When a folder fails to
// decode, each of its remaining files gets that error.
func (r *Reader) Extract(files []*File, workers int, fn ExtractFunc) error {
	return r.ExtractWith(files, ExtractOptions{Workers: workers}, fn)
}

// ExtractOptions tune ExtractWith.
type ExtractOptions struct {
	// Workers is as for Extract.
	Workers int
	// Concurrent lets fn be called for several files of one folder at
	// once (up to Workers), so that slow work per file, writing it say,
	// runs on several cores while the folder decodes. Files are still
	// taken in folder order; fn's calls may end in any order. The bytes
	// of a file of up to 256 KiB are copied out of the decoder's buffers
	// for that; larger files are delivered from them, one at a time.
	Concurrent bool
}

// ExtractWith is Extract with options.
func (r *Reader) ExtractWith(files []*File, o ExtractOptions, fn ExtractFunc) error {
	workers := o.Workers
	if files == nil {
		files = r.File
	}
	byFolder := make([][]*File, len(r.Folders))
	var errs []*FileError
	nfolders := 0
	for _, f := range files {
		if f.r != r {
			errs = append(errs, &FileError{f, errors.New("cab: Extract given a file of another Reader")})
			continue
		}
		if err := f.checkBounds(); err != nil {
			errs = append(errs, &FileError{f, err})
			continue
		}
		if len(byFolder[f.Folder]) == 0 {
			nfolders++
		}
		byFolder[f.Folder] = append(byFolder[f.Folder], f)
	}
	folderErrs := make([][]*FileError, len(r.Folders))
	// The decoders of each folder: none (decode on the spot) for one
	// worker; otherwise the workers shared among the folders extracted at
	// once.
	parallel, decoders, writers := 1, 0, 1
	if workers > 1 {
		parallel = max(1, min(workers, nfolders))
		decoders = max(1, workers/parallel)
		if o.Concurrent {
			writers = decoders
		}
	}
	next := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < parallel; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				folderErrs[i] = r.extractFolder(r.Folders[i], byFolder[i], decoders, writers, fn)
			}
		}()
	}
	for i := range byFolder {
		if len(byFolder[i]) > 0 {
			next <- i
		}
	}
	close(next)
	wg.Wait()
	for _, fe := range folderErrs {
		errs = append(errs, fe...)
	}
	return asError(errs)
}

// openStream starts decoding fo: on the spot with no decoders, otherwise
// in a pipeline that stops at folder offset limit.
func (r *Reader) openStream(fo *Folder, decoders int, limit int64) (decodedStream, error) {
	if decoders < 1 {
		return r.newStream(fo)
	}
	p, err := r.startPipeline(fo, limit, decoders)
	if err != nil {
		return nil, err
	}
	return &pipeStream{p: p}, nil
}

// extractFolder decodes fo once, handing each of files to fn in order of
// offset, to up to writers calls at once.
func (r *Reader) extractFolder(fo *Folder, files []*File, decoders, writers int, fn ExtractFunc) []*FileError {
	files = slices.Clone(files)
	slices.SortStableFunc(files, func(a, b *File) int { return cmp.Compare(a.Offset, b.Offset) })
	var limit int64
	for _, f := range files {
		limit = max(limit, f.Offset+f.Size)
	}
	var s decodedStream
	var openErr error
	defer func() {
		if s != nil {
			s.close()
		}
	}()
	d := newDeliverer(writers, fn)
	for _, f := range files {
		i := d.add(f)
		if f.Size == 0 {
			d.give(i, nil, nil)
			continue
		}
		if openErr != nil {
			d.fail(i, openErr)
			continue
		}
		if s != nil && s.failed() != nil {
			d.fail(i, s.failed())
			continue
		}
		if s == nil || s.offset() > f.Offset {
			// Files that overlap the previous one are rare (duplicated
			// entries); they cost a restart of the folder.
			if s != nil {
				s.close()
				s = nil
			}
			var err error
			if s, err = r.openStream(fo, decoders, limit); err != nil {
				d.fail(i, err)
				openErr, s = err, nil
				continue
			}
		}
		if err := s.skipTo(f.Offset); err != nil {
			d.fail(i, err)
			continue
		}
		end := f.Offset + f.Size
		fr := &fileReader{f: f, s: s, remaining: f.Size}
		if d.takes(f) {
			// Copied out for a writer: the stream moves on at once.
			b, err := d.copy(fr)
			d.give(i, b, unwrapFileErr(err, f))
			continue
		}
		ferr := fn(f, fr)
		if ferr != nil {
			d.fail(i, unwrapFileErr(ferr, f))
		}
		if s.failed() == nil {
			if err := s.skipTo(end); err != nil && ferr == nil {
				d.fail(i, err)
			}
		}
	}
	return d.wait()
}

// unwrapFileErr drops the file-name prefix that fileReader adds, since
// FileError names the file itself.
func unwrapFileErr(err error, f *File) error {
	var fe *fileNameError
	if errors.As(err, &fe) && fe.f == f {
		return fe.err
	}
	return err
}

type fileNameError struct {
	f   *File
	err error
}

func (e *fileNameError) Error() string { return e.f.Name + ": " + e.err.Error() }
func (e *fileNameError) Unwrap() error { return e.err }

type eofReader struct{}

func (eofReader) Read([]byte) (int, error) { return 0, io.EOF }
