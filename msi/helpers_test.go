package msi_test

import "github.com/msikit/msikit/msi"

// dbTable returns the named table of db, or nil.
func dbTable(db *msi.Database, name string) *msi.Table {
	t, _ := db.Table(name)
	return t
}
