package main

import (
	"strings"

	"errors"
	"fmt"
	"github.com/msikit/msikit/manifest"
	"text/tabwriter"

	"github.com/msikit/msikit/internal/pever"
	"github.com/spf13/pflag"
)

func init() {
	register(&command{
		name: "pe", usage: "FILE...", summary: "Show the platform (machine type) and file version of Windows executables and DLLs, from their bytes.",
		setup: func(fs *pflag.FlagSet) func(*context, []string) error {
			asJSON := fs.Bool("json", false, "print a JSON array of {file, platform, machine, pe32plus, dll, file_version, product_version, size}, or {file, error} for a file that could not be read; platform is spelled as manifests spell it (x86, x64, ia64, arm, arm64)")
			return func(ctx *context, args []string) error {
				if err := needArgs(args, 1, -1); err != nil {
					return err
				}
				var out []peJSON
				var all []any
				var failed []error
				for _, name := range args {
					f, err := pever.Open(name)
					if err != nil {
						failed = append(failed, err)
						all = append(all, jsonFailed{File: name, Error: oneLine(err.Error())})
						continue
					}
					j := peJSON{File: name, Platform: platformName(f.Machine.Platform()), Machine: fmt.Sprintf("%#x", uint16(f.Machine)), PE32Plus: f.PE32Plus, DLL: f.IsDLL(), Size: f.Size}
					if vi, err := f.VersionInfo(); err == nil && vi.Fixed != nil {
						j.FileVersion = vi.Fixed.FileVersion.String()
						j.ProductVersion = vi.Fixed.ProductVersion.String()
					} else if err != nil && !errors.Is(err, pever.ErrNoVersion) {
						failed = append(failed, err)
					}
					f.Close()
					out = append(out, j)
					all = append(all, j)
				}
				if *asJSON {
					if err := writeJSON(ctx.stdout, nonNil(all)); err != nil {
						return err
					}
				} else if len(out) > 0 {
					tw := tabwriter.NewWriter(ctx.stdout, 0, 4, 2, ' ', 0)
					fmt.Fprintln(tw, "FILE\tPLATFORM\tMACHINE\tVERSION\tSIZE")
					for _, j := range out {
						v := j.FileVersion
						if v == "" {
							v = "(no version resource)"
						}
						fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\n", j.File, j.Platform, j.Machine, v, j.Size)
					}
					tw.Flush()
				}
				for _, err := range failed {
					fmt.Fprintf(ctx.stderr, "%s: %s\n", ctx.path, oneLine(err.Error()))
				}
				if len(failed) > 0 {
					return exitCodeError{code: exitBad}
				}
				return nil
			}
		},
	})
}

// peJSON is one element of pe --json.
type peJSON struct {
	File           string `json:"file"`
	Platform       string `json:"platform"`
	Machine        string `json:"machine"`
	PE32Plus       bool   `json:"pe32plus"`
	DLL            bool   `json:"dll"`
	FileVersion    string `json:"file_version"` // "" without a version resource
	ProductVersion string `json:"product_version"`
	Size           int64  `json:"size"`
}

// platformName spells a machine's platform as manifests do (ia64, not
// IA-64), so that pe's output compares with them.
func platformName(p string) string {
	if m, err := manifest.ParsePlatform(p); err == nil {
		return m
	}
	return strings.ToLower(p)
}
