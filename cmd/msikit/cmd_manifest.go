package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/msikit/msikit/internal/infile"
	"github.com/msikit/msikit/manifest"
	"github.com/msikit/msikit/msi"
	"github.com/spf13/pflag"
)

func init() {
	register(&command{
		name: "manifest", summary: "Manifests (vendor file lists): import a KB table, generate, show, check.",
		children: []*command{
			{name: "import-kb", usage: "FILE [-o OUT.yaml]", summary: "Turn a KB article's File information tables (Markdown or tab-separated; '-' reads standard input) into a manifest.", setup: setupImportKB},
			{name: "generate", usage: "PKG|DIR [-o OUT.yaml]", summary: "Write a manifest of what a package or folder holds: names, paths, sizes, dates, PE versions and platforms, hashes.", setup: setupGenerate},
			{name: "show", usage: "NAME|FILE [--json]", summary: "Print a manifest, built in (" + strings.Join(manifest.BuiltinNames(), ", ") + ") or from a file, in canonical YAML or as JSON.", setup: setupShow},
			{name: "check", usage: "FILE...", summary: "Validate manifest files; every problem is printed with its line and column.", setup: setupCheck},
			{name: "schema", usage: "", summary: "Print the manifest format's JSON Schema, for editors.", setup: setupSchema},
		},
	})
}

// writeManifest writes m as YAML to out ("" or "-" for stdout; see
// writeOutputFile for the rest).
func writeManifest(ctx *context, m *manifest.Manifest, out string) error {
	var b bytes.Buffer
	if err := manifest.Write(&b, m); err != nil {
		return err
	}
	if out == "" {
		out = "-"
	}
	return writeOutputFile(ctx, out, func(w io.Writer) error { _, err := w.Write(b.Bytes()); return err })
}

var kbInName = regexp.MustCompile(`(?i)kb ?(\d{5,8})`)

func setupImportKB(fs *pflag.FlagSet) func(*context, []string) error {
	out := fs.StringP("output", "o", "", "write the manifest to this file (default: standard output)")
	name := fs.String("name", "", "the manifest's name (default: the KB number in the text or the file name, e.g. KB977203)")
	return func(ctx *context, args []string) error {
		if err := needArgs(args, 1, 1); err != nil {
			return err
		}
		r, err := infile.OpenStream(args[0]) // "-" is standard input
		if err != nil {
			return err
		}
		defer r.Close()
		m, err := manifest.ImportKB(r)
		if err != nil {
			return fileErrors(ctx, args[0], err)
		}
		switch {
		case *name != "":
			m.Name = *name
		case m.Name == "":
			k := kbInName.FindStringSubmatch(filepath.Base(args[0]))
			if k == nil {
				return usagef("%s names no KB article: give the manifest's name with --name", args[0])
			}
			m.Name = "KB" + k[1]
			m.Source = "https://support.microsoft.com/kb/" + k[1]
		}
		return writeManifest(ctx, m, *out)
	}
}

func setupGenerate(fs *pflag.FlagSet) func(*context, []string) error {
	out := fs.StringP("output", "o", "", "write the manifest to this file (default: standard output)")
	name := fs.String("name", "", "the manifest's name (default: the package's or folder's base name)")
	variant := fs.String("variant", "default", "the name of the manifest's one variant, e.g. SP2")
	noHashes := fs.Bool("no-hashes", false, "leave out the SHA-256 and MD5 of each file")
	return func(ctx *context, args []string) error {
		if err := needArgs(args, 1, 1); err != nil {
			return err
		}
		o := manifest.GenerateOptions{Name: *name, Variant: *variant, Hashes: !*noHashes}
		st, err := infile.Stat(args[0])
		if err != nil {
			return err
		}
		bar := newBar(ctx, "describing "+args[0], 0, 0, false)
		defer bar.Done()
		o.Progress = bar.Add
		var m *manifest.Manifest
		if st.IsDir() {
			m, err = manifest.FromDir(args[0], o)
		} else {
			err = withPackage(ctx, args[0], func(p *msi.Package) error {
				if files, err := msi.FileList(p, msi.FileOptions{Layout: msi.LayoutAdmin}); err == nil {
					var total int64
					for _, f := range files {
						total += f.Size
					}
					bar.SetTotal(total, 0)
				}
				m, err = manifest.FromPackage(p, o)
				return err
			})
		}
		bar.Done()
		if err != nil {
			return err
		}
		return writeManifest(ctx, m, *out)
	}
}

func setupShow(fs *pflag.FlagSet) func(*context, []string) error {
	asJSON := fs.Bool("json", false, "print the manifest as JSON (variants as a list)")
	return func(ctx *context, args []string) error {
		if err := needArgs(args, 1, 1); err != nil {
			return err
		}
		m, err := manifest.Load(args[0])
		if err != nil {
			return fileErrors(ctx, args[0], err)
		}
		if *asJSON {
			return writeJSON(ctx.stdout, m)
		}
		return manifest.Write(ctx.stdout, m)
	}
}

// manifest check --json: one object per file (docs/schema/manifest-check.json).
type (
	manifestCheckJSON struct {
		File     string                `json:"file"`
		Valid    bool                  `json:"valid"`
		Name     string                `json:"name"`
		Variants []string              `json:"variants"`
		Entries  int                   `json:"entries"`
		Problems []manifestProblemJSON `json:"problems"`
	}
	manifestProblemJSON struct {
		Line    int    `json:"line,omitempty"` // 0 when the problem has no place in the file
		Column  int    `json:"column,omitempty"`
		Kind    string `json:"kind"`
		Message string `json:"message"`
	}
)

func setupCheck(fs *pflag.FlagSet) func(*context, []string) error {
	asJSON := fs.Bool("json", false, "print a JSON array: one object per file, with its problems")
	return func(ctx *context, args []string) error {
		if err := needArgs(args, 1, -1); err != nil {
			return err
		}
		var results []manifestCheckJSON
		bad := 0
		for _, file := range args {
			r := manifestCheckJSON{File: file, Variants: []string{}, Problems: []manifestProblemJSON{}}
			m, err := manifest.ParseFile(file)
			var list manifest.ErrorList
			switch {
			case err == nil:
				r.Valid, r.Name, r.Variants = true, m.Name, append(r.Variants, m.VariantNames()...)
				for _, v := range m.Variants {
					r.Entries += len(v.Entries)
				}
			case errors.As(err, &list):
				bad++
				for _, e := range list {
					r.Problems = append(r.Problems, manifestProblemJSON{Line: e.Line, Column: e.Column, Kind: errorKind(e), Message: e.Err.Error()})
				}
			default:
				return err // cannot read it: an environment error, reported as such
			}
			results = append(results, r)
			if *asJSON {
				continue
			}
			if err != nil {
				fmt.Fprintln(ctx.stdout, err)
			} else {
				fmt.Fprintf(ctx.stdout, "%s: ok: manifest %s, variants %s, %d entries\n", file, r.Name, strings.Join(r.Variants, ", "), r.Entries)
			}
		}
		if *asJSON {
			if err := writeJSON(ctx.stdout, results); err != nil {
				return err
			}
		}
		if bad > 0 {
			return exitCodeError{code: exitBad, msg: fmt.Sprintf("%d of %d manifests invalid", bad, len(args))}
		}
		return nil
	}
}

func errorKind(e *manifest.Error) string {
	switch {
	case errors.Is(e, manifest.ErrSyntax):
		return "syntax"
	case errors.Is(e, manifest.ErrUnknownKey):
		return "unknown-key"
	case errors.Is(e, manifest.ErrDuplicate):
		return "duplicate"
	case errors.Is(e, manifest.ErrTooLarge):
		return "too-large"
	}
	return "invalid"
}

func setupSchema(fs *pflag.FlagSet) func(*context, []string) error {
	return func(ctx *context, args []string) error {
		if err := needArgs(args, 0, 0); err != nil {
			return err
		}
		_, err := ctx.stdout.Write(manifest.Schema())
		return err
	}
}

// fileErrors prints a manifest's or table's line-numbered errors one per
// line on stderr, prefixed with the file, and ends the command with exit
// 1; report would fold them onto one line.
func fileErrors(ctx *context, file string, err error) error {
	var list manifest.ErrorList
	if !errors.As(err, &list) {
		return err
	}
	for _, e := range list {
		if e.File == "" && file != "" && file != "-" {
			e.File = file
		}
		fmt.Fprintf(ctx.stderr, "%s: %v\n", ctx.path, e)
	}
	return exitCodeError{code: exitBad}
}
