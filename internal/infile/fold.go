package infile

import (
	"io/fs"
	"path"
	"strings"
)

// FindFold finds a slash-separated path in fsys, matching each component
// case-insensitively as Windows would, and returns its actual path. A
// path not there is an error wrapping fs.ErrNotExist.
func FindFold(fsys fs.FS, p string) (string, error) {
	if _, err := fs.Stat(fsys, p); err == nil {
		return p, nil
	}
	cur := "."
	for _, want := range strings.Split(p, "/") {
		entries, err := fs.ReadDir(fsys, cur)
		if err != nil {
			return "", err
		}
		found := ""
		for _, e := range entries {
			if strings.EqualFold(e.Name(), want) {
				found = e.Name()
				break
			}
		}
		if found == "" {
			return "", &fs.PathError{Op: "open", Path: p, Err: fs.ErrNotExist}
		}
		cur = path.Join(cur, found)
	}
	return cur, nil
}
