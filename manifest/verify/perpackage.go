package verify

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"

	"github.com/msikit/msikit/container"
	"github.com/msikit/msikit/internal/infile"
	"github.com/msikit/msikit/manifest"
)

// VerifyAll is Verify, except for a folder whose files fit several
// variants equally well when the variant is detected (Options.Variant
// "auto"): a distribution point holding the SP1 and the SP2 package,
// say. Each package, cabinet or download in the folder is then checked
// on its own, against the variant its own files fit, one report each;
// the loose files that are none of these are named in a note of the
// first report, unchecked. Anything else gives Verify's one report.
func VerifyAll(m *manifest.Manifest, path string, o Options) ([]*Report, error) {
	r, err := Verify(m, path, o)
	if err == nil {
		return []*Report{r}, nil
	}
	if !errors.Is(err, manifest.ErrAmbiguous) {
		return nil, err
	}
	st, serr := infile.Stat(path)
	if serr != nil || !st.IsDir() {
		return nil, err
	}
	var containers, loose []string
	werr := filepath.WalkDir(path, func(p string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return err
		}
		if isContainer(p) {
			containers = append(containers, p)
		} else {
			loose = append(loose, relPath(path, p))
		}
		return nil
	})
	if werr != nil || len(containers) < 2 {
		return nil, err
	}
	var reports []*Report
	for _, c := range containers {
		r, cerr := Verify(m, c, o)
		if cerr != nil {
			return nil, fmt.Errorf("%w; checking each package on its own: %w", err, cerr)
		}
		r.Notes = append([]string{fmt.Sprintf("checked on its own: %s holds packages of several variants", path)}, r.Notes...)
		reports = append(reports, r)
	}
	if len(loose) > 0 {
		reports[0].Notes = append(reports[0].Notes, fmt.Sprintf("%d loose files of %s not checked (they belong to no one package): %s", len(loose), path, strings.Join(loose, ", ")))
	}
	return reports, nil
}

// isContainer reports whether the file at p is something Verify opens
// (a package, a cabinet, a download), by content.
func isContainer(p string) bool {
	f, err := infile.Open(p)
	if err != nil {
		return false
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return false
	}
	k, err := container.Detect(f, st.Size())
	return err == nil && k != container.File
}
