package main

import (
	"bufio"
	"encoding/hex"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/msikit/msikit/msi"
	"github.com/spf13/pflag"
)

func init() {
	register(&command{
		name: "files", usage: "PKG...", summary: "List packages' files: key, path in the layout, name, size, version, language, attributes, component, sequence, cabinet, MsiFileHash.",
		setup: func(fs *pflag.FlagSet) func(*context, []string) error {
			lo := addLayoutFlags(fs)
			asJSON := fs.Bool("json", false, "print a JSON array of files")
			return func(ctx *context, args []string) error {
				if err := needArgs(args, 1, -1); err != nil {
					return err
				}
				opts, err := lo.options()
				if err != nil {
					return err
				}
				return eachInput(ctx, args, *asJSON, false, "files", func(ctx *context, name string) (v any, err error) {
					err = withPackage(ctx, name, func(p *msi.Package) error {
						files, err := msi.FileList(p, opts)
						if err != nil {
							return err
						}
						if *asJSON {
							v = filesJSON(files)
							return nil
						}
						return printFiles(ctx.stdout, files)
					})
					return v, err
				})
			}
		},
	})
}

// layoutFlags are the flags that choose where files go, shared by files
// and extract.
type layoutFlags struct {
	layout *string
	short  *bool
}

func addLayoutFlags(fs *pflag.FlagSet) *layoutFlags {
	return &layoutFlags{
		layout: fs.String("layout", "admin", "admin (the msiexec /a source tree), install (the installed tree), target (target names, as lessmsi extracts) or flat (every file at the top by its long name)"),
		short:  fs.Bool("short-names", false, "use short (8.3) names even when the package does not say its source uses them"),
	}
}

func (l *layoutFlags) options() (msi.FileOptions, error) {
	layout, err := msi.ParseLayout(*l.layout)
	if err != nil {
		return msi.FileOptions{}, usagef("--layout must be admin, install, target or flat, not %q", *l.layout)
	}
	return msi.FileOptions{Layout: layout, ShortNames: *l.short}, nil
}

// fileJSON is one element of `msikit files --json`.
type fileJSON struct {
	Key        string `json:"key"`
	Path       string `json:"path"`
	Name       string `json:"name"`
	ShortName  string `json:"short_name"`
	Size       int64  `json:"size"`
	Version    string `json:"version"`
	Language   string `json:"language"`
	Attributes int    `json:"attributes"`
	Component  string `json:"component"`
	Directory  string `json:"directory"`
	Sequence   int    `json:"sequence"`
	Compressed bool   `json:"compressed"`
	DiskID     int    `json:"disk_id"`
	Cabinet    string `json:"cabinet"`
	SourcePath string `json:"source_path"` // uncompressed files: where they are read from, beside the package
	MD5        string `json:"msi_file_hash"`
}

func filesJSON(files []*msi.File) []fileJSON {
	out := make([]fileJSON, 0, len(files))
	for _, f := range files {
		j := fileJSON{
			Key: f.Key, Path: f.Path, Name: f.LongName, ShortName: f.ShortName, Size: f.Size, Version: f.Version,
			Language: f.Language, Attributes: f.Attributes, Component: f.Component, Directory: f.Directory,
			Sequence: f.Sequence, Compressed: f.Compressed,
		}
		if f.Media != nil {
			j.DiskID, j.Cabinet = f.Media.DiskID, f.Media.Cabinet
		}
		if !f.Compressed {
			j.SourcePath = f.SourcePath
		}
		if f.Hash != nil {
			j.MD5 = hex.EncodeToString(f.Hash[:])
		}
		out = append(out, j)
	}
	return out
}

func printFiles(w io.Writer, files []*msi.File) error {
	bw := bufio.NewWriter(w)
	tw := tabwriter.NewWriter(bw, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "KEY\tPATH\tSIZE\tVERSION\tLANGUAGE\tATTRIBUTES\tCOMPONENT\tSEQUENCE\tCABINET\tMSIFILEHASH")
	for _, j := range filesJSON(files) {
		where := j.Cabinet
		if !j.Compressed {
			where = "(uncompressed)"
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%s\t%s\t%d\t%s\t%d\t%s\t%s\n", j.Key, j.Path, j.Size, j.Version, j.Language,
			j.Attributes, j.Component, j.Sequence, where, j.MD5)
	}
	tw.Flush()
	return bw.Flush()
}
