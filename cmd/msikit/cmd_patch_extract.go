package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"strings"

	"github.com/msikit/msikit/internal/safepath"
	"github.com/msikit/msikit/msi"
	"github.com/msikit/msikit/msi/patch"
	"github.com/spf13/pflag"
)

func setupPatchExtract(fs *pflag.FlagSet) func(*context, []string) error {
	out := fs.StringP("output", "o", ".", "output directory")
	target := fs.String("target", "", "the package the patch applies to: files go to their place in its administrative layout")
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
		return patchFiles(ctx, args[0], *target, func(pt *patch.Patch, files []*patch.File) error {
			return extractPatchFiles(ctx, pt, files, *out, *only, *overwrite, *quiet, *target != "")
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

func extractPatchFiles(ctx *context, pt *patch.Patch, files []*patch.File, outDir string, only []string, overwrite, quiet, targeted bool) error {
	var sel []*patch.File
	for _, f := range files {
		if (targeted && !f.Named) || !matchOnly(only, f.Name(), patchFilePath(f, targeted)) {
			continue
		}
		sel = append(sel, f)
	}
	if len(only) > 0 && len(sel) == 0 {
		return fmt.Errorf("%s: no file matches %s", pt.Package().Name(), strings.Join(only, ", "))
	}
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		return envError{fmt.Errorf("output directory: %w", err)}
	}
	dir, err := safepath.OpenDir(outDir)
	if err != nil {
		return envError{fmt.Errorf("output directory: %w", err)}
	}
	defer dir.Close()
	err = pt.ReadFiles(sel, msi.ReadOptions{CheckSize: true}, func(f *patch.File, r io.Reader) error {
		rel, _, err := dir.WriteFile(patchFilePath(f, targeted), r, safepath.WriteOptions{ModTime: f.Member.Modified, Overwrite: overwrite})
		if errors.Is(err, safepath.ErrExist) {
			return fmt.Errorf("%s exists (use --overwrite to replace it)", rel)
		}
		if err == nil && !quiet {
			fmt.Fprintf(ctx.stdout, "  extracting %s\n", rel)
		}
		return err
	})
	var errs patch.FileErrors
	if err != nil && !errors.As(err, &errs) {
		return err
	}
	if len(errs) == 0 {
		return nil
	}
	for _, e := range errs {
		fmt.Fprintf(ctx.stderr, "%s: %s: %s\n", ctx.path, pt.Package().Name(), oneLine(e.Error()))
	}
	return exitCodeError{code: exitBad, msg: fmt.Sprintf("%s: %d of %d files not extracted", pt.Package().Name(), len(errs), len(sel))}
}
