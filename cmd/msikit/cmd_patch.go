package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/msikit/msikit/msi"
	"github.com/msikit/msikit/msi/patch"
	"github.com/msikit/msikit/msi/transform"
	"github.com/spf13/pflag"
)

func init() {
	register(&command{
		name: "patch", summary: "Patches (.msp): describe, list and extract their files, check whether they apply.",
		children: []*command{
			{name: "info", usage: "MSP [--json]", summary: "Describe a patch: code, targets, transforms and their validation, what each changes, metadata, sequencing, cabinets.", setup: setupPatchInfo},
			{name: "files", usage: "MSP [--target BASE] [--json]", summary: "List the files a patch carries under their real names, whole or binary delta (and against which base); with --target, at their place in the target's administrative layout.", setup: setupPatchFiles},
			{name: "extract", usage: "MSP [-o DIR] [--target BASE] [--only GLOB]...", summary: "Extract the files a patch carries under their real names; with --target BASE (a package, an administrative image or a folder of installed files), binary deltas are applied to the files they patch, else reported, never written.", setup: setupPatchExtract},
			{name: "create", usage: "OLD.msi NEW.msi -o PATCH.msp", summary: "Make the patch that updates OLD to NEW: a transform pair, a cabinet of the changed files, the patch tables and summary.", setup: setupPatchCreate},
			{name: "check", usage: "MSP MSI [--json]", summary: "Say whether a patch applies to a package and, if not, why; exit 0 if it applies, 1 if not.", setup: setupPatchCheck},
		},
	})
}

func openPatch(ctx *context, path string) (*patch.Patch, error) {
	pt, err := patch.Open(path, ctx.cabOpts...)
	if err != nil {
		return nil, err
	}
	return pt, nil
}

// openPatches opens the patches at paths; it returns those it opened,
// for closePatches, also when one fails.
func openPatches(ctx *context, paths []string) ([]*patch.Patch, error) {
	var pts []*patch.Patch
	for _, p := range paths {
		pt, err := openPatch(ctx, p)
		if err != nil {
			return pts, err
		}
		pts = append(pts, pt)
	}
	return pts, nil
}

func closePatches(pts []*patch.Patch) {
	for _, pt := range pts {
		pt.Close()
	}
}

// patchReport is the shape of `msikit patch info --json`.
type patchReport struct {
	File           string               `json:"file"`
	PatchCode      string               `json:"patch_code"`
	Title          string               `json:"title"`
	DisplayName    string               `json:"display_name"`
	Classification string               `json:"classification"`
	Targets        []string             `json:"target_product_codes"`
	Obsoletes      []string             `json:"obsoletes"`
	Signed         bool                 `json:"signed"`
	Metadata       []patch.Metadata     `json:"metadata"`
	Sequences      []patchSequenceJSON  `json:"sequences"`
	Cabinets       []string             `json:"cabinets"`
	Transforms     []patchTransformJSON `json:"transforms"`
	Files          []patchFileJSON      `json:"files"`
	Tables         []string             `json:"tables"`
	Supersedes     bool                 `json:"supersedes_earlier"`
}

type patchSequenceJSON struct {
	Family      string `json:"family"`
	ProductCode string `json:"product_code"`
	Sequence    string `json:"sequence"`
	Attributes  int    `json:"attributes"`
	Supersedes  bool   `json:"supersedes_earlier"`
}

type patchTransformJSON struct {
	Name        string            `json:"name"`
	PatchName   string            `json:"patch_name"`
	ProductCode string            `json:"product_code"`
	Version     string            `json:"version"`
	NewVersion  string            `json:"new_version"`
	UpgradeCode string            `json:"upgrade_code"`
	Platform    string            `json:"platform"`
	Languages   []int             `json:"languages"`
	Validation  []string          `json:"validation"`
	CharCount   int32             `json:"char_count"`
	Changes     []tableChangeJSON `json:"changes"`
	Companion   []tableChangeJSON `json:"patch_changes"`
}

type tableChangeJSON struct {
	Table      string   `json:"table"`
	Added      bool     `json:"added"`
	Dropped    bool     `json:"dropped"`
	NewColumns []string `json:"new_columns"`
	Inserted   int      `json:"inserted"`
	Updated    int      `json:"updated"`
	Deleted    int      `json:"deleted"`
	Error      string   `json:"error"`
}

type patchFileJSON struct {
	Transform string `json:"transform"`
	Cabinet   string `json:"cabinet"`
	Key       string `json:"key"`
	Name      string `json:"name"`
	Path      string `json:"path"`
	Size      int64  `json:"size"`
	Stored    int64  `json:"stored_size"`
	Version   string `json:"version"`
	Named     bool   `json:"named"`
	Delta     string `json:"delta"`
	Base      string `json:"base"`
	// DeltaBases are the base files a PA19 delta applies to.
	DeltaBases  []deltaBaseJSON `json:"delta_bases"`
	BaseVersion string          `json:"base_version"`
	deltaText   string
}

type deltaBaseJSON struct {
	Size int64  `json:"size"`
	CRC  string `json:"crc32"`
}

func changesJSON(cs []transform.TableChange) []tableChangeJSON {
	out := []tableChangeJSON{}
	for _, c := range cs {
		j := tableChangeJSON{Table: c.Table, Added: c.Added, Dropped: c.Dropped, NewColumns: []string{}, Inserted: len(c.Inserted), Updated: len(c.Updated), Deleted: len(c.Deleted)}
		for _, col := range c.NewColumns {
			j.NewColumns = append(j.NewColumns, col.Name)
		}
		if c.Err != nil {
			j.Error = c.Err.Error()
		}
		out = append(out, j)
	}
	return out
}

func patchFileToJSON(f *patch.File) patchFileJSON {
	j := patchFileJSON{Transform: f.Transform, Cabinet: f.Cabinet, Key: f.Key, Name: f.LongName, Path: f.Path, Size: f.Size, Version: f.Version, Named: f.Named, Delta: f.DeltaFormat, DeltaBases: []deltaBaseJSON{}}
	if f.Member != nil {
		j.Stored = f.Member.Size
		if !f.Named {
			j.Size = f.Member.Size
		}
	}
	if f.Base != nil {
		j.Base = f.Base.Path
		if f.Delta {
			j.BaseVersion = f.Base.Version
		}
	}
	if h := f.DeltaHeader; h != nil {
		for _, o := range h.Olds {
			j.DeltaBases = append(j.DeltaBases, deltaBaseJSON{o.Size, fmt.Sprintf("%08x", o.CRC)})
		}
		j.deltaText = deltaBases(f)
	}
	return j
}

func buildPatchReport(pt *patch.Patch) (*patchReport, error) {
	r := &patchReport{File: pt.Package().Name(), PatchCode: pt.Code, Title: pt.Summary.Title, DisplayName: pt.DisplayName(),
		Classification: pt.Classification(), Targets: nonNil(pt.Targets), Obsoletes: nonNil(pt.Obsoletes), Signed: pt.Signed,
		Metadata: pt.Metadata, Cabinets: nonNil(pt.Cabinets), Sequences: []patchSequenceJSON{}, Transforms: []patchTransformJSON{}, Files: []patchFileJSON{}}
	if r.Metadata == nil {
		r.Metadata = []patch.Metadata{}
	}
	for _, s := range pt.Sequences {
		r.Sequences = append(r.Sequences, patchSequenceJSON{s.Family, s.ProductCode, s.Sequence, s.Attributes, s.Supersedes()})
		r.Supersedes = r.Supersedes || s.Supersedes()
	}
	tables, err := pt.Package().Tables()
	if err != nil {
		return nil, err
	}
	r.Tables = nonNil(tables)
	for _, t := range pt.Transforms {
		j := patchTransformJSON{Name: t.Name, PatchName: t.PatchName, ProductCode: t.Target.ProductCode, Version: t.Target.Version,
			NewVersion: t.Target.NewVersion, UpgradeCode: t.Target.UpgradeCode, Platform: t.Target.Platform, Languages: t.Target.Languages,
			Validation: nonNil(t.Validation.Names()), CharCount: t.Validation.CharCount(), Changes: changesJSON(t.Transform.Changes()), Companion: []tableChangeJSON{}}
		if t.Companion != nil {
			j.Companion = changesJSON(t.Companion.Changes())
		}
		r.Transforms = append(r.Transforms, j)
	}
	files, err := pt.Files(patch.FileOptions{})
	if err != nil {
		return nil, err
	}
	for _, f := range files {
		r.Files = append(r.Files, patchFileToJSON(f))
	}
	return r, nil
}

// nonNil gives an empty list for nil, so that JSON shows [] rather than
// null: a list field is always a list.
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func setupPatchInfo(fs *pflag.FlagSet) func(*context, []string) error {
	asJSON := fs.Bool("json", false, "print the report as JSON")
	return func(ctx *context, args []string) error {
		if err := needArgs(args, 1, 1); err != nil {
			return err
		}
		pt, err := openPatch(ctx, args[0])
		if err != nil {
			return err
		}
		defer pt.Close()
		r, err := buildPatchReport(pt)
		if err != nil {
			return err
		}
		if *asJSON {
			return writeJSON(ctx.stdout, r)
		}
		return printPatchReport(ctx.stdout, r)
	}
}

func printPatchReport(w io.Writer, r *patchReport) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	row := func(k, format string, a ...any) { fmt.Fprintf(tw, "%s:\t%s\n", k, fmt.Sprintf(format, a...)) }
	row("File", "%s", r.File)
	row("Patch code", "%s", r.PatchCode)
	row("Name", "%s", r.DisplayName)
	if r.Classification != "" {
		row("Classification", "%s", r.Classification)
	}
	row("Targets", "%s", strings.Join(r.Targets, ", "))
	if len(r.Obsoletes) > 0 {
		row("Obsoletes", "%s", strings.Join(r.Obsoletes, ", "))
	}
	sig := "none"
	if r.Signed {
		sig = "present (not checked: msikit signature or info --check-signature checks it)"
	}
	row("Signature", "%s", sig)
	row("Cabinets", "%s", strings.Join(r.Cabinets, ", "))
	for _, m := range r.Metadata {
		k := m.Property
		if m.Company != "" {
			k = m.Company + "/" + m.Property
		}
		row("Metadata "+k, "%s", m.Value)
	}
	for _, s := range r.Sequences {
		sup := ""
		if s.Supersedes {
			sup = " (supersedes earlier)"
		}
		row("Sequence", "family %s %s%s", s.Family, s.Sequence, sup)
	}
	tw.Flush()
	for _, t := range r.Transforms {
		fmt.Fprintf(w, "\nTransform %s (+ %s)\n", t.Name, t.PatchName)
		fmt.Fprintf(w, "  target: product %s version %s -> %s, upgrade code %s, %s %v\n", t.ProductCode, t.Version, t.NewVersion, t.UpgradeCode, t.Platform, t.Languages)
		fmt.Fprintf(w, "  validation: %s\n", strings.Join(t.Validation, "|"))
		for _, c := range t.Changes {
			fmt.Fprintf(w, "  %s\n", describeChange(c))
		}
		for _, c := range t.Companion {
			fmt.Fprintf(w, "  (patch) %s\n", describeChange(c))
		}
	}
	if len(r.Files) > 0 {
		fmt.Fprintln(w, "\nFiles:")
		printPatchFiles(w, r.Files)
	}
	return nil
}

func describeChange(c tableChangeJSON) string {
	s := c.Table + ":"
	switch {
	case c.Added:
		s += " added,"
	case c.Dropped:
		return s + " dropped"
	}
	if c.Error != "" {
		return s + " rows not decoded (" + c.Error + ")"
	}
	s += fmt.Sprintf(" %d inserted, %d updated, %d deleted", c.Inserted, c.Updated, c.Deleted)
	if len(c.NewColumns) > 0 && !c.Added {
		s += ", new columns " + strings.Join(c.NewColumns, ", ")
	}
	return s
}

func printPatchFiles(w io.Writer, files []patchFileJSON) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "TRANSFORM\tCABINET\tKEY\tSIZE\tVERSION\tKIND\tPATH")
	for _, f := range files {
		kind := "whole"
		switch {
		case f.Delta != "":
			kind = "delta " + f.Delta
			if f.Base != "" {
				kind += " of " + f.Base
			}
			if f.BaseVersion != "" {
				kind += " " + f.BaseVersion
			}
			if f.deltaText != "" {
				kind += " (" + f.deltaText + ")"
			}
		case !f.Named:
			kind = "unnamed"
		}
		p := f.Path
		if p == "" {
			p = f.Name
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%s\t%s\t%s\n", f.Transform, f.Cabinet, f.Key, f.Size, f.Version, kind, p)
	}
	tw.Flush()
}

// patchFiles opens the patch and, with a target, the target, and lists
// the patch's files.
//
// target (--target) is a package, an administrative image or a folder of
// installed files (see resolvePatchTarget); base, given to fn, reads the
// base files of deltas from it (nil without a target). targeted tells fn
// that the files have their place in a package's layout.
func patchFiles(ctx *context, mspPath, target string, fn func(pt *patch.Patch, files []*patch.File, base patch.BaseFunc, targeted bool) error) error {
	pt, err := openPatch(ctx, mspPath)
	if err != nil {
		return err
	}
	defer pt.Close()
	t, err := resolvePatchTarget(target)
	if err != nil {
		return err
	}
	o := patch.FileOptions{Layout: msi.LayoutAdmin}
	var base patch.BaseFunc
	switch {
	case t.pkgPath != "":
		tp, err := msi.Open(t.pkgPath)
		if err != nil {
			var pe *os.PathError
			if errors.As(err, &pe) {
				return fmt.Errorf("%s: %v", t.pkgPath, pe.Err)
			}
			return err
		}
		defer tp.Close()
		o.Target = tp
		base = packageBases(tp)
	case t.dir != "":
		base = folderBases(t.dir)
	}
	files, err := pt.Files(o)
	if err != nil {
		return err
	}
	return fn(pt, files, base, o.Target != nil)
}

func setupPatchFiles(fs *pflag.FlagSet) func(*context, []string) error {
	target := fs.String("target", "", "what the patch applies to: a package (.msi), an administrative image or a folder of installed files; files get their place in the package's administrative layout")
	asJSON := fs.Bool("json", false, "print the list as JSON")
	return func(ctx *context, args []string) error {
		if err := needArgs(args, 1, 1); err != nil {
			return err
		}
		return patchFiles(ctx, args[0], *target, func(pt *patch.Patch, files []*patch.File, _ patch.BaseFunc, _ bool) error {
			out := []patchFileJSON{}
			for _, f := range files {
				out = append(out, patchFileToJSON(f))
			}
			if *asJSON {
				return writeJSON(ctx.stdout, out)
			}
			printPatchFiles(ctx.stdout, out)
			return nil
		})
	}
}

func setupPatchCheck(fs *pflag.FlagSet) func(*context, []string) error {
	asJSON := fs.Bool("json", false, "print the answer as JSON")
	return func(ctx *context, args []string) error {
		if err := needArgs(args, 2, 2); err != nil {
			return err
		}
		pt, err := openPatch(ctx, args[0])
		if err != nil {
			return err
		}
		defer pt.Close()
		return withPackage(ctx, args[1], func(p *msi.Package) error {
			pi, err := msi.ReadProductInfo(p)
			if err != nil {
				return err
			}
			a := pt.Check(pi)
			if *asJSON {
				if err := writeJSON(ctx.stdout, checkJSON(pt, p, pi, a)); err != nil {
					return err
				}
			} else {
				printCheck(ctx.stdout, pt, p, pi, a)
			}
			if !a.Applies {
				return exitCodeError{code: exitBad}
			}
			return nil
		})
	}
}

type checkReport struct {
	Patch      string               `json:"patch"`
	Package    string               `json:"package"`
	Applies    bool                 `json:"applies"`
	Reasons    []string             `json:"reasons"`
	Product    msi.ProductInfo      `json:"product"`
	Transforms []transformCheckJSON `json:"transforms"`
}

type transformCheckJSON struct {
	Transform string   `json:"transform"`
	Applies   bool     `json:"applies"`
	Checked   []string `json:"checked"`
	Failed    []string `json:"failed"`
}

func checkJSON(pt *patch.Patch, p *msi.Package, pi msi.ProductInfo, a *patch.Applicability) checkReport {
	r := checkReport{Patch: pt.Package().Name(), Package: p.Name(), Applies: a.Applies, Reasons: nonNil(a.Reasons), Product: pi, Transforms: []transformCheckJSON{}}
	for _, t := range a.Transforms {
		r.Transforms = append(r.Transforms, transformCheckJSON{t.Transform, t.Applies, nonNil(t.Checked), nonNil(t.Failed)})
	}
	return r
}

func printCheck(w io.Writer, pt *patch.Patch, p *msi.Package, pi msi.ProductInfo, a *patch.Applicability) {
	verdict := "applies to"
	if !a.Applies {
		verdict = "does not apply to"
	}
	fmt.Fprintf(w, "%s %s %s (product %s %s, upgrade code %s, language %d, %s)\n", pt.Package().Name(), verdict, p.Name(), pi.ProductCode, pi.ProductVersion, pi.UpgradeCode, pi.Language, pi.Platform)
	for _, r := range a.Reasons {
		fmt.Fprintf(w, "  %s\n", r)
	}
	for _, t := range a.Transforms {
		state := "applies"
		if !t.Applies {
			state = "does not apply: " + strings.Join(t.Failed, "; ")
		}
		fmt.Fprintf(w, "  transform %s %s (checked: %s)\n", t.Transform, state, strings.Join(t.Checked, ", "))
	}
}
