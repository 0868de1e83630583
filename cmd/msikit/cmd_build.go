package main

import (
	"fmt"
	"io"
	"path/filepath"

	"github.com/msikit/msikit/internal/safepath"
	"github.com/msikit/msikit/msi/build"
	"github.com/spf13/pflag"
)

func init() {
	register(&command{
		name: "build", usage: "SPEC.yaml -o OUT.msi",
		summary: "Build an installable MSI from a YAML spec (product identity and files): the standard tables, an embedded MSZIP cabinet, versions read from PE files, MsiFileHash for the others. Same spec, same bytes.",
		setup: func(fs *pflag.FlagSet) func(*context, []string) error {
			out := fs.StringP("output", "o", "", "the package to write (- for standard output)")
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
				if err := buildPackage(ctx, args[0], *out); err != nil {
					return err
				}
				msg := ctx.stdout
				if *out == "-" {
					msg = ctx.stderr
				}
				fmt.Fprintf(msg, "wrote %s\n", *out)
				return nil
			}
		},
	})
}

// buildPackage builds the spec into out. The cabinet is spooled to an
// unnamed temporary file (nothing is left if the run is interrupted) and
// embedded from there, so memory stays flat whatever the files' size; the
// package is written as every -o FILE is (writeOutputFile).
func buildPackage(ctx *context, specPath, out string) error {
	s, err := build.Load(specPath)
	if err != nil {
		return err
	}
	// Two passes over the files: hashing those without a version, then
	// compressing them all.
	bar := newBar(ctx, "building "+out+": reading", 0, 0, false)
	defer bar.Done()
	res, err := build.BuildWith(s, filepath.Dir(specPath), build.Options{Progress: bar.Add})
	if err != nil {
		return err
	}
	var total int64
	for _, m := range res.Members {
		total += m.Size
	}
	bar.SetLabel("building " + out + ": compressing")
	bar.Set(0, total)
	tmp, err := safepath.TempFile("", "msikit-cab-*")
	if err != nil {
		return envError{err}
	}
	defer safepath.CloseTemp(tmp)
	if err := build.WriteCabinetWith(tmp, res.Members, s.Product.Compression, build.Options{Progress: bar.Add}); err != nil {
		return err
	}
	size, err := tmp.Seek(0, io.SeekCurrent)
	if err != nil {
		return envError{err}
	}
	bar.SetLabel("building " + out + ": writing")
	bar.Set(0, size)
	res.DB.SetStreamFunc(res.Cabinet, size, func() (io.ReadCloser, error) {
		return io.NopCloser(bar.Reader(io.NewSectionReader(tmp, 0, size))), nil
	})
	return writeOutputFile(ctx, out, res.DB.Save)
}
