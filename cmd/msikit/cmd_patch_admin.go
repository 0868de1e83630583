package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/msikit/msikit/internal/safepath"
	"github.com/msikit/msikit/msi"
	"github.com/msikit/msikit/msi/patch"
)

// applyAdminPatches applies patches to an administrative image: the
// transforms to its database db, the files they carry over the image in
// dir, binary deltas applied to the image's files. A patch that does not
// apply, or a delta that cannot be, fails the command, as the image would
// not be what msiexec makes.
func applyAdminPatches(ctx *context, db *msi.Database, dir *safepath.Dir, paths []string, o msi.FileOptions, quiet bool) error {
	if len(paths) == 0 {
		return nil
	}
	patches, err := openPatches(ctx, paths)
	defer closePatches(patches)
	if err != nil {
		return err
	}
	return patch.ApplyAdmin(db, patches, o, func(res *patch.AdminResult) error {
		pt := res.Patch
		if !quiet {
			fmt.Fprintf(ctx.stdout, "  patching with %s (%s): transforms %s\n", pt.Package().Name(), pt.Code, strings.Join(res.Transforms, ", "))
		}
		// A delta's base is the image's file as it is now: the package's,
		// or an earlier patch's.
		err := pt.ReadPatched(res.Files, msi.ReadOptions{CheckSize: true}, imageBases(dir.Path()), func(f *patch.File, r io.Reader) error {
			rel, _, err := dir.WriteFile(f.Path, r, safepath.WriteOptions{ModTime: f.Member.Modified, Overwrite: true})
			if err == nil && !quiet {
				fmt.Fprintf(ctx.stdout, "  patching %s\n", rel)
			}
			return err
		})
		if err != nil {
			return fmt.Errorf("%s: %w", pt.Package().Name(), err)
		}
		return nil
	})
}
