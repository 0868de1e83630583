package msi

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// ErrNotPatch means a package given as a patch is a database or a
// transform.
var ErrNotPatch = errors.New("not a patch")

// Patch is an open patch package (.msp): its summary information decoded,
// the transforms it carries, its own tables (MsiPatchMetadata,
// MsiPatchSequence) and its embedded cabinets.
type Patch struct {
	pkg *Package
	own bool // OpenPatch opened the package, Close closes it

	Summary *SummaryInfo
	// Code is the patch code, the GUID that starts RevisionNumber.
	Code string
	// Obsoletes lists the patch codes that follow it in RevisionNumber:
	// the patches this one obsoletes (replaces without superseding).
	Obsoletes []string
	// Targets are the product codes listed in Template.
	Targets []string
	// Transforms are the transform pairs, in the order LastSavedBy lists
	// them: the order Windows Installer tries them in.
	Transforms []*PatchTransform
	// Metadata holds the MsiPatchMetadata rows in table order.
	Metadata []PatchMetadata
	// Sequences holds the MsiPatchSequence rows in table order.
	Sequences []PatchSequence
	// Cabinets names the root streams that are cabinets, sorted: the
	// cabinets the patch's Media rows point to with "#name".
	Cabinets []string
	// Signed tells that a \x05DigitalSignature stream is present; the
	// signature is not verified.
	Signed bool
}

// PatchTransform is one transform pair of a patch: the transform that
// changes the target's tables, and its "#" companion that adds the patch's
// own Media, PatchPackage and Property rows.
type PatchTransform struct {
	// Name is the transform's storage, "RTM.1"; PatchName is its
	// companion's, "#RTM.1" (empty if LastSavedBy lists none).
	Name, PatchName string
	// Summary is the transform's summary information; Target and
	// Validation decode it.
	Summary    *SummaryInfo
	Target     TransformTarget
	Validation TransformValidation
	// Transform and Companion are the two transforms, read; Companion is
	// nil when the pair has none.
	Transform, Companion *Transform
}

// TransformTarget is what a transform's summary information says about
// the package it applies to and the package it makes.
type TransformTarget struct {
	ProductCode string // the base package's product code
	Version     string // the base package's ProductVersion
	Platform    string // the base package's platform, from Template
	Languages   []int  // the base package's languages, from Template
	UpgradeCode string

	NewProductCode string
	NewVersion     string
	NewPlatform    string
	NewLanguages   []int
}

// PatchMetadata is one MsiPatchMetadata row. Company is empty for the
// standard properties (Classification, DisplayName, Description,
// MoreInfoURL, ManufacturerName, AllowRemoval, CreationTimeUTC, ...).
type PatchMetadata struct {
	Company, Property, Value string
}

// PatchSequence is one MsiPatchSequence row: where the patch stands in a
// patch family. ProductCode is empty for a row that applies to every
// target.
type PatchSequence struct {
	Family      string
	ProductCode string
	Sequence    string
	Attributes  int
}

// SupersedeEarlier is msidbPatchSequenceSupersedeEarlier: the patch
// supersedes the earlier patches of its family.
const SupersedeEarlier = 0x1

// Supersedes reports whether the row supersedes earlier patches of its
// family.
func (s PatchSequence) Supersedes() bool { return s.Attributes&SupersedeEarlier != 0 }

// maxPatchTransforms bounds the transform list: Template and LastSavedBy
// are strings of a few kilobytes at most, and a patch with hundreds of
// targets is already unusual.
const maxPatchTransforms = 4096

// OpenPatch opens the patch package at path. Close closes it.
func OpenPatch(path string) (*Patch, error) {
	p, err := Open(path)
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			return nil, &Error{File: filepath.Base(path), Err: pe.Err}
		}
		return nil, err
	}
	pt, err := p.Patch()
	if err != nil {
		p.Close()
		return nil, err
	}
	pt.own = true
	return pt, nil
}

// Close closes the package OpenPatch opened; for a Patch from
// Package.Patch it does nothing.
func (pt *Patch) Close() error {
	if pt.own {
		return pt.pkg.Close()
	}
	return nil
}

// Package is the package the patch is read from.
func (pt *Patch) Package() *Package { return pt.pkg }

// Patch reads the package as a patch. A database or a transform gets
// ErrNotPatch; a transform listed but missing, or whose summary
// information is damaged, gets ErrFormat.
func (p *Package) Patch() (*Patch, error) {
	if p.kind != KindPatch {
		return nil, p.errorf("", fmt.Errorf("%w: the package is a %s", ErrNotPatch, p.kind))
	}
	s, err := p.SummaryInfo()
	if err != nil {
		return nil, err
	}
	pt := &Patch{pkg: p, Summary: s, Code: s.PatchCode(), Obsoletes: s.ObsoletedPatchCodes(), Targets: s.TargetProductCodes()}
	if pt.Code == "" {
		return nil, p.errorf("summary information", formatErr("the revision number %q does not start with a patch code", truncate(s.RevisionNumber, 80)))
	}
	if pt.Transforms, err = p.patchTransforms(s.LastSavedBy); err != nil {
		return nil, err
	}
	if pt.Metadata, err = p.patchMetadata(); err != nil {
		return nil, err
	}
	if pt.Sequences, err = p.patchSequences(); err != nil {
		return nil, err
	}
	pt.Signed = p.HasStream("\x05DigitalSignature")
	for _, st := range p.Streams() {
		if p.isCabinetStream(st.Name) {
			pt.Cabinets = append(pt.Cabinets, st.Name)
		}
	}
	return pt, nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}

// ParsePatchTransforms splits a patch's LastSavedBy (":RTM.1;:#RTM.1;...")
// into transform pairs, in order: each transform with its "#" companion.
// An entry that is not ":name", a companion without its transform, or a
// name listed twice is an error.
func ParsePatchTransforms(list string) (names, patchNames []string, err error) {
	entries := splitList(list, ";")
	if len(entries) > maxPatchTransforms {
		return nil, nil, fmt.Errorf("%w: %d transforms listed (at most %d)", ErrFormat, len(entries), maxPatchTransforms)
	}
	index := map[string]int{}
	var companions []string
	for _, e := range entries {
		name, ok := strings.CutPrefix(e, ":")
		if !ok || name == "" || name == "#" {
			return nil, nil, fmt.Errorf("%w: transform entry %q is not \":storage\"", ErrFormat, truncate(e, 80))
		}
		if strings.HasPrefix(name, "#") {
			companions = append(companions, name)
			continue
		}
		if _, dup := index[name]; dup {
			return nil, nil, fmt.Errorf("%w: transform %q listed twice", ErrFormat, truncate(name, 80))
		}
		index[name] = len(names)
		names = append(names, name)
	}
	patchNames = make([]string, len(names))
	for _, c := range companions {
		i, ok := index[c[1:]]
		if !ok {
			return nil, nil, fmt.Errorf("%w: patch transform %q has no transform %q", ErrFormat, truncate(c, 80), truncate(c[1:], 80))
		}
		if patchNames[i] != "" {
			return nil, nil, fmt.Errorf("%w: patch transform %q listed twice", ErrFormat, truncate(c, 80))
		}
		patchNames[i] = c
	}
	return names, patchNames, nil
}

func (p *Package) patchTransforms(list string) ([]*PatchTransform, error) {
	names, patchNames, err := ParsePatchTransforms(list)
	if err != nil {
		return nil, p.errorf("summary information", err)
	}
	var out []*PatchTransform
	for i, n := range names {
		t := &PatchTransform{Name: n, PatchName: patchNames[i]}
		for _, st := range []string{n, patchNames[i]} {
			if st == "" {
				continue
			}
			if e, ok := p.byPath[st]; !ok || !e.isDir {
				return nil, p.errorf("transform "+quoteName(st), fmt.Errorf("%w: listed in the summary information but no such storage", ErrFormat))
			}
		}
		b, err := p.ReadStream(n + "/" + summaryStream)
		if err != nil {
			return nil, p.errorf("transform "+quoteName(n), fmt.Errorf("%w: no summary information", ErrFormat))
		}
		if t.Summary, err = ParseSummaryInfo(b); err != nil {
			return nil, p.errorf("transform "+quoteName(n)+": summary information", err)
		}
		if t.Transform, err = p.StorageTransform(n); err != nil {
			return nil, err
		}
		if t.PatchName != "" {
			if t.Companion, err = p.StorageTransform(t.PatchName); err != nil {
				return nil, err
			}
		}
		t.Target = targetOf(t.Summary)
		t.Validation = ValidationOf(t.Summary.CharCount)
		out = append(out, t)
	}
	return out, nil
}

func targetOf(s *SummaryInfo) TransformTarget {
	r := s.TransformRevision()
	t := TransformTarget{
		ProductCode: r.OldProductCode, Version: r.OldVersion, UpgradeCode: r.UpgradeCode,
		NewProductCode: r.NewProductCode, NewVersion: r.NewVersion,
		Languages: s.Languages(), NewLanguages: s.NewLanguages(),
	}
	if pl := s.Platforms(); len(pl) > 0 {
		t.Platform = pl[0]
	}
	if pl := s.NewPlatforms(); len(pl) > 0 {
		t.NewPlatform = pl[0]
	}
	return t
}

func (p *Package) patchMetadata() ([]PatchMetadata, error) {
	t, err := p.optionalTable("MsiPatchMetadata")
	if err != nil || t == nil {
		return nil, err
	}
	out := make([]PatchMetadata, 0, len(t.Rows))
	for _, r := range t.Rows {
		out = append(out, PatchMetadata{Company: r.String("Company"), Property: r.String("Property"), Value: r.String("Value")})
	}
	return out, nil
}

func (p *Package) patchSequences() ([]PatchSequence, error) {
	t, err := p.optionalTable("MsiPatchSequence")
	if err != nil || t == nil {
		return nil, err
	}
	out := make([]PatchSequence, 0, len(t.Rows))
	for _, r := range t.Rows {
		a, _ := r.Int("Attributes")
		out = append(out, PatchSequence{Family: r.String("PatchFamily"), ProductCode: r.String("ProductCode"), Sequence: r.String("Sequence"), Attributes: int(a)})
	}
	return out, nil
}

// MetadataValue returns the value of a standard MsiPatchMetadata property
// (one with no Company), or "".
func (pt *Patch) MetadataValue(property string) string {
	for _, m := range pt.Metadata {
		if m.Company == "" && m.Property == property {
			return m.Value
		}
	}
	return ""
}

// Classification is the patch's MsiPatchMetadata Classification:
// "Hotfix", "Security Rollup", "Critical Update", "Update", "Service
// Pack", "Update Rollup", or "" when not given.
func (pt *Patch) Classification() string { return pt.MetadataValue("Classification") }

// DisplayName is the patch's name from MsiPatchMetadata, or its summary
// Title when the table does not give one.
func (pt *Patch) DisplayName() string {
	if n := pt.MetadataValue("DisplayName"); n != "" {
		return n
	}
	return pt.Summary.Title
}

// isCabinetStream reports whether a root stream starts as a cabinet does.
func (p *Package) isCabinetStream(name string) bool {
	r, size, err := p.OpenStream(name)
	if err != nil || size < 4 {
		return false
	}
	var sig [4]byte
	if _, err := io.ReadFull(r, sig[:]); err != nil {
		return false
	}
	return string(sig[:]) == "MSCF"
}
