package cab

import (
	"errors"
	"fmt"
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
// Extract carries on past errors. It returns nil, or the errors joined
// (errors.Join), each a *FileError naming its file, in folder order. When
// a folder fails to decode, each of its remaining files gets that error.
func (r *Reader) Extract(files []*File, workers int, fn ExtractFunc) error {
	if files == nil {
		files = r.File
	}
	byFolder := make([][]*File, len(r.Folders))
	var errs []error
	nfolders := 0
	for _, f := range files {
		if f.r != r {
			return fmt.Errorf("cab: Extract given a file of another Reader")
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
	folderErrs := make([][]error, len(r.Folders))
	// The decoders of each folder: none (decode on the spot) for one
	// worker; otherwise the workers shared among the folders extracted at
	// once.
	parallel, decoders := 1, 0
	if workers > 1 {
		parallel = max(1, min(workers, nfolders))
		decoders = max(1, workers/parallel)
	}
	next := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < parallel; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				folderErrs[i] = r.extractFolder(r.Folders[i], byFolder[i], decoders, fn)
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
	return errors.Join(errs...)
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
// offset.
func (r *Reader) extractFolder(fo *Folder, files []*File, decoders int, fn ExtractFunc) []error {
	files = slices.Clone(files)
	slices.SortStableFunc(files, func(a, b *File) int {
		if a.Offset != b.Offset {
			if a.Offset < b.Offset {
				return -1
			}
			return 1
		}
		return 0
	})
	var limit int64
	for _, f := range files {
		limit = max(limit, f.Offset+f.Size)
	}
	var errs []error
	var s decodedStream
	var openErr error
	defer func() {
		if s != nil {
			s.close()
		}
	}()
	for _, f := range files {
		if f.Size == 0 {
			if err := fn(f, eofReader{}); err != nil {
				errs = append(errs, &FileError{f, err})
			}
			continue
		}
		if openErr != nil {
			errs = append(errs, &FileError{f, openErr})
			continue
		}
		if s != nil && s.failed() != nil {
			errs = append(errs, &FileError{f, s.failed()})
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
				errs = append(errs, &FileError{f, err})
				openErr, s = err, nil
				continue
			}
		}
		if err := s.skipTo(f.Offset); err != nil {
			errs = append(errs, &FileError{f, err})
			continue
		}
		end := f.Offset + f.Size
		fr := &fileReader{f: f, s: s, remaining: f.Size}
		ferr := fn(f, fr)
		if ferr != nil {
			errs = append(errs, &FileError{f, unwrapFileErr(ferr, f)})
		}
		if s.failed() == nil {
			if err := s.skipTo(end); err != nil && ferr == nil {
				errs = append(errs, &FileError{f, err})
			}
		}
	}
	return errs
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
