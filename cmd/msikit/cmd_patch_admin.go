package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/msikit/msikit/internal/safepath"
	"github.com/msikit/msikit/msi"
)

// applyAdminPatches applies patches to an administrative image: the
// transforms to its database db, the files they carry over the image in
// out. A patch that does not apply, or a file that is a binary delta,
// fails the command, as the image would not be what msiexec makes.
func applyAdminPatches(ctx *context, db *msi.Database, dir *safepath.Dir, paths []string, o msi.FileOptions, quiet bool) error {
	if len(paths) == 0 {
		return nil
	}
	var patches []*msi.Patch
	defer func() {
		for _, pt := range patches {
			pt.Close()
		}
	}()
	for _, p := range paths {
		pt, err := openPatch(p)
		if err != nil {
			return err
		}
		patches = append(patches, pt)
	}
	msi.SortPatches(patches)
	for _, pt := range patches {
		res, err := pt.ApplyAdmin(db, o, ctx.cabOpts...)
		if err != nil {
			return err
		}
		if !quiet {
			fmt.Fprintf(ctx.stdout, "  patching with %s (%s): transforms %s\n", pt.Package().Name(), pt.Code, strings.Join(res.Transforms, ", "))
		}
		var named []*msi.PatchFile
		for _, f := range res.Files {
			if f.Named {
				named = append(named, f)
			}
		}
		err = pt.ReadFiles(named, ctx.cabOpts, func(f *msi.PatchFile, r io.Reader) error {
			rel, _, err := dir.WriteFile(f.Path, msi.SizeChecked(r, f.Size), safepath.WriteOptions{ModTime: f.Member.Modified, Overwrite: true})
			if err == nil && !quiet {
				fmt.Fprintf(ctx.stdout, "  patching %s\n", rel)
			}
			return err
		})
		if err != nil {
			return fmt.Errorf("%s: %w", pt.Package().Name(), err)
		}
	}
	return nil
}
