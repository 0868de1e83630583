package msi

import (
	"fmt"
	"strings"
)

// AdminDatabase returns the package as an administrative image's copy of
// it, as msiexec /a writes it beside the files it lays out: uncompressed,
// marked as an administrative image, without its embedded cabinets. The
// package must stay open until the database is saved. What differs from
// the package, and nothing else:
//
//   - summary information: word count 4 (administrative image,
//     uncompressed), plus 1 when the source uses short names;
//   - File: the Compressed (0x4000) and Noncompressed (0x2000) attribute
//     bits cleared, so every file is read from the image's tree;
//   - Media: the Cabinet column emptied, as the image holds no cabinets;
//   - streams: the embedded cabinets removed.
func (p *Package) AdminDatabase() (*Database, error) {
	if p.kind != KindDatabase {
		return nil, p.errorf("", fmt.Errorf("%w: an administrative image is made from a database, not a %s", ErrUnsupported, p.kind))
	}
	db, err := p.Database()
	if err != nil {
		return nil, err
	}
	if db.Summary == nil {
		return nil, p.errorf("summary information", fmt.Errorf("%w: the package has none", ErrNotFound))
	}
	wc := db.Summary.WordCountFlags()
	db.Summary.SetWordCountFlags(WordCountFlags{ShortNames: wc.ShortNames, AdminImage: true, ElevatedPrivilegesNotRequired: wc.ElevatedPrivilegesNotRequired})
	if t := db.table("File"); t != nil {
		i := t.Index("Attributes")
		for _, r := range t.Rows {
			if i < 0 || r.Values[i].Kind != Integer {
				continue
			}
			r.Values[i].Int &^= FileAttrCompressed | FileAttrNoncompressed
		}
	}
	if t := db.table("Media"); t != nil {
		i := t.Index("Cabinet")
		for _, r := range t.Rows {
			if i < 0 {
				break
			}
			if name, embedded := strings.CutPrefix(r.Values[i].Str, "#"); embedded {
				if s, ok := p.embeddedStream(name); ok {
					db.DeleteStream(s)
				}
			}
			r.Values[i] = Value{}
		}
	}
	return db, nil
}
