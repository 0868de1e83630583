// Package msi reads Windows Installer packages: installation databases
// (.msi, .msm), patches (.msp) and transforms (.mst).
//
// A package is an OLE compound file. Its tables live in streams whose names
// are packed two characters per UTF-16 code unit; its strings live in a
// shared pool; its summary information is an OLE property set. Open or
// NewPackage reads the directory and the string pool; tables are decoded on
// first use and cached.
//
//	p, err := msi.Open("product.msi")
//	if err != nil { ... }
//	defer p.Close()
//	files, err := p.Table("File")
//	for _, row := range files.Rows {
//		fmt.Println(row.String("FileName"), row.Int("FileSize"))
//	}
package msi
