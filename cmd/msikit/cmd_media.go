package main

import (
	"fmt"
	"text/tabwriter"

	"github.com/msikit/msikit/msi"
	"github.com/spf13/pflag"
)

func init() {
	register(&command{
		name: "media", usage: "PKG...", summary: "List what extracting packages needs (embedded and external cabinets, uncompressed source files) and what is missing; exit 1 if anything is.",
		setup: func(fs *pflag.FlagSet) func(*context, []string) error {
			asJSON := fs.Bool("json", false, "print a JSON array of {kind, name, disk_id, files, present}")
			return func(ctx *context, args []string) error {
				if err := needArgs(args, 1, -1); err != nil {
					return err
				}
				return eachInput(ctx, args, *asJSON, false, "media", func(ctx *context, name string) (v any, err error) {
					err = withPackage(ctx, name, func(p *msi.Package) error {
						files, err := msi.FileList(p, msi.FileOptions{})
						if err != nil {
							return err
						}
						needs := p.Needs(files)
						missing := 0
						for _, n := range needs {
							if !n.Present {
								missing++
							}
						}
						if *asJSON {
							out := []needJSON{}
							for _, n := range needs {
								out = append(out, needJSON{n.Kind, n.Name, n.DiskID, n.Files, n.Files, n.Present})
							}
							v = out
						} else {
							tw := tabwriter.NewWriter(ctx.stdout, 0, 4, 2, ' ', 0)
							fmt.Fprintln(tw, "KIND\tNAME\tDISK\tFILES\tSTATUS")
							for _, n := range needs {
								status := "present"
								if !n.Present {
									status = "MISSING"
								}
								disk := ""
								if n.DiskID != 0 {
									disk = fmt.Sprint(n.DiskID)
								}
								fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%s\n", n.Kind, n.Name, disk, n.Files, status)
							}
							tw.Flush()
						}
						if missing > 0 {
							return exitCodeError{code: exitBad, msg: fmt.Sprintf("%s: %d of %d missing", p.Name(), missing, len(needs))}
						}
						return nil
					})
					return v, err
				})
			}
		},
	})
}

// needJSON is one element of media --json: disk_id is 0 for what no Media
// row names (uncompressed source files); files is file_count's first
// name, kept for compatibility.
type needJSON struct {
	Kind      string `json:"kind"`
	Name      string `json:"name"`
	DiskID    int    `json:"disk_id"`
	FileCount int    `json:"file_count"`
	Files     int    `json:"files"`
	Present   bool   `json:"present"`
}
