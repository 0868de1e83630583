package transform_test

import (
	"bytes"
	"fmt"
	"log"

	"github.com/msikit/msikit/msi"
	"github.com/msikit/msikit/msi/transform"
)

// exampleDB is a database with a Property table.
func exampleDB(props ...string) *msi.Database {
	db := msi.NewDatabase(0)
	t, err := db.CreateTable("Property", msi.StandardColumns("Property")[0])
	if err != nil {
		log.Fatal(err)
	}
	for i := 0; i+1 < len(props); i += 2 {
		if _, err := t.AddRow(msi.StringValue(props[i]), msi.StringValue(props[i+1])); err != nil {
			log.Fatal(err)
		}
	}
	return db
}

func ExampleDiff() {
	old := exampleDB("ProductVersion", "1.0.0", "Obsolete", "yes")
	new := exampleDB("ProductVersion", "1.0.1", "Added", "1")
	d, err := transform.Diff(old, new)
	if err != nil {
		log.Fatal(err)
	}
	for _, c := range d.Tables {
		for _, r := range c.Inserted {
			fmt.Println(c.Table, "insert", r.KeyText(), r.Values)
		}
		for _, r := range c.Updated {
			fmt.Println(c.Table, "update", r.KeyText(), r.Columns, r.Old, "->", r.Values)
		}
		for _, r := range c.Deleted {
			fmt.Println(c.Table, "delete", r.KeyText())
		}
	}
	// Output:
	// Property insert Added [Added 1]
	// Property update ProductVersion [Value] [1.0.0] -> [1.0.1]
	// Property delete Obsolete
}

func ExampleTransform_Apply() {
	old := exampleDB("ProductVersion", "1.0.0")
	new := exampleDB("ProductVersion", "1.0.1")
	d, err := transform.Diff(old, new)
	if err != nil {
		log.Fatal(err)
	}
	// Write the difference as an .mst file, then read it back.
	var mst bytes.Buffer
	if err := d.WriteTransform(&mst, transform.Options{Validation: transform.Validation{Ignore: transform.IgnoreUpdateMissingRow}}); err != nil {
		log.Fatal(err)
	}
	p, err := msi.NewPackage(bytes.NewReader(mst.Bytes()), int64(mst.Len()), "update.mst")
	if err != nil {
		log.Fatal(err)
	}
	tr, err := transform.Open(p)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(p.Kind(), tr.Tables(), tr.Validation().Ignore == transform.IgnoreUpdateMissingRow)
	if err := tr.Apply(old); err != nil {
		log.Fatal(err)
	}
	props, err := old.Table("Property")
	if err != nil {
		log.Fatal(err)
	}
	row, _ := props.Lookup("ProductVersion")
	fmt.Println(row.String("Value"))
	// Output:
	// transform [Property] true
	// 1.0.1
}

func ExampleValidationOf() {
	s := &msi.SummaryInfo{CharCount: 0x0922_001F} // what WiX writes by default
	fmt.Println(transform.ValidationOf(s))
	// Output: MSITRANSFORM_VALIDATE_PRODUCT|MSITRANSFORM_VALIDATE_UPDATEVERSION|MSITRANSFORM_VALIDATE_NEWEQUALBASEVERSION|MSITRANSFORM_VALIDATE_UPGRADECODE|MSITRANSFORM_ERROR_ADDEXISTINGROW|MSITRANSFORM_ERROR_DELMISSINGROW|MSITRANSFORM_ERROR_ADDEXISTINGTABLE|MSITRANSFORM_ERROR_DELMISSINGTABLE|MSITRANSFORM_ERROR_UPDATEMISSINGROW
}

// A transform can be kept in a sub-storage of another database, as a
// patch keeps its transforms, and read from there.
func ExampleDelta_Embed() {
	old := exampleDB("ProductVersion", "1.0.0")
	d, err := transform.Diff(old, exampleDB("ProductVersion", "1.0.1"))
	if err != nil {
		log.Fatal(err)
	}
	holder := msi.NewDatabase(0)
	holder.Kind = msi.KindPatch
	if err := d.Embed(holder, "update.1", transform.Options{Validation: transform.Validation{Checks: transform.ValidateProduct}}); err != nil {
		log.Fatal(err)
	}
	var buf bytes.Buffer
	if err := holder.Save(&buf); err != nil {
		log.Fatal(err)
	}
	p, err := msi.NewPackage(bytes.NewReader(buf.Bytes()), int64(buf.Len()), "holder.msp")
	if err != nil {
		log.Fatal(err)
	}
	tr, err := transform.FromStorage(p, "update.1")
	if err != nil {
		log.Fatal(err)
	}
	for _, c := range tr.Changes() {
		fmt.Println(tr.Name(), c.Table, c.Updated[0].KeyText(), c.Updated[0].Values, tr.Validation())
	}
	// Output: transform update.1 Property ProductVersion [1.0.1] MSITRANSFORM_VALIDATE_PRODUCT
}
