// Package transform reads, applies and writes Windows Installer
// transforms: the changes that turn one database into another, held in
// an .mst file or in a sub-storage of a patch or a database.
//
//	p, err := msi.Open("custom.mst")
//	...
//	t, err := transform.Open(p)            // or transform.FromStorage(patch, "rtm.1")
//	for _, c := range t.Changes() { ... }  // what it does to each table
//	db, err := target.Database()
//	err = t.Apply(db)                      // then db.Save
//
// Diff compares two databases; the Delta it returns is written as an
// .mst file (WriteTransform) or into a storage of another database
// (Embed). A transform's summary information says what it validates
// before it applies and which errors it ignores (Validation) and which
// packages it was made from and for (Target).
package transform
