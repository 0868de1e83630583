// Package patch reads, applies and makes Windows Installer patches
// (.msp): the transform pairs they carry, their cabinets, and whether
// they apply to a product.
//
//	pt, err := patch.Open("hotfix.msp")
//	...
//	defer pt.Close()
//	a := pt.Check(product)                 // product from msi.ReadProductInfo
//	files, err := pt.Files(patch.FileOptions{Target: target, Layout: msi.LayoutAdmin})
//	err = pt.ReadFiles(files, msi.ReadOptions{}, func(f *patch.File, r io.Reader) error { ... })
//
// ApplyAdmin patches an administrative image as msiexec /a does with /p;
// Create makes the patch that takes one package to another.
package patch
