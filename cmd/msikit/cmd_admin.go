package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"path/filepath"

	"github.com/msikit/msikit/internal/safepath"
	"github.com/msikit/msikit/msi"
	"github.com/spf13/pflag"
)

func init() {
	register(&command{
		name: "admin", usage: "PKG -o DIR [--short-names] [--patch MSP]... [--encoding NAME]",
		summary: "Make the administrative image msiexec /a makes: the files in the source layout and an uncompressed copy of the package marked as an administrative image.",
		setup: func(fs *pflag.FlagSet) func(*context, []string) error {
			out := fs.StringP("output", "o", "", "the image's directory (TARGETDIR)")
			short := fs.Bool("short-names", false, "lay the image out with short (8.3) names, as msiexec /a SHORTFILENAMES=1 does")
			overwrite := fs.Bool("overwrite", false, "replace files that already exist")
			quiet := fs.BoolP("quiet", "q", false, "print nothing but errors")
			enc := addEncodingFlag(fs)
			strict := fs.Bool("strict", false, "refuse an uncompressed source file whose size differs from the File table (by default it is copied, as msiexec /a does, with a warning)")
			patches := fs.StringArray("patch", nil, "apply this patch to the image, as msiexec /a PKG /p MSP does (repeatable; applied in patch-sequence order)")
			return func(ctx *context, args []string) error {
				if err := needArgs(args, 1, 1); err != nil {
					return err
				}
				if *out == "" {
					return usagef("-o DIR is required")
				}
				if err := useEncoding(ctx, *enc); err != nil {
					return err
				}
				if err := checkInputs(*patches...); err != nil {
					return err
				}
				return makeAdminImage(ctx, args[0], *out, *short, *overwrite, *quiet, *strict, *patches)
			}
		},
	})
}

func makeAdminImage(ctx *context, pkg, out string, short, overwrite, quiet, strict bool, patches []string) error {
	x := &extractor{ctx: ctx, opts: msi.FileOptions{Layout: msi.LayoutAdmin, ShortNames: short}, overwrite: overwrite, quiet: quiet, strict: strict, outPath: out}
	defer x.closeRoot()
	return withPackage(ctx, pkg, func(p *msi.Package) error {
		dir, _, err := x.extract(p, x.rootDir)
		if err != nil {
			return err
		}
		db, err := p.AdminDatabase()
		if err != nil {
			return err
		}
		if err := applyAdminPatches(ctx, db, dir, patches, msi.FileOptions{Layout: msi.LayoutAdmin, ShortNames: short}, quiet); err != nil {
			return err
		}
		if short {
			f := db.Summary.WordCountFlags()
			f.ShortNames = true
			db.Summary.SetWordCountFlags(f)
		}
		// The package goes through the image's Dir like its files: never
		// replaced without --overwrite (atomically), never through a link.
		name := safepath.CleanName(filepath.Base(pkg))
		_, err = dir.WriteFunc(name, safepath.WriteOptions{Overwrite: overwrite}, func(w io.Writer) error {
			bw := bufio.NewWriterSize(w, 64<<10)
			if err := db.Save(bw); err != nil {
				return err
			}
			return bw.Flush()
		})
		dst := dir.Join(name)
		if errors.Is(err, safepath.ErrExist) {
			return existsError(dst)
		}
		if err != nil {
			return fmt.Errorf("%s: %w", dst, err)
		}
		if !quiet {
			fmt.Fprintf(ctx.stdout, "  writing %s (administrative image)\n", name)
		}
		return nil
	})
}
