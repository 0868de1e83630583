package main

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/msikit/msikit/msi"
	"github.com/msikit/msikit/msi/transform"
	"github.com/spf13/pflag"
)

func init() {
	register(&command{
		name: "diff", usage: "A.msi B.msi [--json] [--exit-code]",
		summary: "Show how B differs from A: tables, rows and cells.\nTables added and dropped, columns added, rows inserted (+),\n" +
			"updated (~, the cells that differ) and deleted (-), matched by primary key; binary cells\n" +
			"and other streams by content; summary information properties and code page.\n" +
			"Exits 0 whether or not they differ (unless --exit-code).\n\n" +
			"--json prints {codepage: {old, new}, tables: [{table, added, dropped, columns, new_columns,\n" +
			"inserted: [{key, values}], updated: [{key, cells: {column: {old, new}}}], deleted: [{key}],\n" +
			"error}], streams: [{name, added, removed, old_size, new_size}], summary: [{pid, name, old, new}]};\n" +
			"values are text, null for a null cell.",
		setup: func(fs *pflag.FlagSet) func(*context, []string) error {
			asJSON := fs.Bool("json", false, "print JSON (shape above)")
			exitCode := fs.Bool("exit-code", false, "exit 1 when the packages differ")
			return func(ctx *context, args []string) error {
				if err := needArgs(args, 2, 2); err != nil {
					return err
				}
				return diffPackages(ctx, args[0], args[1], *asJSON, *exitCode)
			}
		},
	})
}

type diffJSON struct {
	Codepage struct {
		Old int `json:"old"`
		New int `json:"new"`
	} `json:"codepage"`
	Tables  []tableDiffJSON   `json:"tables"`
	Streams []streamDiffJSON  `json:"streams"`
	Summary []summaryDiffJSON `json:"summary"`
}

type tableDiffJSON struct {
	Table      string          `json:"table"`
	Added      bool            `json:"added"`
	Dropped    bool            `json:"dropped"`
	Columns    []columnJSON    `json:"columns"`
	NewColumns []string        `json:"new_columns"`
	Inserted   []rowInsertJSON `json:"inserted"`
	Updated    []rowUpdateJSON `json:"updated"`
	Deleted    []rowDeleteJSON `json:"deleted"`
	Error      string          `json:"error"`
}

type rowInsertJSON struct {
	Key    []string           `json:"key"`
	Values map[string]*string `json:"values"`
}

type rowUpdateJSON struct {
	Key   []string            `json:"key"`
	Cells map[string]cellJSON `json:"cells"`
}

type cellJSON struct {
	Old *string `json:"old"`
	New *string `json:"new"`
}

type rowDeleteJSON struct {
	Key []string `json:"key"`
}

type streamDiffJSON struct {
	Name    string `json:"name"`
	Added   bool   `json:"added"`
	Removed bool   `json:"removed"`
	OldSize int64  `json:"old_size"`
	NewSize int64  `json:"new_size"`
}

type summaryDiffJSON struct {
	PID  int    `json:"pid"`
	Name string `json:"name"`
	Old  string `json:"old"`
	New  string `json:"new"`
}

func cellText(v msi.Value) *string {
	if v.IsNull() {
		return nil
	}
	s := v.String()
	return &s
}

func tablesJSON(cs []transform.TableChange) []tableDiffJSON {
	out := []tableDiffJSON{}
	for _, c := range cs {
		j := tableDiffJSON{Table: c.Table, Added: c.Added, Dropped: c.Dropped, Columns: []columnJSON{}, NewColumns: []string{},
			Inserted: []rowInsertJSON{}, Updated: []rowUpdateJSON{}, Deleted: []rowDeleteJSON{}}
		if c.Added {
			for _, col := range c.Columns {
				j.Columns = append(j.Columns, columnJSON{Name: col.Name, Type: col.Type.IDT(), Key: col.Type.Key(), Nullable: col.Type.Nullable()})
			}
		} else {
			for _, col := range c.NewColumns {
				j.NewColumns = append(j.NewColumns, col.Name)
			}
		}
		if c.Err != nil {
			j.Error = c.Err.Error()
		}
		for _, r := range c.Inserted {
			ins := rowInsertJSON{Key: r.Key, Values: map[string]*string{}}
			for i, name := range r.Columns {
				ins.Values[name] = cellText(r.Values[i])
			}
			j.Inserted = append(j.Inserted, ins)
		}
		for _, r := range c.Updated {
			up := rowUpdateJSON{Key: r.Key, Cells: map[string]cellJSON{}}
			for i, name := range r.Columns {
				cell := cellJSON{New: cellText(r.Values[i])}
				if i < len(r.Old) {
					cell.Old = cellText(r.Old[i])
					if cell.Old == nil {
						empty := ""
						cell.Old = &empty // null before: "" rather than absent
					}
				}
				up.Cells[name] = cell
			}
			j.Updated = append(j.Updated, up)
		}
		for _, r := range c.Deleted {
			j.Deleted = append(j.Deleted, rowDeleteJSON{Key: r.Key})
		}
		out = append(out, j)
	}
	return out
}

func diffPackages(ctx *context, a, b string, asJSON, exitCode bool) error {
	ap, old, err := openDatabase(a)
	if err != nil {
		return err
	}
	defer ap.Close()
	bp, new, err := openDatabase(b)
	if err != nil {
		return err
	}
	defer bp.Close()
	d, err := transform.Diff(old, new)
	if err != nil {
		return err
	}
	if asJSON {
		var j diffJSON
		j.Codepage.Old, j.Codepage.New = d.OldCodepage, d.NewCodepage
		j.Tables = tablesJSON(d.Tables)
		j.Streams = []streamDiffJSON{}
		for _, s := range d.Streams {
			j.Streams = append(j.Streams, streamDiffJSON{Name: s.Name, Added: s.Added, Removed: s.Removed, OldSize: s.OldSize, NewSize: s.NewSize})
		}
		j.Summary = []summaryDiffJSON{}
		for _, s := range d.Summary {
			j.Summary = append(j.Summary, summaryDiffJSON{PID: s.PID, Name: msi.SummaryPropertyName(s.PID), Old: s.Old, New: s.New})
		}
		if err := writeJSON(ctx.stdout, j); err != nil {
			return err
		}
	} else {
		w := bufio.NewWriter(ctx.stdout)
		if d.Empty() {
			fmt.Fprintln(w, "no differences")
		}
		if d.OldCodepage != d.NewCodepage {
			fmt.Fprintf(w, "code page: %d -> %d\n", d.OldCodepage, d.NewCodepage)
		}
		printChanges(w, d.Tables)
		for _, s := range d.Streams {
			fmt.Fprintf(w, "stream %s %s\n", msi.PrintableName(s.Name), streamChangeText(s))
		}
		for _, s := range d.Summary {
			fmt.Fprintf(w, "summary %s: %s -> %s\n", msi.SummaryPropertyName(s.PID), quoteText(s.Old), quoteText(s.New))
		}
		if err := w.Flush(); err != nil {
			return err
		}
	}
	if exitCode && !d.Empty() {
		return exitCodeError{code: exitBad}
	}
	return nil
}

func streamChangeText(s transform.StreamChange) string {
	switch {
	case s.Added:
		return fmt.Sprintf("added (%d bytes)", s.NewSize)
	case s.Removed:
		return fmt.Sprintf("removed (%d bytes)", s.OldSize)
	}
	return fmt.Sprintf("changed (%d -> %d bytes)", s.OldSize, s.NewSize)
}

// quoteText shows a cell: quoted when it has spaces or is empty, null as
// "null".
func quoteText(s string) string {
	if s == "" || strings.ContainsAny(s, " \t\r\n\"") {
		return fmt.Sprintf("%q", s)
	}
	return s
}

func valueText(v msi.Value) string {
	if v.IsNull() {
		return "null"
	}
	return quoteText(v.String())
}

// printChanges lists table changes, one line per table and one per row.
// changeHeadline says in one line what a change does to its table.
func changeHeadline(c transform.TableChange) string {
	var b strings.Builder
	switch {
	case c.Dropped && !c.Added:
		return "dropped"
	case c.Added:
		var cols []string
		for _, col := range c.Columns {
			cols = append(cols, col.Name+" "+col.Type.IDT())
		}
		fmt.Fprintf(&b, "added (%s)", strings.Join(cols, ", "))
	case len(c.NewColumns) > 0:
		var cols []string
		for _, col := range c.NewColumns {
			cols = append(cols, col.Name+" "+col.Type.IDT())
		}
		fmt.Fprintf(&b, "columns added (%s),", strings.Join(cols, ", "))
	}
	if c.Err != nil {
		fmt.Fprintf(&b, " rows not decoded: %v", c.Err)
	} else {
		fmt.Fprintf(&b, " %d inserted, %d updated, %d deleted", len(c.Inserted), len(c.Updated), len(c.Deleted))
	}
	return strings.TrimSpace(b.String())
}

func printChanges(w io.Writer, cs []transform.TableChange) {
	for _, c := range cs {
		fmt.Fprintf(w, "table %s: %s\n", c.Table, changeHeadline(c))
		if c.Err != nil || c.Dropped && !c.Added {
			continue
		}
		for _, r := range c.Inserted {
			var cells []string
			for i, name := range r.Columns {
				if !r.Values[i].IsNull() {
					cells = append(cells, name+"="+valueText(r.Values[i]))
				}
			}
			fmt.Fprintf(w, "  + %s: %s\n", r.KeyText(), strings.Join(cells, " "))
		}
		for _, r := range c.Updated {
			var cells []string
			for i, name := range r.Columns {
				if i < len(r.Old) {
					cells = append(cells, fmt.Sprintf("%s: %s -> %s", name, valueText(r.Old[i]), valueText(r.Values[i])))
				} else {
					cells = append(cells, name+"="+valueText(r.Values[i]))
				}
			}
			fmt.Fprintf(w, "  ~ %s: %s\n", r.KeyText(), strings.Join(cells, "; "))
		}
		for _, r := range c.Deleted {
			fmt.Fprintf(w, "  - %s\n", r.KeyText())
		}
	}
}
