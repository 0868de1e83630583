package main

import (
	"fmt"

	"github.com/msikit/msikit/msi/build"
	"github.com/spf13/pflag"
)

func init() {
	register(&command{
		name: "build", usage: "SPEC.yaml -o OUT.msi",
		summary: "Build an installable MSI from a YAML spec (product identity and files): the standard tables, an embedded MSZIP cabinet, versions read from PE files, MsiFileHash for the others. Same spec, same bytes.",
		setup: func(fs *pflag.FlagSet) func(*context, []string) error {
			out := fs.StringP("output", "o", "", "the package to write")
			return func(ctx *context, args []string) error {
				if err := needArgs(args, 1, 1); err != nil {
					return err
				}
				if *out == "" {
					return usagef("-o OUT.msi is required")
				}
				if err := checkSpecFile(args[0]); err != nil {
					return err
				}
				if err := build.WriteFile(args[0], *out); err != nil {
					return err
				}
				fmt.Fprintf(ctx.stdout, "wrote %s\n", *out)
				return nil
			}
		},
	})
}
