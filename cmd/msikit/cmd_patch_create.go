package main

import (
	"fmt"
	"path/filepath"

	"github.com/msikit/msikit/internal/safepath"
	"github.com/msikit/msikit/msi"
	"github.com/msikit/msikit/msi/patch"
	"github.com/spf13/pflag"
)

func setupPatchCreate(fs *pflag.FlagSet) func(*context, []string) error {
	out := fs.StringP("output", "o", "", "the patch to write")
	name := fs.String("name", "", "the transform pair's name (default Target01)")
	code := fs.String("patch-code", "", "the patch code, a {GUID} (default derived from the two packages)")
	classification := fs.String("classification", "", "MsiPatchMetadata Classification (default Update)")
	return func(ctx *context, args []string) error {
		if err := needArgs(args, 2, 2); err != nil {
			return err
		}
		if *out == "" {
			return usagef("-o PATCH.msp is required")
		}
		return withPackage(ctx, args[0], func(old *msi.Package) error {
			return withPackage(ctx, args[1], func(new *msi.Package) error {
				b, err := patch.Create(old, new, patch.CreateOptions{Name: *name, PatchCode: *code, Classification: *classification})
				if err != nil {
					return err
				}
				defer b.Close()
				// The build's temporary files go on SIGINT too.
				defer safepath.OnAbort(func() { b.Close() })()
				if err := writeOutputFile(ctx, *out, b.Save); err != nil {
					return err
				}
				msg := ctx.stdout
				if *out == "-" {
					msg = ctx.stderr
				}
				fmt.Fprintf(msg, "wrote %s: %d file(s) updated or added\n", filepath.Base(*out), len(b.Files))
				return nil
			})
		})
	}
}
