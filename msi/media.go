package msi

import (
	"math"
	"sort"
	"strings"
)

// MergeModuleCabinet is the stream in which a merge module (.msm) keeps
// its files, one cabinet member per File key.
const MergeModuleCabinet = "MergeModule.CABinet"

// Media is one row of the Media table: a disk and, usually, its cabinet.
type Media struct {
	DiskID       int
	LastSequence int
	DiskPrompt   string
	Cabinet      string // as stored: "#name" for an embedded one
	VolumeLabel  string
	Source       string

	module bool // the merge module's cabinet, not a row
}

// Embedded reports a cabinet stored as a stream of the package.
func (m *Media) Embedded() bool { return strings.HasPrefix(m.Cabinet, "#") }

// MergeModule reports the disk MediaList makes up for a merge module:
// its MergeModule.CABinet stream, which holds every file.
func (m *Media) MergeModule() bool { return m.module }

// CabinetName is the cabinet's stream or file name, without the "#".
func (m *Media) CabinetName() string { return strings.TrimPrefix(m.Cabinet, "#") }

// MediaList reads the Media table of a package or a database, ordered by
// LastSequence. For a merge module, which has none, it is one disk: the
// MergeModule.CABinet stream.
func MediaList(src TableReader) ([]*Media, error) {
	t, err := readCells(src, "Media")
	if err != nil {
		return nil, err
	}
	if t == nil {
		if src.HasStream(MergeModuleCabinet) {
			// A merge module has no Media table: every file is in its one
			// cabinet stream, named by File key.
			return []*Media{{DiskID: 1, LastSequence: math.MaxInt32, Cabinet: "#" + MergeModuleCabinet, module: true}}, nil
		}
		return nil, nil
	}
	var out []*Media
	disk, last, prompt := t.col("DiskId"), t.col("LastSequence"), t.col("DiskPrompt")
	cabinet, label, source := t.col("Cabinet"), t.col("VolumeLabel"), t.col("Source")
	for r := range t.rows() {
		out = append(out, &Media{
			DiskID: int(t.cell(r, disk).Int), LastSequence: int(t.cell(r, last).Int), DiskPrompt: t.cell(r, prompt).String(),
			Cabinet: t.cell(r, cabinet).String(), VolumeLabel: t.cell(r, label).String(), Source: t.cell(r, source).String(),
		})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].LastSequence < out[j].LastSequence })
	return out, nil
}

// mediaFor finds the disk whose sequence range holds seq: the first with
// a LastSequence at or above it.
func mediaFor(media []*Media, seq int) *Media {
	i := sort.Search(len(media), func(i int) bool { return media[i].LastSequence >= seq })
	if i < len(media) {
		return media[i]
	}
	return nil
}
