package msi

import (
	"bytes"
	"fmt"
)

// FileList lists the database's files as Package.FileList does, with
// their places in the layout. Media and Compressed describe the
// database's own Media rows; the bytes of a database built in memory (a
// target with a patch applied) are found by the caller, not ReadFiles.
func (db *Database) FileList(o FileOptions) ([]*File, error) {
	// The tables alone, saved and read back, give FileList the same
	// view a package has without copying any stream.
	shallow := &Database{Codepage: db.Codepage, Summary: db.Summary, Kind: KindDatabase, tables: db.tables, streams: map[string]*dbStream{}}
	var buf bytes.Buffer
	if err := shallow.Save(&buf); err != nil {
		return nil, fmt.Errorf("database tables: %w", err)
	}
	p, err := NewPackage(bytes.NewReader(buf.Bytes()), int64(buf.Len()), "database")
	if err != nil {
		return nil, err
	}
	return p.FileList(o)
}
