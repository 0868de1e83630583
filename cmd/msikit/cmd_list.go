package main

import (
	"fmt"
	"io"

	"github.com/msikit/msikit/container"
	"github.com/spf13/pflag"
)

func init() {
	register(&command{
		name: "list", usage: "FILE... [-r] [--json] [--password PW] [--encoding NAME]",
		summary: "List what a file holds, told by content: a package's files, a ZIP's, a Burn bundle's payloads, an InstallShield launcher's, a cabinet's; with -r, down through what they hold, as one tree.",
		setup: func(fs *pflag.FlagSet) func(*context, []string) error {
			recursive := fs.BoolP("recursive", "r", false, "also list what the members hold, down to the files (at most 6 levels below the file)")
			asJSON := fs.Bool("json", false, "print a JSON array of entries: path, kind, size (and error)")
			password := addPasswordFlag(fs)
			enc := addEncodingFlag(fs)
			return func(ctx *context, args []string) error {
				if err := needArgs(args, 1, -1); err != nil {
					return err
				}
				if err := useEncoding(ctx, *enc); err != nil {
					return err
				}
				depth := 1
				if *recursive {
					depth = maxNesting
				}
				return eachInput(ctx, args, *asJSON, false, "entries", func(ctx *context, name string) (any, error) {
					return listTree(ctx, name, depth, *asJSON, passwordSource(ctx, *password))
				})
			}
		},
	})
}

// jsonEntry is an entry of `list --json`.
type jsonEntry struct {
	Path  string         `json:"path"`
	Kind  container.Kind `json:"kind"`
	Size  int64          `json:"size"`
	Error string         `json:"error,omitempty"`
}

// listTree lists the tree of one input: printed as text, or returned for
// --json. An entry that cannot be read is listed with its error and makes
// the command fail (exit 1), after the whole tree.
func listTree(ctx *context, name string, depth int, asJSON bool, password func(string) ([]byte, error)) (any, error) {
	c, err := openContainer(name, container.Options{Cabinet: ctx.cabOpts, Password: password})
	if err != nil {
		return nil, err
	}
	defer c.Close()
	entries := []jsonEntry{}
	failed := 0
	err = container.Walk(c, depth, func(e *container.Entry, _ io.Reader) error {
		for _, w := range e.Warnings {
			fmt.Fprintf(ctx.stderr, "%s: warning: %s: %s\n", ctx.path, e.Path, w)
		}
		je := jsonEntry{Path: e.Path, Kind: e.Kind, Size: e.Size}
		if e.Err != nil {
			failed++
			je.Error = oneLine(e.Err.Error())
			fmt.Fprintf(ctx.stderr, "%s: %s\n", ctx.path, je.Error)
		}
		if asJSON {
			entries = append(entries, je)
			return nil
		}
		size := "-"
		if e.Size >= 0 {
			size = fmt.Sprint(e.Size)
		}
		_, err := fmt.Fprintf(ctx.stdout, "%-13s %12s  %s\n", e.Kind, size, e.Path)
		return err
	})
	if err != nil {
		return nil, err
	}
	if failed > 0 {
		err = exitCodeError{code: exitBad, msg: fmt.Sprintf("%s: %d entries cannot be read", c.Name, failed)}
	}
	if asJSON {
		return entries, err
	}
	return nil, err
}
