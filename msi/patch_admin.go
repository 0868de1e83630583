package msi

import (
	"strings"

	"github.com/msikit/msikit/cab"
)

// AdminPatching is what Patch.ApplyAdmin did to an administrative image.
type AdminPatching struct {
	// Transforms are the transforms applied, in order.
	Transforms []string
	// Files are the files the patch carries, with their paths in the
	// image: the caller writes them over the image (ReadFiles); deltas
	// among them cannot be written.
	Files []*PatchFile
}

// PatchAdminChanges documents what ApplyAdmin does, following what
// Windows Installer does for msiexec /a PKG /p PATCH.
var PatchAdminChanges = []string{
	"each transform that validates against the image's database is applied to it, in the patch's order, and persists",
	"the companion (#) transforms are read only to find the patched files in the patch's cabinets: they are not applied, so the image gets no patch Media, PatchPackage or Property rows and the patch is not recorded as applied (Windows Installer does the same: an administrative image merges the patch, which loses its identity and cannot be removed)",
	"File rows keep no Compressed/Noncompressed attribute bits, as the image holds every file uncompressed",
}

// ApplyAdmin applies the patch to db, the database of an administrative
// image (see AdminDatabase), as msiexec /a does with /p: the transforms
// that validate against it, in order (ErrNotApplicable when none does).
// The files it returns carry their paths in the image's layout o.
func (pt *Patch) ApplyAdmin(db *Database, o FileOptions, opts ...cab.Option) (*AdminPatching, error) {
	files, applied, err := pt.applyTo(db, "the administrative image", o, opts)
	if err != nil {
		return nil, err
	}
	if t := lookupTable(db, "File"); t != nil {
		if i := t.Index("Attributes"); i >= 0 {
			for _, r := range t.Rows {
				if r.Values[i].Kind == Integer {
					r.Values[i].Int &^= FileAttrCompressed | FileAttrNoncompressed
				}
			}
		}
	}
	return &AdminPatching{Transforms: applied, Files: files}, nil
}

// SortPatches orders patches as Windows Installer sequences them: within
// a patch family (MsiPatchSequence), by increasing sequence; patches that
// share no family keep the order given.
func SortPatches(patches []*Patch) {
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
