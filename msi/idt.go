package msi

import (
	"bufio"
	"io"
	"strconv"
	"strings"
)

// WriteIDT writes the table in the .idt archive format msidb and msiinfo
// export: a line of column names, a line of column types, a line with the
// table name and its key columns, then one line per row, fields separated
// by tabs and lines ended by CR LF.
func (t *Table) WriteIDT(w io.Writer) error {
	bw := bufio.NewWriter(w)
	names := make([]string, len(t.Columns))
	types := make([]string, len(t.Columns))
	keys := []string{t.Name}
	for i, c := range t.Columns {
		names[i] = c.Name
		types[i] = c.Type.IDT()
		if c.Type.Key() {
			keys = append(keys, c.Name)
		}
	}
	writeIDTLine(bw, names)
	writeIDTLine(bw, types)
	writeIDTLine(bw, keys)
	fields := make([]string, len(t.Columns))
	for _, r := range t.Rows {
		for i, v := range r.Values {
			fields[i] = escapeIDT(v.String())
		}
		writeIDTLine(bw, fields)
	}
	return bw.Flush()
}

func writeIDTLine(w *bufio.Writer, fields []string) {
	w.WriteString(strings.Join(fields, "\t"))
	w.WriteString("\r\n")
}

// escapeIDT translates the control characters that would break the line
// format into the codes Windows Installer's own export writes (the
// "Archive File Format" reference), so that a value with a tab or a line
// break survives a round trip. msiinfo writes them raw; see the README.
func escapeIDT(s string) string {
	if !strings.ContainsAny(s, "\x00\b\t\n\f\r") {
		return s
	}
	return idtEscaper.Replace(s)
}

var idtEscaper = strings.NewReplacer("\x00", "\x15", "\b", "\x1b", "\t", "\x10", "\n", "\x19", "\f", "\x18", "\r", "\x11")

// Pseudo-table names: exported like tables, though no table stream holds
// them.
const (
	SummaryInformationTable = "_SummaryInformation"
	ForceCodepageTable      = "_ForceCodepage"
)

// WriteIDT exports the named table as WriteIDT on Table does. It also
// serves the pseudo-tables _ForceCodepage (the database's code page) and
// _SummaryInformation (the summary information, one property per row).
func (p *Package) WriteIDT(w io.Writer, table string) error {
	switch table {
	case ForceCodepageTable:
		cp, err := p.Codepage()
		if err != nil {
			return err
		}
		return writeForceCodepageIDT(w, cp)
	case SummaryInformationTable:
		return p.writeSummaryIDT(w)
	}
	t, err := p.Table(table)
	if err != nil {
		return err
	}
	return t.WriteIDT(w)
}

// writeForceCodepageIDT writes the _ForceCodepage pseudo-table: two empty
// lines and the code page, the form msidb uses to carry a database's code
// page in an export.
func writeForceCodepageIDT(w io.Writer, codepage int) error {
	_, err := io.WriteString(w, "\r\n\r\n"+strconv.Itoa(codepage)+"\t_ForceCodepage\r\n")
	return err
}
