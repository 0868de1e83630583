package patch

import (
	"strings"

	"github.com/msikit/msikit/msi"
)

// AdminResult is what ApplyAdmin did with one patch.
type AdminResult struct {
	Patch *Patch
	// Transforms are the transforms applied, in order.
	Transforms []string
	// Files are the files the patch carries that File rows name, with
	// their paths in the image: the caller writes them over the image
	// (Patch.ReadFiles). A delta among them cannot be written.
	Files []*File
}

// ApplyAdmin patches an administrative image as msiexec /a PKG /p
// PATCH... does: db is the image's database (see
// msi.Package.AdminDatabase), patches are applied in sequence order (see
// Sort), and each patch's transforms that validate against the image, in
// order (ErrNotApplicable when none does). After each patch it calls
// each with what it applied and the files to write over the image, laid
// out as o says; an error from each stops it.
//
// What Windows Installer does, and so ApplyAdmin: the transforms persist
// in the image's database; the companion (#) transforms are read only to
// find the patched files in the patch's cabinets and are not applied, so
// the image gets no patch Media, PatchPackage or Property rows and the
// patch is not recorded as applied (an administrative image merges the
// patch, which loses its identity and cannot be removed); File rows keep
// no Compressed or Noncompressed attribute bits, as the image holds every
// file uncompressed.
func ApplyAdmin(db *msi.Database, patches []*Patch, o msi.FileOptions, each func(*AdminResult) error) error {
	patches = append([]*Patch(nil), patches...)
	Sort(patches)
	for _, pt := range patches {
		files, applied, err := pt.applyTo(db, "the administrative image", o)
		if err != nil {
			return err
		}
		if t := lookupTable(db, "File"); t != nil {
			if i := t.Index("Attributes"); i >= 0 {
				for _, r := range t.Rows {
					if r.Values[i].Kind == msi.Integer {
						r.Values[i].Int &^= msi.FileAttrCompressed | msi.FileAttrNoncompressed
					}
				}
			}
		}
		res := &AdminResult{Patch: pt, Transforms: applied}
		for _, f := range files {
			if f.Named {
				res.Files = append(res.Files, f)
			}
		}
		if err := each(res); err != nil {
			return err
		}
	}
	return nil
}

// Sort orders patches as Windows Installer sequences them: within
// a patch family (MsiPatchSequence), by increasing sequence; patches that
// share no family keep the order given.
func Sort(patches []*Patch) {
	// Families order only some pairs, so a comparison sort does not
	// apply: each patch moves before the earliest one it must precede.
	for i := 1; i < len(patches); i++ {
		x, pos := patches[i], i
		for j := i - 1; j >= 0; j-- {
			if familyOrder(x, patches[j]) < 0 {
				pos = j
			}
		}
		copy(patches[pos+1:i+1], patches[pos:i])
		patches[pos] = x
	}
}

// familyOrder compares two patches by the first family they share, 0
// when they share none.
func familyOrder(a, b *Patch) int {
	for _, x := range a.Sequences {
		for _, y := range b.Sequences {
			if strings.EqualFold(x.Family, y.Family) && (x.ProductCode == "" || y.ProductCode == "" || strings.EqualFold(x.ProductCode, y.ProductCode)) {
				return compareVersions(x.Sequence, y.Sequence)
			}
		}
	}
	return 0
}
