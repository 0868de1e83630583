package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/msikit/msikit/internal/infile"
	"github.com/msikit/msikit/msi"
	"github.com/msikit/msikit/msi/patch"
)

// A patch's --target BASE is what its deltas apply to: a package (.msi),
// an administrative image (a folder holding one package, whose files are
// the image's), or a folder of installed files (no package: each delta's
// base is found by its path or name).

// patchTarget is a resolved --target.
type patchTarget struct {
	pkgPath string // the package, or "" for none
	dir     string // a folder of installed files, when there is no package
}

func resolvePatchTarget(target string) (patchTarget, error) {
	if target == "" {
		return patchTarget{}, nil
	}
	fi, err := infile.Stat(target)
	if err != nil {
		return patchTarget{}, err
	}
	if !fi.IsDir() {
		return patchTarget{pkgPath: target}, nil
	}
	entries, err := os.ReadDir(target)
	if err != nil {
		return patchTarget{}, err
	}
	var pkgs []string
	for _, e := range entries {
		if !e.IsDir() && strings.EqualFold(filepath.Ext(e.Name()), ".msi") {
			pkgs = append(pkgs, filepath.Join(target, e.Name()))
		}
	}
	switch len(pkgs) {
	case 0:
		return patchTarget{dir: target}, nil
	case 1:
		return patchTarget{pkgPath: pkgs[0]}, nil
	}
	return patchTarget{}, fmt.Errorf("%s: %d packages (%s): give the one the patch applies to", target, len(pkgs), strings.Join(pkgs, ", "))
}

// packageBases reads deltas' base files from the target package (its
// cabinets, or an administrative image's tree), each once.
func packageBases(p *msi.Package) patch.BaseFunc {
	var mu sync.Mutex
	cache := map[string][]byte{}
	return func(f *patch.File) ([]byte, error) {
		if f.Base == nil {
			return nil, fmt.Errorf("%s has no file %s", p.Name(), f.Key)
		}
		mu.Lock()
		defer mu.Unlock()
		if b, ok := cache[f.Base.Key]; ok {
			return b, nil
		}
		var b []byte
		_, err := p.ReadFiles([]*msi.File{f.Base}, msi.ReadOptions{CheckSize: true}, func(c msi.FileContent) error {
			var err error
			b, err = io.ReadAll(io.LimitReader(c.Reader, maxDeltaInput))
			return err
		})
		if err != nil {
			return nil, fmt.Errorf("%s in %s: %w", f.Base.Path, p.Name(), err)
		}
		cache[f.Base.Key] = b
		return b, nil
	}
}

// folderBases finds deltas' base files in a folder of installed files: at
// the path the patch's own Directory rows give, or else anywhere below by
// name (ignoring case), preferring a file of a size the delta applies to.
func folderBases(dir string) patch.BaseFunc {
	return func(f *patch.File) ([]byte, error) {
		if f.Path != "" {
			p := filepath.Join(dir, filepath.FromSlash(f.Path))
			if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() {
				return readWhole(p, maxDeltaInput)
			}
		}
		name := f.Name()
		var found []string
		err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.Type().IsRegular() && strings.EqualFold(d.Name(), name) {
				found = append(found, p)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		if len(found) == 0 {
			return nil, fmt.Errorf("no file named %s under %s", name, dir)
		}
		pick := found[0]
		if h := f.DeltaHeader; h != nil {
		search:
			for _, p := range found {
				fi, err := os.Stat(p)
				if err != nil {
					continue
				}
				for _, o := range h.Olds {
					if o.Size == fi.Size() {
						pick = p
						break search
					}
				}
			}
		}
		return readWhole(pick, maxDeltaInput)
	}
}

// imageBases reads deltas' base files from an administrative image being
// patched: the files as they are in it now, an earlier patch's results
// included.
func imageBases(root string) patch.BaseFunc {
	return func(f *patch.File) ([]byte, error) {
		if f.Base == nil {
			return nil, errors.New("the image has no such file")
		}
		return readWhole(filepath.Join(root, filepath.FromSlash(f.Base.Path)), maxDeltaInput)
	}
}

// deltaBases describes the base files a delta applies to, for listings.
func deltaBases(f *patch.File) string {
	h := f.DeltaHeader
	if h == nil {
		return ""
	}
	var s []string
	for _, o := range h.Olds {
		s = append(s, fmt.Sprintf("%d bytes, CRC32 %08x", o.Size, o.CRC))
	}
	return "base " + strings.Join(s, " | ")
}
