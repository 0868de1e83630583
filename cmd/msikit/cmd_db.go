package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/msikit/msikit/internal/safepath"
	"github.com/msikit/msikit/msi"
	"github.com/msikit/msikit/msi/transform"
	"github.com/spf13/pflag"
)

func init() {
	register(&command{
		name: "tables", usage: "PKG...", summary: "List the tables of packages (as msiinfo tables does).",
		setup: func(fs *pflag.FlagSet) func(*context, []string) error {
			asJSON := fs.Bool("json", false, "print a JSON array of {name, columns, rows}")
			return func(ctx *context, args []string) error {
				if err := needArgs(args, 1, -1); err != nil {
					return err
				}
				return eachInput(ctx, args, *asJSON, false, "tables", func(ctx *context, name string) (v any, err error) {
					err = withPackage(ctx, name, func(p *msi.Package) error {
						v, err = listTables(ctx, p, *asJSON)
						return err
					})
					return v, err
				})
			}
		},
	})
	register(&command{
		name: "export", usage: "PKG TABLE | PKG --all -o DIR", summary: "Export a table as .idt text (as msiinfo export does), or every table to a directory (as msidb -e does).",
		setup: func(fs *pflag.FlagSet) func(*context, []string) error {
			all := fs.Bool("all", false, "export every table as DIR/TABLE.idt, binary cells as files in DIR/TABLE/")
			out := fs.StringP("output", "o", "", "output directory (with --all)")
			overwrite := fs.Bool("overwrite", false, "with --all, replace files that already exist (from an earlier export)")
			return func(ctx *context, args []string) error {
				if *all {
					if err := needArgs(args, 1, 1); err != nil {
						return err
					}
					if *out == "" {
						return usagef("--all needs -o DIR")
					}
					return withPackage(ctx, args[0], func(p *msi.Package) error { return exportAll(ctx, p, *out, *overwrite) })
				}
				if err := needArgs(args, 2, 2); err != nil {
					return err
				}
				return withPackage(ctx, args[0], func(p *msi.Package) error {
					w := bufio.NewWriter(ctx.stdout)
					if err := exportTable(w, p, args[1]); err != nil {
						return err
					}
					return w.Flush()
				})
			}
		},
	})
	register(&command{
		name: "streams", usage: "PKG... [--all] | PKG --extract NAME -o FILE", summary: "List packages' streams (as msiinfo streams does), or extract one.\n" +
			"Names are printed in one printable form, taken back by --extract: a control character is written \\xNN\n" +
			"(\\x05SummaryInformation); a name may also be given without its leading control character.",
		setup: func(fs *pflag.FlagSet) func(*context, []string) error {
			all := fs.Bool("all", false, "also list sub-storages and their streams, as STORAGE/STREAM, and table streams")
			extract := fs.String("extract", "", "write the stream with this name as listed (STORAGE/STREAM for nested ones; \\x05SummaryInformation, or SummaryInformation, for the summary)")
			out := fs.StringP("output", "o", "", "file to write with --extract (- for standard output)")
			asJSON := fs.Bool("json", false, "print a JSON array of {name, storage, path, size, storage_entry}")
			return func(ctx *context, args []string) error {
				if *extract != "" {
					if err := needArgs(args, 1, 1); err != nil {
						return err
					}
					if *out == "" {
						return usagef("--extract needs -o FILE")
					}
					return withPackage(ctx, args[0], func(p *msi.Package) error {
						err := extractStream(ctx, p, *extract, *out)
						if errors.Is(err, msi.ErrInvalid) {
							return usagef("--extract %v", err) // a malformed \xNN name is a usage error
						}
						return err
					})
				}
				if err := needArgs(args, 1, -1); err != nil {
					return err
				}
				return eachInput(ctx, args, *asJSON, false, "streams", func(ctx *context, name string) (v any, err error) {
					err = withPackage(ctx, name, func(p *msi.Package) error {
						v, err = listStreams(ctx, p, *all, *asJSON)
						return err
					})
					return v, err
				})
			}
		},
	})
}

// withPackage opens a package, runs f, says what the package warned of
// (choices made where Windows would decide at install time, entries it
// ignores), and closes it.
func withPackage(ctx *context, path string, f func(*msi.Package) error) error {
	p, err := openPackage(path)
	if err != nil {
		return err
	}
	defer p.Close()
	err = f(p)
	for _, w := range p.Warnings() {
		fmt.Fprintf(ctx.stderr, "%s: warning: %s: %s\n", ctx.path, p.Name(), w)
	}
	return err
}

// openPackage opens a package; a file that cannot be opened is named
// once in the error.
func openPackage(path string) (*msi.Package, error) {
	p, err := msi.Open(path)
	var pe *os.PathError
	if errors.As(err, &pe) {
		return nil, fmt.Errorf("%s: %v", path, pe.Err)
	}
	return p, err
}

// pseudoTables are what msiinfo lists before the real tables: the summary
// information and the code page, both exportable as .idt files.
var pseudoTables = []string{msi.SummaryInformationTable, msi.ForceCodepageTable}

type tableJSON struct {
	Name    string       `json:"name"`
	Columns []columnJSON `json:"columns"`
	// RowCount counts the rows; Rows is its first name, kept for
	// compatibility. For a transform they count the rows it inserts,
	// updates or deletes, and Change says what it does to the table.
	RowCount int    `json:"row_count"`
	Rows     int    `json:"rows"`
	Change   string `json:"change"`
	// Pseudo marks _SummaryInformation and _ForceCodepage, which the text
	// lists first, as msiinfo does: not tables, but exportable as .idt.
	Pseudo bool `json:"pseudo"`
}

type columnJSON struct {
	Name     string `json:"name"`
	Type     string `json:"type"`
	Key      bool   `json:"key"`
	Nullable bool   `json:"nullable"`
}

// pseudoTablesJSON are the pseudo-tables as tables --json lists them:
// their rows are those of their .idt export.
func pseudoTablesJSON(p *msi.Package) []tableJSON {
	var out []tableJSON
	for _, n := range pseudoTables {
		var b strings.Builder
		rows := 0
		if p.WriteIDT(&b, n) == nil {
			rows = max(strings.Count(b.String(), "\n")-3, 0) // the three header lines
		}
		out = append(out, tableJSON{Name: n, Columns: []columnJSON{}, RowCount: rows, Rows: rows, Pseudo: true})
	}
	return out
}

// listTables prints the tables, or with asJSON returns them.
func listTables(ctx *context, p *msi.Package, asJSON bool) (any, error) {
	if p.Kind() == msi.KindTransform {
		return listTransformTables(ctx, p, asJSON)
	}
	names, err := p.Tables()
	if err != nil {
		return nil, err
	}
	if !asJSON {
		w := bufio.NewWriter(ctx.stdout)
		for _, n := range append(append([]string(nil), pseudoTables...), names...) {
			fmt.Fprintln(w, n)
		}
		return nil, w.Flush()
	}
	out := pseudoTablesJSON(p)
	for _, n := range names {
		t, err := p.Table(n)
		if err != nil {
			return nil, err
		}
		tj := tableJSON{Name: n, RowCount: len(t.Rows), Rows: len(t.Rows), Columns: []columnJSON{}}
		for _, c := range t.Columns {
			tj.Columns = append(tj.Columns, columnJSON{Name: c.Name, Type: c.Type.IDT(), Key: c.Type.Key(), Nullable: c.Type.Nullable()})
		}
		out = append(out, tj)
	}
	return out, nil
}

// exportTable writes a table as .idt text; for a transform, whose
// tables hold changes, what the transform does to that table.
func exportTable(w io.Writer, p *msi.Package, name string) error {
	if p.Kind() != msi.KindTransform || name == msi.SummaryInformationTable || name == msi.ForceCodepageTable {
		return p.WriteIDT(w, name)
	}
	changes, err := transformChanges(p)
	if err != nil {
		return err
	}
	for _, c := range changes {
		if c.Table == name {
			printChanges(w, []transform.TableChange{c})
			return nil
		}
	}
	return fmt.Errorf("%s: table %s: %w (the transform does not touch it)", p.Name(), name, msi.ErrNotFound)
}

// transformChanges decodes what a transform file does, table by table.
func transformChanges(p *msi.Package) ([]transform.TableChange, error) {
	t, err := transform.Open(p)
	if err != nil {
		return nil, err
	}
	return t.Changes(), nil
}

// listTransformTables lists the tables a transform touches and what it
// does to each: a transform is read as one, never as a damaged database.
func listTransformTables(ctx *context, p *msi.Package, asJSON bool) (any, error) {
	changes, err := transformChanges(p)
	if err != nil {
		return nil, err
	}
	if asJSON {
		out := pseudoTablesJSON(p)
		for _, c := range changes {
			tj := tableJSON{Name: c.Table, RowCount: c.Rows(), Rows: c.Rows(), Change: changeHeadline(c), Columns: []columnJSON{}}
			for _, col := range c.Columns {
				tj.Columns = append(tj.Columns, columnJSON{Name: col.Name, Type: col.Type.IDT(), Key: col.Type.Key(), Nullable: col.Type.Nullable()})
			}
			out = append(out, tj)
		}
		return out, nil
	}
	w := bufio.NewWriter(ctx.stdout)
	for _, n := range pseudoTables {
		fmt.Fprintln(w, n)
	}
	for _, c := range changes {
		fmt.Fprintf(w, "%s\t%s\n", c.Table, changeHeadline(c))
	}
	return nil, w.Flush()
}

// exportAll writes every table as DIR/TABLE.idt and each binary cell's
// stream as DIR/TABLE/KEY.ibd, the layout msidb -e uses, through the one
// safe writer: a symbolic link in DIR (a table's directory, say) is
// refused, never followed. Files from an earlier export are kept (exit 2)
// unless overwrite, the rule of every extraction into a directory.
func exportAll(ctx *context, p *msi.Package, dir string, overwrite bool) error {
	if p.Kind() == msi.KindTransform {
		return fmt.Errorf("%s: a transform holds changes, not tables to export: `msikit tables` and `msikit export %s TABLE` say what it does to each table, `msikit transform apply` makes the changed database", p.Name(), p.Name())
	}
	out, err := safepath.OpenDir(dir)
	if err != nil {
		return envError{err}
	}
	defer out.Close()
	names, err := p.Tables()
	if err != nil {
		return err
	}
	write := func(rel string, fn func(io.Writer) error) error {
		var ferr error
		_, err := out.WriteFunc(rel, safepath.WriteOptions{Overwrite: overwrite}, func(w io.Writer) error {
			bw := bufio.NewWriterSize(w, 64<<10)
			if ferr = fn(bw); ferr != nil {
				return ferr
			}
			return bw.Flush()
		})
		if errors.Is(err, safepath.ErrExist) {
			return existsError(out.Join(rel))
		}
		if err != nil && ferr == nil {
			return envError{fmt.Errorf("%s: %w", dir, err)}
		}
		return err
	}
	for _, n := range append(append([]string(nil), pseudoTables...), names...) {
		if err := write(safepath.CleanName(n)+".idt", func(w io.Writer) error { return exportTable(w, p, n) }); err != nil {
			return err
		}
		if strings.HasPrefix(n, "_") {
			continue
		}
		t, err := p.Table(n)
		if err != nil {
			return err
		}
		for _, r := range t.Rows {
			for _, v := range r.Values {
				if v.Kind != msi.Stream {
					continue
				}
				data, err := p.ReadStream(v.Str)
				if errors.Is(err, msi.ErrNotFound) {
					fmt.Fprintf(ctx.stderr, "%s: warning: table %s refers to stream %s, which is missing\n", p.Name(), n, v.Str)
					continue
				}
				if err != nil {
					return err
				}
				rel := safepath.CleanName(n) + "/" + safepath.CleanName(strings.TrimPrefix(v.Str, n+".")) + ".ibd"
				if err := write(rel, func(w io.Writer) error { _, err := w.Write(data); return err }); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// streamPath is the stream a name given on the command line means: the
// decoded path or its printable form (`streams` lists that, with \x05 for
// the control character property sets start with), both of which
// OpenStream takes, or, when neither names a stream, the one stream
// whose name is that without its leading control character
// ("SummaryInformation" for "\x05SummaryInformation").
func streamPath(p *msi.Package, name string) string {
	if p.HasStream(name) {
		return name
	}
	found := ""
	for _, s := range p.Entries() {
		n := s.Name
		if s.Dir || n == "" || n[0] >= 0x20 {
			continue
		}
		short := msi.StreamInfo{Name: strings.TrimLeftFunc(n, func(r rune) bool { return r < 0x20 }), Storage: s.Storage}
		if short.Path() == name {
			if found != "" {
				return name // ambiguous: not found, as given
			}
			found = s.Path()
		}
	}
	if found == "" {
		return name
	}
	return found
}

type streamJSON struct {
	Name    string `json:"name"`
	Storage string `json:"storage"`
	Path    string `json:"path"`
	Size    int64  `json:"size"`
	Dir     bool   `json:"storage_entry"`
}

// listStreams prints the streams, or with asJSON returns them.
func listStreams(ctx *context, p *msi.Package, all, asJSON bool) (any, error) {
	var list []msi.StreamInfo
	if all {
		list = p.Entries()
	} else {
		list = p.Streams()
	}
	if asJSON {
		out := []streamJSON{}
		for _, s := range list {
			out = append(out, streamJSON{Name: s.Name, Storage: s.Storage, Path: s.Path(), Size: s.Size, Dir: s.Dir})
		}
		return out, nil
	}
	w := bufio.NewWriter(ctx.stdout)
	for _, s := range list {
		name := msi.PrintableName(s.Path())
		if s.Dir {
			name += "/"
		}
		fmt.Fprintln(w, name)
	}
	return nil, w.Flush()
}

func extractStream(ctx *context, p *msi.Package, name, out string) error {
	r, _, err := p.OpenStream(streamPath(p, name))
	if err != nil {
		return err
	}
	return writeOutputFile(ctx, out, func(w io.Writer) error { _, err := io.Copy(w, r); return err })
}
