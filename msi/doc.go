// Package msi reads and writes Windows Installer databases: installation
// packages (.msi, .msm), and the compound file, tables, streams and
// summary information that patches (.msp) and transforms (.mst) share
// with them.
//
// A package is an OLE compound file. Its tables live in streams whose
// names are packed two characters per UTF-16 code unit; its strings live
// in a shared pool; its summary information is an OLE property set. Open
// or NewPackage reads the directory; the string pool and tables are
// decoded on first use and cached.
//
//	p, err := msi.Open("product.msi")
//	if err != nil {
//		log.Fatal(err)
//	}
//	defer p.Close()
//	t, err := p.Table("File")
//	if err != nil {
//		log.Fatal(err)
//	}
//	for _, row := range t.Rows {
//		size := row.Int("FileSize")
//		fmt.Println(row.String("FileName"), size)
//	}
//
// A Package read from a file and a Database held in memory (to change
// and Save) are both a TableReader: FileList lays out the files of
// either, MediaList and ReadProductInfo read either. Package.ReadFiles
// delivers the files' bytes, each cabinet folder decoded once; FS serves
// them as an fs.FS.
//
// Transforms are read, applied, compared and written by package
// msi/transform, patches by msi/patch; msi/build makes a package from a
// spec.
package msi
