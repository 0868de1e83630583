package main

import (
	"errors"
	"fmt"
	"io"
	"path"
	"strings"

	"github.com/msikit/msikit/internal/safepath"
	"github.com/msikit/msikit/msi"
	"github.com/msikit/msikit/msi/patch"
	"github.com/spf13/pflag"
)

func setupPatchExtract(fs *pflag.FlagSet) func(*context, []string) error {
	out := fs.StringP("output", "o", ".", "output directory")
	target := fs.String("target", "", "what the patch applies to: a package (.msi), an administrative image or a folder of installed files; files go to their place in the package's administrative layout, and binary deltas are applied to the files they patch")
	only := fs.StringArray("only", nil, "extract only files whose name or path matches this glob, case-insensitively (repeatable)")
	overwrite := fs.Bool("overwrite", false, "replace files that already exist")
	quiet := fs.BoolP("quiet", "q", false, "print nothing but errors")
	return func(ctx *context, args []string) error {
		if err := needArgs(args, 1, 1); err != nil {
			return err
		}
		for _, g := range *only {
			if _, err := path.Match(strings.ToLower(g), ""); err != nil {
				return usagef("bad --only pattern %q: %v", g, err)
			}
		}
		var root *safepath.Dir
		defer func() {
			if root != nil {
				root.Close()
			}
		}()
		open := func() (*safepath.Dir, error) {
			var err error
			if root, err = safepath.OpenDir(*out); err != nil {
				return nil, envError{fmt.Errorf("output directory: %w", err)}
			}
			return root, nil
		}
		return patchFiles(ctx, args[0], *target, func(pt *patch.Patch, files []*patch.File, base patch.BaseFunc, targeted bool) error {
			_, _, err := extractPatchFiles(ctx, pt, files, open, *only, *overwrite, *quiet, targeted, base)
			return err
		})
	}
}

// patchFilePath is where a patch file is written: its layout path with a
// target; without one, TRANSFORM/PATH (files of several transforms may
// share names), or TRANSFORM/KEY for a member no row names.
func patchFilePath(f *patch.File, targeted bool) string {
	if targeted {
		return f.Path
	}
	p := f.Path
	if p == "" {
		p = f.Key
	}
	return safepath.CleanSlash(f.Transform) + "/" + p
}

// extractPatchFiles writes a patch's files into the directory open gives
// (opened only if a file is selected) and returns it with the paths
// written in it.
//
// Deltas are applied to their base files with base (see patchFiles); without
// it they are reported, never written.
func extractPatchFiles(ctx *context, pt *patch.Patch, files []*patch.File, open func() (*safepath.Dir, error), only []string, overwrite, quiet, targeted bool, base patch.BaseFunc) (*safepath.Dir, []string, error) {
	var sel []*patch.File
	for _, f := range files {
		if (targeted && !f.Named) || !matchOnly(only, f.Name(), patchFilePath(f, targeted)) {
			continue
		}
		sel = append(sel, f)
	}
	if len(only) > 0 && len(sel) == 0 {
		return nil, nil, fmt.Errorf("%s: no file matches %s", pt.Package().Name(), strings.Join(only, ", "))
	}
	dir, err := open()
	if err != nil {
		return nil, nil, err
	}
	var written []string
	err = pt.ReadPatched(sel, msi.ReadOptions{CheckSize: true}, base, func(f *patch.File, r io.Reader) error {
		rel, _, err := dir.WriteFile(patchFilePath(f, targeted), r, safepath.WriteOptions{ModTime: f.Member.Modified, Overwrite: overwrite})
		if errors.Is(err, safepath.ErrExist) {
			return existsError(rel)
		}
		if err == nil {
			written = append(written, rel)
			if !quiet {
				fmt.Fprintf(ctx.stdout, "  extracting %s\n", rel)
			}
		}
		return err
	})
	var errs patch.FileErrors
	if err != nil && !errors.As(err, &errs) {
		return dir, written, err
	}
	if len(errs) == 0 {
		return dir, written, nil
	}
	code := exitBad
	for _, e := range errs {
		code = max(code, exitCodeOf(e))
		fmt.Fprintf(ctx.stderr, "%s: %s: %s\n", ctx.path, pt.Package().Name(), oneLine(e.Error()))
	}
	return dir, written, exitCodeError{code: code, msg: fmt.Sprintf("%s: %d of %d files not extracted", pt.Package().Name(), len(errs), len(sel))}
}
