package cab

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// PartCreator creates the file of one cabinet of a set being written,
// given the name the set's headers use for it. The Writer closes it.
type PartCreator func(name string) (io.WriteCloser, error)

type setTarget struct {
	first  string
	max    int64
	create PartCreator
	// finish, when set, is called once at the end of Close with whether
	// every part was written.
	finish func(ok bool) error
}

// NewSetWriter returns a Writer of a spanned set of cabinets of at most
// maxSize bytes each (0: no limit, a single cabinet). The first is named
// first and the others as PartName gives; every header names its
// neighbours, and folders and files continue from one cabinet to the next
// as [MS-CAB] describes, so the set extracts from its first cabinet with
// cabextract, 7-Zip or OpenSet. create makes each cabinet's file at Close.
func NewSetWriter(first string, maxSize int64, create PartCreator, opts ...WriterOption) *Writer {
	w := &Writer{set: &setTarget{first: first, max: maxSize, create: create}}
	w.init(opts)
	switch {
	case maxSize < 0:
		w.fail(fmt.Errorf("%w: negative maximum cabinet size", ErrTooLarge))
	case first == "" || strings.ContainsAny(first, `/\`) || len(first) > maxNameLen:
		w.fail(fmt.Errorf("%w: %q is not a cabinet file name", ErrInvalidName, first))
	}
	return w
}

// CreateSet is NewSetWriter writing the cabinets into directory dir. Each
// is written under a temporary name and renamed when the whole set is
// complete, so a failed Close leaves no cabinet behind under its final
// name. Names already taken are replaced.
func CreateSet(dir, first string, maxSize int64, opts ...WriterOption) *Writer {
	var made []*os.File
	create := func(name string) (io.WriteCloser, error) {
		f, err := createTemp(dir, name)
		if err != nil {
			return nil, err
		}
		made = append(made, f)
		return f, nil
	}
	w := NewSetWriter(first, maxSize, create, opts...)
	w.set.finish = func(ok bool) error {
		var first error
		for i, f := range made {
			f.Close() // already closed by the Writer when it succeeded
			if ok {
				first = errors.Join(first, os.Rename(f.Name(), filepath.Join(dir, w.parts[i])))
			} else {
				os.Remove(f.Name())
			}
		}
		return first
	}
	return w
}

// PartName names cabinet i (from 0) of a set whose first cabinet is
// named first: first itself, then the number i+1 inserted before the
// extension, "foo.cab", "foo2.cab", "foo3.cab". This is what makecab's
// name template "foo*.cab" gives, with the first name kept as asked.
func PartName(first string, i int) string {
	if i == 0 {
		return first
	}
	ext := filepath.Ext(first)
	if strings.ContainsAny(ext, `/\`) {
		ext = ""
	}
	return first[:len(first)-len(ext)] + strconv.Itoa(i+1) + ext
}

// createTemp creates a hidden temporary file beside dir/name with the
// permissions os.Create gives (0666 less the umask), which os.CreateTemp
// does not: the file is renamed to the cabinet itself.
func createTemp(dir, name string) (*os.File, error) {
	for try := 0; ; try++ {
		p := filepath.Join(dir, "."+name+"."+strconv.FormatUint(rand.Uint64(), 36)+".tmp")
		f, err := os.OpenFile(p, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o666)
		if err == nil || !errors.Is(err, fs.ErrExist) || try == 100 {
			return f, err
		}
	}
}
