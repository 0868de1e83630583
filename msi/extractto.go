package msi

import (
	"errors"
	"fmt"
	"sync"

	"github.com/msikit/msikit/internal/safepath"
)

// ExtractOptions tunes ExtractTo.
type ExtractOptions struct {
	// Layout and ShortNames choose where files go (FileList's options).
	FileOptions
	// Read tunes the reading: Workers, cabinet options (Strict and
	// CheckSize are set by ExtractTo: a file gets its name only whole).
	Read ReadOptions
	// Select, if set, chooses the files to extract; nil extracts them all.
	Select func(*File) bool
	// Overwrite replaces files that exist; otherwise such a file is kept
	// and reported with an error wrapping fs.ErrExist.
	Overwrite bool
}

// ExtractTo writes the package's files into the directory dir (made if
// missing), laid out as o.Layout lays them out, with the guarantees of
// msikit extract: nothing is written outside dir, whatever names the
// package holds (".." and drive letters are cleaned); a symbolic link
// inside dir is refused, never followed; a file gets its name only when
// it is complete and of its size, so no partial file is ever left under
// its name; an existing file is kept unless o.Overwrite; cabinet times
// are applied. It returns the slash-separated paths written, relative to
// dir, and, when some files could not be written, a FileErrors naming
// each (the others are written all the same).
func (p *Package) ExtractTo(dir string, o ExtractOptions) ([]string, error) {
	files, err := FileList(p, o.FileOptions)
	if err != nil {
		return nil, err
	}
	var sel []*File
	for _, f := range files {
		if o.Select == nil || o.Select(f) {
			sel = append(sel, f)
		}
	}
	if len(sel) == 0 {
		return nil, nil
	}
	root, err := safepath.OpenDir(dir)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", dir, err)
	}
	defer root.Close()
	ro := o.Read
	ro.CheckSize = true
	var mu sync.Mutex
	var written []string
	_, err = p.ReadFiles(sel, ro, func(c FileContent) error {
		rel, _, err := root.WriteFile(c.File.Path, c.Reader, safepath.WriteOptions{ModTime: c.Modified, Overwrite: o.Overwrite})
		if err != nil {
			if errors.Is(err, safepath.ErrExist) {
				return fmt.Errorf("%s: %w", root.Join(rel), err)
			}
			return err
		}
		mu.Lock()
		written = append(written, rel)
		mu.Unlock()
		return nil
	})
	return written, err
}
