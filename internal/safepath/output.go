package safepath

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// Output is a file a command writes whole, named on its command line
// (-o FILE), being written. What happens depends on what FILE is:
//
//   - "-": standard output.
//   - a regular file, or nothing: the bytes go to a temporary file in the
//     same directory (unnamed on Linux), renamed over FILE when complete,
//     so FILE is either what it was or the whole new content, never a
//     part. A file replaced keeps its permission bits.
//   - a character or block device, a FIFO or a socket: opened and written
//     directly, as a shell redirection does. It is never replaced: -o
//     /dev/null stays the device, and a FIFO's reader gets the bytes.
//   - a symbolic link: followed, as cp and curl -o do, and its target
//     treated as above (a regular target is replaced, the link kept); a
//     link whose target is missing is refused rather than created
//     through.
//   - a directory: refused (ErrIsDir).
type Output struct {
	name   string
	w      io.Writer
	file   *File    // regular: written through the directory's Dir
	dir    *Dir     // the directory of file
	direct *os.File // a device, FIFO or socket
	done   bool
}

// CreateOutput starts writing name as described at Output; "-" writes to
// stdout.
func CreateOutput(name string, stdout io.Writer) (*Output, error) {
	if name == "-" {
		return &Output{name: name, w: stdout}, nil
	}
	target := name
	fi, err := os.Lstat(name)
	if err == nil && fi.Mode()&fs.ModeSymlink != 0 {
		target, err = filepath.EvalSymlinks(name)
		if errors.Is(err, fs.ErrNotExist) {
			return nil, &fs.PathError{Op: "create", Path: name, Err: errors.New("a symbolic link to a missing file (not created through the link)")}
		}
		if err == nil {
			fi, err = os.Lstat(target)
		}
	}
	switch {
	case err != nil && !errors.Is(err, fs.ErrNotExist):
		return nil, err
	case err == nil && fi.IsDir():
		return nil, &fs.PathError{Op: "create", Path: name, Err: ErrIsDir}
	case err == nil && !fi.Mode().IsRegular():
		f, err := os.OpenFile(target, os.O_WRONLY, 0)
		if err != nil {
			return nil, err
		}
		if fi, err := f.Stat(); err != nil || fi.Mode().IsRegular() {
			// Replaced by a regular file since: not written in place.
			f.Close()
			return nil, &fs.PathError{Op: "create", Path: name, Err: errors.New("changed while being opened")}
		}
		return &Output{name: name, w: f, direct: f}, nil
	}
	d, err := openDir(filepath.Dir(target))
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = &fs.PathError{Op: "output directory", Path: pe.Path, Err: pe.Err}
		}
		return nil, err
	}
	base := filepath.Base(target)
	f, err := d.create("", base, base, WriteOptions{Overwrite: true})
	if err == nil && fi != nil {
		if err = f.f.chmod(fi.Mode().Perm()); err != nil {
			f.Discard()
		}
	}
	if err != nil {
		d.Close()
		return nil, renamed(err, name)
	}
	return &Output{name: name, w: f, file: f, dir: d}, nil
}

// Name returns the name CreateOutput was given.
func (o *Output) Name() string { return o.name }

// Regular reports whether the output is a regular file (written under a
// temporary name and renamed), rather than standard output, a device or
// a FIFO.
func (o *Output) Regular() bool { return o.file != nil }

func (o *Output) Write(b []byte) (int, error) { return o.w.Write(b) }

// Commit completes the output: renames a regular file into place, closes
// a device.
func (o *Output) Commit() error {
	if o.done {
		return fs.ErrClosed
	}
	o.done = true
	switch {
	case o.file != nil:
		defer o.dir.Close()
		return renamed(o.file.Commit(), o.name)
	case o.direct != nil:
		return o.direct.Close()
	}
	return nil
}

// Discard abandons the output: a regular file is left as it was; what
// was written to a device or standard output cannot be taken back.
func (o *Output) Discard() {
	if o.done {
		return
	}
	o.done = true
	switch {
	case o.file != nil:
		o.file.Discard()
		o.dir.Close()
	case o.direct != nil:
		o.direct.Close()
	}
}

// WriteOutput writes what write produces to name, as CreateOutput
// describes; an error from write leaves a regular file as it was.
func WriteOutput(name string, stdout io.Writer, write func(io.Writer) error) error {
	o, err := CreateOutput(name, stdout)
	if err != nil {
		return err
	}
	if err := write(o); err != nil {
		o.Discard()
		return err
	}
	return o.Commit()
}

// renamed reports a path error under the name the output was given.
func renamed(err error, name string) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return &fs.PathError{Op: pe.Op, Path: name, Err: pe.Err}
	}
	return err
}
