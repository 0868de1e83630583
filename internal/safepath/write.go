package safepath

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"
)

// Sentinel errors of Dir.WriteFile.
var (
	// ErrSymlink reports a symbolic link where a directory of the path
	// should be: it is never followed, whatever it points to.
	ErrSymlink = errors.New("refusing to follow a symbolic link")
	// ErrExist reports a file that exists and may not be overwritten. It
	// matches fs.ErrExist too.
	ErrExist = fmt.Errorf("file exists (%w)", fs.ErrExist)
)

// Dir is an output directory. Every path it is given is made safe with
// Clean and resolved inside it through an os.Root, so nothing can be
// written outside it.
type Dir struct {
	root *os.Root
	path string
}

// OpenDir opens (creating it if needed) the output directory at path.
func OpenDir(dir string) (*Dir, error) {
	if err := os.MkdirAll(dir, 0o777); err != nil {
		return nil, err
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, err
	}
	return &Dir{root: root, path: dir}, nil
}

// Close releases the directory.
func (d *Dir) Close() error { return d.root.Close() }

// Path returns the directory's path as given to OpenDir.
func (d *Dir) Path() string { return d.path }

// WriteOptions says how WriteFile creates a file.
type WriteOptions struct {
	// ModTime, if not zero, is set as the file's access and modification
	// time.
	ModTime time.Time
	// Perm is the file's permission bits (before the umask); 0 means 0666.
	Perm fs.FileMode
	// Overwrite allows replacing an existing file.
	Overwrite bool
}

// WriteFile writes the bytes of r to rel, a path made by Clean or
// CleanSlash (anything else is refused), under d, creating the parent
// directories. The bytes go to a temporary
// file in the destination directory, renamed to the final name only when
// complete, so a failure never leaves a partial file under the final name.
// It returns the cleaned path and the number of bytes written.
func (d *Dir) WriteFile(rel string, r io.Reader, o WriteOptions) (string, int64, error) {
	// On Windows a backslash kept in a name by CleanSlash would separate.
	if !fs.ValidPath(rel) || rel == "." || filepath.Separator != '/' && strings.ContainsRune(rel, filepath.Separator) {
		return rel, 0, &fs.PathError{Op: "create", Path: rel, Err: fs.ErrInvalid}
	}
	if err := d.mkdirs(path.Dir(rel)); err != nil {
		return rel, 0, err
	}
	if fi, err := d.root.Lstat(rel); err == nil {
		switch {
		case fi.IsDir():
			return rel, 0, &fs.PathError{Op: "create", Path: rel, Err: errors.New("is a directory")}
		case !o.Overwrite:
			return rel, 0, &fs.PathError{Op: "create", Path: rel, Err: ErrExist}
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return rel, 0, err
	}
	perm := o.Perm
	if perm == 0 {
		perm = 0o666
	}
	tmp, f, err := d.createTemp(rel, perm)
	if err != nil {
		return rel, 0, err
	}
	n, err := io.Copy(f, r)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil && !o.ModTime.IsZero() {
		err = d.root.Chtimes(tmp, o.ModTime, o.ModTime)
	}
	if err == nil {
		// Rename replaces a symbolic link at rel rather than following it.
		err = d.root.Rename(tmp, rel)
	}
	if err != nil {
		d.root.Remove(tmp)
		return rel, n, err
	}
	return rel, n, nil
}

// mkdirs creates the directories of dir (a cleaned relative path) one by
// one, refusing any that is a symbolic link.
func (d *Dir) mkdirs(dir string) error {
	if dir == "." {
		return nil
	}
	cur := ""
	for _, e := range strings.Split(dir, "/") {
		if cur == "" {
			cur = e
		} else {
			cur += "/" + e
		}
		fi, err := d.root.Lstat(cur)
		switch {
		case err == nil && fi.Mode()&fs.ModeSymlink != 0:
			return &fs.PathError{Op: "mkdir", Path: cur, Err: ErrSymlink}
		case err == nil && fi.IsDir():
			continue
		case err == nil:
			return &fs.PathError{Op: "mkdir", Path: cur, Err: errors.New("a file is in the way")}
		case !errors.Is(err, fs.ErrNotExist):
			return err
		}
		if err := d.root.Mkdir(cur, 0o777); err != nil && !errors.Is(err, fs.ErrExist) {
			return err
		}
	}
	return nil
}

func (d *Dir) createTemp(rel string, perm fs.FileMode) (string, *os.File, error) {
	dir, base := path.Split(rel)
	if len(base) > 200 {
		base = base[:200] // keep the temporary name within NAME_MAX
	}
	for range 100 {
		var b [6]byte
		rand.Read(b[:])
		tmp := dir + "." + base + "." + hex.EncodeToString(b[:]) + ".tmp"
		f, err := d.root.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
		if err == nil {
			return tmp, f, nil
		}
		if !errors.Is(err, fs.ErrExist) {
			return "", nil, err
		}
	}
	return "", nil, fmt.Errorf("cannot create a temporary file for %s", rel)
}
