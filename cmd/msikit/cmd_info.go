package main

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/msikit/msikit/authenticode"
	"github.com/msikit/msikit/msi"
	"github.com/msikit/msikit/msi/patch"
	"github.com/msikit/msikit/msi/transform"
	"github.com/spf13/pflag"
)

func init() {
	register(&command{
		name: "info", usage: "PKG...", summary: "Describe packages: kind, summary information, contents, media, signature.",
		setup: func(fs *pflag.FlagSet) func(*context, []string) error {
			asJSON := fs.Bool("json", false, "print the report as JSON")
			check := fs.Bool("check-signature", false, "verify the Authenticode signature, as msikit signature does (it reads the whole package)")
			rootFiles := fs.StringArray("roots", nil, "with --check-signature: also trust the PEM certificates of this file (repeatable)")
			return func(ctx *context, args []string) error {
				if err := needArgs(args, 1, -1); err != nil {
					return err
				}
				var trust *authenticode.Options
				if *check {
					var err error
					if trust, err = trustOptions(*rootFiles, false); err != nil {
						return err
					}
				}
				return eachInput(ctx, args, *asJSON, false, "", func(ctx *context, name string) (v any, err error) {
					err = withPackage(ctx, name, func(p *msi.Package) error {
						rep, err := buildInfo(p)
						if err != nil {
							return err
						}
						if trust != nil && rep.Signature {
							j, err := checkSignature(name, trust)
							if err != nil {
								return err
							}
							rep.Check = &j
						}
						if *asJSON {
							v = rep
							return nil
						}
						return printInfo(ctx.stdout, rep)
					})
					return v, err
				})
			}
		},
	})
}

// infoReport is the shape of `msikit info --json`. Fields are stable;
// new ones may be added.
type infoReport struct {
	File     string       `json:"file"`
	Size     int64        `json:"size"`
	Kind     string       `json:"kind"` // database, patch, transform, unknown
	CLSID    string       `json:"clsid"`
	Codepage int          `json:"codepage"` // of the database's strings
	Summary  *summaryJSON `json:"summary"`  // null when the package has none
	// Counts are NOUN_count, lists NOUNs. tables, streams and files are
	// the counts' first names, kept for compatibility.
	TableCount   int         `json:"table_count"`
	StreamCount  int         `json:"stream_count"`
	StorageCount int         `json:"storage_count"`
	FileCount    int         `json:"file_count"`
	Tables       int         `json:"tables"`
	Streams      int         `json:"streams"`
	Storages     []string    `json:"storages"`
	Files        int         `json:"files"`
	Media        []mediaJSON `json:"media"`
	Signature    bool        `json:"signed"` // a \x05DigitalSignature stream is present
	// Check is the signature's verification (msikit signature's object),
	// with --check-signature.
	Check *signatureJSON `json:"signature"`
}

type summaryJSON struct {
	Codepage       int        `json:"codepage"`
	Title          string     `json:"title"`
	Subject        string     `json:"subject"`
	Author         string     `json:"author"`
	Keywords       string     `json:"keywords"`
	Comments       string     `json:"comments"`
	Template       string     `json:"template"`
	Platforms      []string   `json:"platforms"`
	Languages      []int      `json:"languages"`
	LastSavedBy    string     `json:"last_saved_by"`
	RevisionNumber string     `json:"revision_number"`
	LastPrinted    *time.Time `json:"last_printed"`
	Created        *time.Time `json:"created"`
	LastSaved      *time.Time `json:"last_saved"`
	PageCount      int32      `json:"page_count"`
	WordCount      int32      `json:"word_count"`
	WordCountFlags *wordJSON  `json:"word_count_flags"`
	CharCount      int32      `json:"char_count"`
	AppName        string     `json:"creating_application"`
	Security       int32      `json:"security"`
	// patches
	PatchCode          string   `json:"patch_code"`
	TargetProductCodes []string `json:"target_product_codes"`
	Transforms         []string `json:"transforms"`
	// transforms
	ValidationFlags []string `json:"validation_flags"`
}

type wordJSON struct {
	ShortNames                    bool `json:"short_names"`
	Compressed                    bool `json:"compressed"`
	AdminImage                    bool `json:"administrative_image"`
	ElevatedPrivilegesNotRequired bool `json:"elevated_privileges_not_required"`
}

type mediaJSON struct {
	DiskID       int32  `json:"disk_id"`
	LastSequence int32  `json:"last_sequence"`
	Cabinet      string `json:"cabinet"`
	Embedded     bool   `json:"embedded"`
	Present      *bool  `json:"present"`      // embedded cabinets only: whether the stream exists (null for others)
	MergeModule  bool   `json:"merge_module"` // a merge module's MergeModule.CABinet, which holds every file
	VolumeLabel  string `json:"volume_label"`
	DiskPrompt   string `json:"disk_prompt"`
}

func buildInfo(p *msi.Package) (*infoReport, error) {
	rep := &infoReport{File: p.Name(), Size: p.Size(), Kind: p.Kind().String(), CLSID: p.CLSID(), Storages: []string{}, Media: []mediaJSON{}}
	cp, err := p.Codepage()
	if err != nil {
		return nil, err
	}
	rep.Codepage = cp
	if s, err := p.SummaryInfo(); err == nil {
		rep.Summary = summaryOf(p.Kind(), s)
	} else if !errors.Is(err, msi.ErrNotFound) {
		return nil, err
	}
	tables, err := tableNames(p)
	if err != nil {
		return nil, err
	}
	rep.Tables = len(tables)
	rep.Streams = len(p.Streams())
	rep.TableCount, rep.StreamCount = rep.Tables, rep.Streams
	for _, s := range p.Storages() {
		rep.Storages = append(rep.Storages, s.Name)
	}
	rep.Signature = p.HasStream(msi.DigitalSignatureStream)
	if p.HasTable("File") {
		t, err := p.Table("File")
		if err != nil {
			return nil, err
		}
		rep.Files = len(t.Rows)
	}
	rep.FileCount, rep.StorageCount = rep.Files, len(rep.Storages)
	media, err := msi.MediaList(p)
	if err != nil {
		return nil, err
	}
	for _, md := range media {
		m := mediaJSON{DiskID: int32(md.DiskID), LastSequence: int32(md.LastSequence), Cabinet: md.Cabinet, VolumeLabel: md.VolumeLabel, DiskPrompt: md.DiskPrompt, Embedded: md.Embedded(), MergeModule: md.MergeModule()}
		if m.Embedded {
			present := p.HasCabinet(md)
			m.Present = &present
		}
		rep.Media = append(rep.Media, m)
	}
	return rep, nil
}

func timePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	t = t.UTC()
	return &t
}

func summaryOf(kind msi.Kind, s *msi.SummaryInfo) *summaryJSON {
	j := &summaryJSON{
		Codepage: s.Codepage, Title: s.Title, Subject: s.Subject, Author: s.Author, Keywords: s.Keywords,
		Comments: s.Comments, Template: s.Template, LastSavedBy: s.LastSavedBy, RevisionNumber: s.RevisionNumber,
		LastPrinted: timePtr(s.LastPrinted), Created: timePtr(s.Created), LastSaved: timePtr(s.LastSaved),
		PageCount: s.PageCount, WordCount: s.WordCount, CharCount: s.CharCount, AppName: s.AppName, Security: s.Security,
	}
	switch kind {
	case msi.KindPatch:
		j.PatchCode = s.PackageCode()
		j.TargetProductCodes, j.Transforms = patch.SummaryLists(s)
	case msi.KindTransform:
		j.Platforms, j.Languages = s.Platforms(), s.Languages()
		j.ValidationFlags = transform.ValidationOf(s).Names() // upper word: validation, lower: ignored errors
	default:
		j.Platforms, j.Languages = s.Platforms(), s.Languages()
		f := s.WordCountFlags()
		j.WordCountFlags = &wordJSON{f.ShortNames, f.Compressed, f.AdminImage, f.ElevatedPrivilegesNotRequired}
	}
	j.Platforms, j.Languages = nonNil(j.Platforms), nonNil(j.Languages)
	j.TargetProductCodes, j.Transforms, j.ValidationFlags = nonNil(j.TargetProductCodes), nonNil(j.Transforms), nonNil(j.ValidationFlags)
	return j
}

func printInfo(w io.Writer, r *infoReport) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	row := func(k, format string, a ...any) {
		fmt.Fprintf(tw, "%s:\t%s\n", k, fmt.Sprintf(format, a...))
	}
	row("File", "%s (%d bytes)", r.File, r.Size)
	row("Kind", "%s %s", r.Kind, r.CLSID)
	row("Codepage", "%d", r.Codepage)
	if s := r.Summary; s != nil {
		row("Title", "%s", s.Title)
		row("Subject", "%s", s.Subject)
		row("Author", "%s", s.Author)
		row("Keywords", "%s", s.Keywords)
		row("Comments", "%s", s.Comments)
		row("Template", "%s", s.Template)
		if len(s.Platforms) > 0 || len(s.Languages) > 0 {
			row("Platforms", "%s; languages %s", strings.Join(s.Platforms, ", "), joinInts(s.Languages))
		}
		if s.LastSavedBy != "" {
			row("Last saved by", "%s", s.LastSavedBy)
		}
		row("Revision number", "%s", s.RevisionNumber)
		if s.PatchCode != "" {
			row("Patch code", "%s", s.PatchCode)
			row("Targets", "%s", strings.Join(s.TargetProductCodes, ", "))
			row("Transforms", "%s", strings.Join(s.Transforms, ", "))
		}
		for _, t := range []struct {
			k string
			v *time.Time
		}{{"Last printed", s.LastPrinted}, {"Created", s.Created}, {"Last saved", s.LastSaved}} {
			if t.v != nil {
				row(t.k, "%s", t.v.Format("2006-01-02 15:04:05.0000000 MST"))
			}
		}
		row("Schema", "%d (page count)", s.PageCount)
		if f := s.WordCountFlags; f != nil {
			row("Word count", "%d (%s)", s.WordCount, msi.WordCountFlags{ShortNames: f.ShortNames, Compressed: f.Compressed, AdminImage: f.AdminImage, ElevatedPrivilegesNotRequired: f.ElevatedPrivilegesNotRequired})
		} else {
			row("Word count", "%d", s.WordCount)
		}
		if len(s.ValidationFlags) > 0 {
			row("Validation", "%s", strings.Join(s.ValidationFlags, ", "))
		} else {
			row("Character count", "%d", s.CharCount)
		}
		row("Application", "%s", s.AppName)
		row("Security", "%d", s.Security)
	} else {
		row("Summary", "none (no \\x05SummaryInformation stream)")
	}
	row("Tables", "%d", r.Tables)
	row("Streams", "%d", r.Streams)
	storages := make([]string, len(r.Storages))
	for i, s := range r.Storages {
		storages[i] = msi.PrintableName(s)
	}
	row("Storages", "%d %s", len(r.Storages), strings.Join(storages, " "))
	row("Files", "%d", r.Files)
	for _, m := range r.Media {
		where := "external"
		if m.Embedded {
			where = "embedded"
			if m.Present != nil && !*m.Present {
				where += ", MISSING"
			}
		}
		cab := m.Cabinet
		if cab == "" {
			cab = "(no cabinet: uncompressed files)"
		} else {
			cab += " (" + where + ")"
		}
		if m.MergeModule {
			row("Media", "%s, every file (a merge module has no Media table)", cab)
			continue
		}
		row(fmt.Sprintf("Media %d", m.DiskID), "last sequence %d, %s", m.LastSequence, cab)
	}
	sig := "none"
	switch {
	case r.Check != nil:
		sig = r.Check.verdict()
	case r.Signature:
		sig = "present (not checked: --check-signature or msikit signature checks it)"
	}
	row("Signature", "%s", sig)
	return tw.Flush()
}

func joinInts(v []int) string {
	s := make([]string, len(v))
	for i, x := range v {
		s[i] = fmt.Sprint(x)
	}
	return strings.Join(s, ", ")
}

// tableNames lists a database's tables; a transform's are those it adds,
// changes or drops (it holds changes, not tables).
func tableNames(p *msi.Package) ([]string, error) {
	if p.Kind() != msi.KindTransform {
		return p.Tables()
	}
	t, err := transform.Open(p)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, n := range t.Tables() {
		if n != "_Tables" && n != "_Columns" {
			out = append(out, n)
		}
	}
	return out, nil
}
