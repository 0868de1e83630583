package verify

import (
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/msikit/msikit/authenticode"
	"github.com/msikit/msikit/cab"
	"github.com/msikit/msikit/internal/infile"
	"github.com/msikit/msikit/manifest"
	"github.com/msikit/msikit/msi"
)

// Sentinel errors, for errors.Is.
var (
	// ErrSource means a path given to Verify is neither a folder, nor a
	// package, nor a cabinet, or cannot be read as one.
	ErrSource = errors.New("not a package, cabinet or folder")
	// ErrVariant means no variant could be chosen: the name given is not
	// in the manifest, or detection found none or several (the error then
	// also wraps manifest.ErrNoMatch or manifest.ErrAmbiguous).
	ErrVariant = errors.New("cannot choose the variant")
	// ErrDamaged means a package or cabinet could not be read because it
	// is damaged: truncated, or its tables, streams or headers broken.
	// Such an error given for the source also matches ErrSource.
	ErrDamaged = errors.New("damaged")
)

// sourceError says why a package or cabinet could not be read, naming it
// as given.
type sourceError struct {
	path, kind string
	damaged    bool
	err        error
}

func newSourceError(path, kind string, err error) *sourceError {
	damaged := false
	for _, e := range []error{msi.ErrFormat, msi.ErrSummaryInfo, cab.ErrFormat, cab.ErrNoCabinet, cab.ErrCorrupt,
		cab.ErrChecksum, cab.ErrTruncated, cab.ErrMissingPart, io.ErrUnexpectedEOF} {
		if errors.Is(err, e) {
			damaged = true
		}
	}
	return &sourceError{path: path, kind: kind, damaged: damaged, err: err}
}

func (e *sourceError) Error() string {
	if e.damaged {
		return fmt.Sprintf("%s: damaged %s: %v", e.path, e.kind, e.err)
	}
	return fmt.Sprintf("%s: cannot be read as a %s: %v", e.path, e.kind, e.err)
}

func (e *sourceError) Unwrap() error { return e.err }

func (e *sourceError) Is(target error) bool {
	return target == ErrSource || target == ErrDamaged && e.damaged
}

// Auto is the Options.Variant that asks for the variant to be detected
// from the files' versions (manifest.DetectVariant).
const Auto = "auto"

// Options tunes Verify.
type Options struct {
	// Variant names the variant to check against, or is Auto (or empty)
	// to detect it; a manifest of one variant needs no name.
	Variant string
	// Workers bounds how many files and packages are read at once; 0
	// means runtime.GOMAXPROCS.
	Workers int
	// AllowExtra lists files that match no entry without failing.
	AllowExtra bool
	// Location is the zone whose wall-clock time a loose file's
	// modification time is read in, to compare with the manifest's UTC
	// times; nil means time.Local, which is how extractors write a
	// cabinet's zoneless times. time.UTC reads modification times as
	// they are.
	Location *time.Location
	// StrictDates fails the dates of loose files even when their
	// modification times are evidently those of an extraction that did
	// not keep the cabinet's dates (see the package documentation).
	StrictDates bool
	// Password gives the password of an encrypted archive (a hotfix
	// download) found as the source or in it, as container.Options has
	// it.
	Password func(archive string) ([]byte, error)
	// Progress, if set, is called after each file or package read with
	// the bytes read so far and in all (of the source's files, as stored).
	// Calls do not overlap.
	Progress func(done, total int64)
	// Signatures checks the Authenticode signature of each package (the
	// source, or each package of a folder) into Report.Signatures; Trust
	// says which roots to trust (nil: the system's).
	Signatures bool
	Trust      *authenticode.Options
}

// Verify checks the package, cabinet or folder at path against m. The
// error is for what prevents a verification (an unreadable path, a
// variant that cannot be chosen); mismatches are in the Report.
func Verify(m *manifest.Manifest, path string, o Options) (*Report, error) {
	if len(m.Variants) == 0 {
		return nil, fmt.Errorf("%w: manifest %s has no variants", ErrVariant, m.Name)
	}
	if o.Workers <= 0 {
		o.Workers = runtime.GOMAXPROCS(0)
	}
	if o.Location == nil {
		o.Location = time.Local
	}
	var fixed *manifest.Variant
	if o.Variant != "" && !strings.EqualFold(o.Variant, Auto) {
		v, err := m.Variant(o.Variant)
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrVariant, err)
		}
		fixed = v
	} else if len(m.Variants) == 1 {
		fixed = &m.Variants[0]
	}
	st, err := infile.Stat(path)
	if err != nil {
		return nil, err
	}
	c := &collector{opts: o, names: entryNames(m), sha: wantsSHA256(m, fixed), required: m.Signed}
	r := &Report{Manifest: m.Name, Source: path}
	if st.IsDir() {
		r.Kind = KindFolder
		err = c.folder(path)
	} else {
		r.Kind, err = c.single(path, st.Size())
	}
	if err != nil {
		return nil, err
	}
	r.Notes, r.Signatures = c.notes, c.sigs
	v := fixed
	if v == nil {
		facts := make([]manifest.Fact, 0, len(c.files))
		for _, f := range c.files {
			facts = append(facts, manifest.Fact{Name: f.Name, Version: f.Version, Platform: f.Platform})
		}
		name, scores, err := manifest.DetectVariant(m, facts)
		if err != nil {
			err = fmt.Errorf("%w for %s: %w (%s)", ErrVariant, path, err, scoreText(scores))
			if len(c.unopened) > 0 {
				// The facts a damaged package would have given are
				// missing: say so, rather than only that none match.
				err = fmt.Errorf("%w; %d of its packages and cabinets could not be read: %w", err, len(c.unopened), errors.Join(c.unopened...))
			}
			return nil, err
		}
		if v, err = m.Variant(name); err != nil {
			return nil, err
		}
		r.Detected, r.Scores = true, scores
	}
	r.Variant = v.Name
	r.Results, r.Extra = match(v, c.files)
	r.AllowExtra = o.AllowExtra
	if !o.StrictDates {
		excuseExtractionDates(r, v)
	}
	return r, nil
}

func scoreText(scores []manifest.Score) string {
	s := make([]string, len(scores))
	for i, sc := range scores {
		s[i] = fmt.Sprintf("%s: %d exact, %d same build", sc.Variant, sc.Exact, sc.Build)
	}
	return strings.Join(s, "; ")
}

// entryNames is every entry name of every variant, lower-cased: a package
// in a folder with one of these names is a file to check, not a container.
func entryNames(m *manifest.Manifest) map[string]bool {
	names := map[string]bool{}
	for _, v := range m.Variants {
		for _, e := range v.Entries {
			names[strings.ToLower(e.Name)] = true
		}
	}
	return names
}

// wantsSHA256 reports whether any entry that may be checked has a
// SHA-256; MD5s are always computed, for MsiFileHash.
func wantsSHA256(m *manifest.Manifest, v *manifest.Variant) bool {
	vs := m.Variants
	if v != nil {
		vs = []manifest.Variant{*v}
	}
	for _, v := range vs {
		for _, e := range v.Entries {
			if e.SHA256 != "" {
				return true
			}
		}
	}
	return false
}

// relPath is p relative to root, slash-separated.
func relPath(root, p string) string {
	r, err := filepath.Rel(root, p)
	if err != nil {
		return filepath.ToSlash(p)
	}
	return filepath.ToSlash(r)
}
