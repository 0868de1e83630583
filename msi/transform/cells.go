package transform

import (
	"github.com/msikit/msikit/msi"
	"github.com/msikit/msikit/msi/internal/tablecodec"
)

// Streams a transform shares with a database: its string pool.
var (
	streamStringPool = msi.TableMark + "_StringPool"
	streamStringData = msi.TableMark + "_StringData"
)

// System tables a transform changes through its catalog streams, and
// their layouts.
const (
	tablesTable  = "_Tables"
	columnsTable = "_Columns"
)

var tablesColumns = msi.StandardColumns(tablesTable)[0]

// maxColumns bounds a table's width; Windows Installer allows 32.
const maxColumns = 255

// codecColumns is what the codec needs of columns.
func codecColumns(cols []msi.Column) []tablecodec.Column {
	out := make([]tablecodec.Column, len(cols))
	for i, c := range cols {
		out[i] = tablecodec.Column{Name: c.Name, Type: tablecodec.Type(c.Type)}
	}
	return out
}

// valueOf and cellOf convert between the codec's cells and values, whose
// kinds are numbered alike.
func valueOf(c tablecodec.Cell) msi.Value {
	return msi.Value{Kind: msi.ValueKind(c.Kind), Int: c.Int, Str: c.Str}
}

func cellOf(v msi.Value) tablecodec.Cell {
	return tablecodec.Cell{Kind: tablecodec.Kind(v.Kind), Int: v.Int, Str: v.Str}
}

// contains reports whether list holds s.
func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
