package patch

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/msikit/msikit/cab"
	"github.com/msikit/msikit/internal/oleps"
	"github.com/msikit/msikit/msi"
	"github.com/msikit/msikit/msi/transform"
)

// Patch is an open patch package (.msp): its summary information decoded,
// the transforms it carries, its own tables (MsiPatchMetadata,
// MsiPatchSequence) and its embedded cabinets.
type Patch struct {
	pkg  *msi.Package
	own  bool         // Open opened the package, Close closes it
	opts []cab.Option // for its cabinets

	mu   sync.Mutex
	cabs map[string]*cabinet // the cabinets read, by stream

	Summary *msi.SummaryInfo
	// Code is the patch code, the GUID that starts RevisionNumber.
	Code string
	// Obsoletes lists the patch codes that follow it in RevisionNumber:
	// the patches this one obsoletes (replaces without superseding).
	Obsoletes []string
	// Targets are the product codes listed in Template.
	Targets []string
	// Transforms are the transform pairs, in the order LastSavedBy lists
	// them: the order Windows Installer tries them in.
	Transforms []*Pair
	// Metadata holds the MsiPatchMetadata rows in table order.
	Metadata []Metadata
	// Sequences holds the MsiPatchSequence rows in table order.
	Sequences []Sequence
	// Cabinets names the root streams that are cabinets, sorted: the
	// cabinets the patch's Media rows point to with "#name".
	Cabinets []string
	// Signed tells that a \x05DigitalSignature stream is present; the
	// signature is not verified.
	Signed bool
}

// Pair is one transform pair of a patch: the transform that
// changes the target's tables, and its "#" companion that adds the patch's
// own Media, PatchPackage and Property rows.
type Pair struct {
	// Name is the transform's storage, "RTM.1"; PatchName is its
	// companion's, "#RTM.1" (empty if LastSavedBy lists none).
	Name, PatchName string
	// Summary is the transform's summary information; Target and
	// Validation decode it.
	Summary    *msi.SummaryInfo
	Target     transform.Target
	Validation transform.Validation
	// Transform and Companion are the two transforms, read; Companion is
	// nil when the pair has none.
	Transform, Companion *transform.Transform
}

// Metadata is one MsiPatchMetadata row. Company is empty for the
// standard properties (Classification, DisplayName, Description,
// MoreInfoURL, ManufacturerName, AllowRemoval, CreationTimeUTC, ...).
type Metadata struct {
	Company, Property, Value string
}

// Sequence is one MsiPatchSequence row: where the patch stands in a
// patch family. ProductCode is empty for a row that applies to every
// target.
type Sequence struct {
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
func (s Sequence) Supersedes() bool { return s.Attributes&SupersedeEarlier != 0 }

// maxPatchTransforms bounds the transform list: Template and LastSavedBy
// are strings of a few kilobytes at most, and a patch with hundreds of
// targets is already unusual.
const maxPatchTransforms = 4096

// Open opens the patch package at path; its cabinets are read with opts.
// Close closes it.
func Open(path string, opts ...cab.Option) (*Patch, error) {
	p, err := msi.Open(path)
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			return nil, &msi.Error{File: filepath.Base(path), Err: pe.Err}
		}
		return nil, err
	}
	pt, err := New(p, opts...)
	if err != nil {
		p.Close()
		return nil, err
	}
	pt.own = true
	return pt, nil
}

// Close releases the cabinets the patch has read and closes the package
// Open opened (for a Patch from New, the package stays open).
func (pt *Patch) Close() error {
	pt.closeCabinets()
	if pt.own {
		return pt.pkg.Close()
	}
	return nil
}

// Package is the package the patch is read from.
func (pt *Patch) Package() *msi.Package { return pt.pkg }

// New reads the package p as a patch. A database or a transform gets
// ErrNotPatch; a transform listed but missing, or whose summary
// information is damaged, gets msi.ErrFormat. Close releases what the
// patch reads; p stays open. Its cabinets are read with opts.
func New(p *msi.Package, opts ...cab.Option) (*Patch, error) {
	if p.Kind() != msi.KindPatch {
		return nil, pkgError(p, "", fmt.Errorf("%w: the package is a %s", ErrNotPatch, p.Kind()))
	}
	s, err := p.SummaryInfo()
	if err != nil {
		return nil, err
	}
	pt := &Patch{pkg: p, opts: opts, Summary: s, Code: s.PackageCode(), Obsoletes: obsoletes(s)}
	pt.Targets, _ = SummaryLists(s)
	if pt.Code == "" {
		return nil, pkgError(p, "summary information", formatErr("the revision number %q does not start with a patch code", truncate(s.RevisionNumber, 80)))
	}
	if pt.Transforms, err = readPairs(p, s.LastSavedBy); err != nil {
		return nil, err
	}
	if pt.Metadata, err = readMetadata(p); err != nil {
		return nil, err
	}
	if pt.Sequences, err = readSequences(p); err != nil {
		return nil, err
	}
	pt.Signed = p.HasStream(msi.DigitalSignatureStream)
	for _, st := range p.Streams() {
		if isCabinetStream(p, st.Name) {
			pt.Cabinets = append(pt.Cabinets, st.Name)
		}
	}
	return pt, nil
}

// parsePairs splits a patch's LastSavedBy (":RTM.1;:#RTM.1;...") into
// transform pairs, in order: each transform with its "#" companion. An
// entry that is not ":name", a companion without its transform, or a name
// listed twice is an error.
func parsePairs(list string) (names, patchNames []string, err error) {
	entries := splitList(list, ";")
	if len(entries) > maxPatchTransforms {
		return nil, nil, fmt.Errorf("%w: %d transforms listed (at most %d)", msi.ErrFormat, len(entries), maxPatchTransforms)
	}
	index := map[string]int{}
	var companions []string
	for _, e := range entries {
		name, ok := strings.CutPrefix(e, ":")
		if !ok || name == "" || name == "#" {
			return nil, nil, fmt.Errorf("%w: transform entry %q is not \":storage\"", msi.ErrFormat, truncate(e, 80))
		}
		if strings.HasPrefix(name, "#") {
			companions = append(companions, name)
			continue
		}
		if _, dup := index[name]; dup {
			return nil, nil, fmt.Errorf("%w: transform %q listed twice", msi.ErrFormat, truncate(name, 80))
		}
		index[name] = len(names)
		names = append(names, name)
	}
	patchNames = make([]string, len(names))
	for _, c := range companions {
		i, ok := index[c[1:]]
		if !ok {
			return nil, nil, fmt.Errorf("%w: patch transform %q has no transform %q", msi.ErrFormat, truncate(c, 80), truncate(c[1:], 80))
		}
		if patchNames[i] != "" {
			return nil, nil, fmt.Errorf("%w: patch transform %q listed twice", msi.ErrFormat, truncate(c, 80))
		}
		patchNames[i] = c
	}
	return names, patchNames, nil
}

func readPairs(p *msi.Package, list string) ([]*Pair, error) {
	names, patchNames, err := parsePairs(list)
	if err != nil {
		return nil, pkgError(p, "summary information", err)
	}
	storages := map[string]bool{}
	for _, st := range p.Storages() {
		storages[st.Name] = true
	}
	var out []*Pair
	for i, n := range names {
		t := &Pair{Name: n, PatchName: patchNames[i]}
		for _, st := range []string{n, patchNames[i]} {
			if st == "" {
				continue
			}
			if !storages[st] {
				return nil, pkgError(p, "transform "+quoteName(st), fmt.Errorf("%w: listed in the summary information but no such storage", msi.ErrFormat))
			}
		}
		b, err := p.ReadStream(n + "/" + msi.SummaryStream)
		if err != nil {
			return nil, pkgError(p, "transform "+quoteName(n), fmt.Errorf("%w: no summary information", msi.ErrFormat))
		}
		if t.Summary, err = msi.ParseSummaryInfo(b); err != nil {
			return nil, pkgError(p, "transform "+quoteName(n)+": summary information", err)
		}
		if t.Transform, err = transform.FromStorage(p, n); err != nil {
			return nil, err
		}
		if t.PatchName != "" {
			if t.Companion, err = transform.FromStorage(p, t.PatchName); err != nil {
				return nil, err
			}
		}
		t.Target = transform.TargetOf(t.Summary)
		t.Validation = transform.ValidationOf(t.Summary)
		out = append(out, t)
	}
	return out, nil
}

func readMetadata(p *msi.Package) ([]Metadata, error) {
	t, err := optionalTable(p, "MsiPatchMetadata")
	if err != nil || t == nil {
		return nil, err
	}
	out := make([]Metadata, 0, len(t.Rows))
	for _, r := range t.Rows {
		out = append(out, Metadata{Company: r.String("Company"), Property: r.String("Property"), Value: r.String("Value")})
	}
	return out, nil
}

func readSequences(p *msi.Package) ([]Sequence, error) {
	t, err := optionalTable(p, "MsiPatchSequence")
	if err != nil || t == nil {
		return nil, err
	}
	out := make([]Sequence, 0, len(t.Rows))
	for _, r := range t.Rows {
		a := r.Int("Attributes")
		out = append(out, Sequence{Family: r.String("PatchFamily"), ProductCode: r.String("ProductCode"), Sequence: r.String("Sequence"), Attributes: int(a)})
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
func isCabinetStream(p *msi.Package, name string) bool {
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

// SummaryLists decodes what a patch's summary information lists: the
// product codes it applies to (Template) and the transforms it carries
// (LastSavedBy), as listed: ":Name" is a transform's storage, ":#Name"
// its companion's.
func SummaryLists(s *msi.SummaryInfo) (targets, transforms []string) {
	return splitList(s.Template, ";"), splitList(s.LastSavedBy, ";")
}

// obsoletes returns the patch codes that follow the patch code in a
// patch's RevisionNumber: the patches it obsoletes.
func obsoletes(s *msi.SummaryInfo) []string {
	if s.PackageCode() == "" {
		return nil
	}
	var out []string
	rest := s.RevisionNumber[guidLen:]
	for len(rest) >= guidLen && isGUID(rest[:guidLen]) {
		out = append(out, rest[:guidLen])
		rest = strings.TrimLeft(rest[guidLen:], ";")
	}
	return out
}

// guidLen is the length of a GUID in braces, "{XXXXXXXX-XXXX-...}".
const guidLen = 38

func isGUID(s string) bool {
	if len(s) != guidLen || s[0] != '{' || s[guidLen-1] != '}' {
		return false
	}
	_, err := oleps.ParseGUID(s)
	return err == nil
}
