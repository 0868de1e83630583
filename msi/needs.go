package msi

import (
	"sort"
	"strings"
)

// Need is one thing a package needs to extract its files: an embedded
// cabinet, an external cabinet, or an uncompressed source file.
type Need struct {
	Kind    string // "embedded cabinet", "external cabinet", "source file"
	Name    string // the stream, the cabinet's path or the file's source path
	DiskID  int    // for cabinets
	Files   int    // how many of the package's files it holds
	Present bool
}

// Needs lists what extracting files requires and whether each is there,
// before any extraction: the cabinets (embedded streams, or files beside
// the package, found case-insensitively) and the uncompressed files of the
// source tree.
func (p *Package) Needs(files []*File) []Need {
	var out []Need
	cabs := map[string]int{}
	for _, f := range files {
		if f.Compressed && f.Media != nil {
			key := strings.ToLower(f.Media.Cabinet)
			i, ok := cabs[key]
			if !ok {
				n := Need{Name: f.Media.CabinetName(), DiskID: f.Media.DiskID, Kind: "external cabinet", Present: p.HasCabinet(f.Media)}
				if f.Media.Embedded() {
					n.Kind = "embedded cabinet"
				}
				i = len(out)
				cabs[key] = i
				out = append(out, n)
			}
			out[i].Files++
			continue
		}
		if !f.Compressed {
			_, err := findRegular(p.source, f.SourcePath)
			out = append(out, Need{Kind: "source file", Name: f.SourcePath, Files: 1, Present: err == nil})
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Kind < out[j].Kind })
	return out
}

// HasCabinet reports whether the cabinet of a Media row is there: the
// stream of an embedded one, the file beside the package of an external
// one, both found ignoring case as Windows finds them.
func (p *Package) HasCabinet(m *Media) bool {
	if m.Cabinet == "" {
		return false
	}
	if m.Embedded() {
		_, ok := p.embeddedStream(m.CabinetName())
		return ok
	}
	rel, err := cabinetPath(m.CabinetName())
	if err != nil {
		return false
	}
	_, err = findRegular(p.source, rel)
	return err == nil
}
