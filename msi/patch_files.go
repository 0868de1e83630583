package msi

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"path"
	"sort"
	"strings"

	"github.com/msikit/msikit/cab"
)

// PatchFile is one member of a patch's cabinets, named from the File rows
// of the transform pair whose Media rows point to its cabinet.
type PatchFile struct {
	// Transform is the pair the file belongs to (its first transform's
	// storage name).
	Transform string
	// Key is the File key, which is also the member's name in the
	// cabinet.
	Key string
	// Cabinet is the stream holding the member, and Member the member.
	Cabinet string
	Member  *cab.File
	// Named tells a member that a File row of the transform pair names
	// from one that none does (a filler PCW adds to an empty cabinet, or
	// a delta whose row the pair does not carry).
	Named bool
	// The File row's columns, those the transform gives (an update gives
	// only the columns it changes) or, with a target, the patched row.
	LongName, ShortName string
	Size                int64
	Version, Language   string
	Component           string
	Directory           string // the component's directory key, when known
	Sequence            int
	// Path is where the file goes: with a target, its path in the chosen
	// layout; without one, the directory path the transform's own
	// Directory rows give (possibly just the name, or "" when unnamed).
	Path string
	// Delta is set for a binary delta against the installed file (the
	// member starts with "PA19" or "PA30", or a Patch row names the
	// file): DeltaFormat says which, and the bytes are not the file's.
	Delta       bool
	DeltaFormat string
	// Base is, with a target, the target's file the patch replaces or
	// the delta applies to (nil for a file the patch adds).
	Base *File
}

// Name is the long name, or the key when no row names the member.
func (f *PatchFile) Name() string {
	if f.LongName != "" {
		return f.LongName
	}
	return f.Key
}

// PatchFileOptions chooses what Patch.Files lists.
type PatchFileOptions struct {
	// Target, when set, is the package the patch is applied to: only the
	// transforms that validate against it are used, after being applied
	// to its tables, so that every file gets its full place in Layout.
	Target *Package
	Layout Layout
	// ShortNames and Flat: see FileOptions.
	ShortNames, Flat bool
	// CabinetOptions are passed to the cabinet reader.
	CabinetOptions []cab.Option
}

// Delta formats, the signatures binary deltas start with.
const (
	DeltaPA19 = "PA19" // mspatcha.dll (Windows Installer patches)
	DeltaPA30 = "PA30" // msdelta.dll
)

// ErrNotApplicable means the patch does not apply to the target given.
var ErrNotApplicable = errors.New("patch does not apply")

// fileRow gathers what the transforms of a pair say about one File row.
type fileRow struct {
	key       string
	vals      map[string]Value
	inserted  bool
	patchSeq  int // sequence of the delta, from a Patch row
	patchRow  bool
	companion bool // the companion transform gave its sequence
}

func (r *fileRow) str(col string) string { return r.vals[col].Text() }
func (r *fileRow) num(col string) (int, bool) {
	v, ok := r.vals[col]
	if !ok || v.Kind != Integer {
		return 0, false
	}
	return int(v.Int), true
}

// pairRows merges the File, Patch and Media changes of a transform pair:
// the transform's rows, then its companion's over them, as Windows
// Installer applies them.
type pairRows struct {
	files   map[string]*fileRow
	order   []string
	media   []*Media // the companion's Media rows: the patch's cabinets
	dirs    map[string]string
	compDir map[string]string
}

func collectPair(changes ...[]TableChange) *pairRows {
	pr := &pairRows{files: map[string]*fileRow{}, dirs: map[string]string{}, compDir: map[string]string{}}
	for n, cs := range changes {
		for _, c := range cs {
			switch c.Table {
			case "File":
				for _, list := range [][]RowChange{c.Inserted, c.Updated} {
					for _, rc := range list {
						key := rc.KeyText()
						fr, ok := pr.files[key]
						if !ok {
							fr = &fileRow{key: key, vals: map[string]Value{}}
							pr.files[key] = fr
							pr.order = append(pr.order, key)
						}
						if len(rc.Columns) == len(c.Columns) && len(c.Columns) > 0 {
							fr.inserted = true
						}
						for i, col := range rc.Columns {
							if i < len(rc.Values) {
								fr.vals[col] = rc.Values[i]
							}
						}
						if _, ok := rc.Get("Sequence"); ok && n > 0 {
							fr.companion = true
						}
					}
				}
			case "Patch":
				for _, rc := range c.Inserted {
					key, _ := rc.Get("File_")
					seq, _ := rc.Get("Sequence")
					fr, ok := pr.files[key.Text()]
					if !ok {
						fr = &fileRow{key: key.Text(), vals: map[string]Value{}}
						pr.files[key.Text()] = fr
						pr.order = append(pr.order, key.Text())
					}
					fr.patchRow, fr.patchSeq = true, int(seq.Int)
				}
			case "Media":
				for _, rc := range c.Inserted {
					m := &Media{}
					if v, ok := rc.Get("DiskId"); ok {
						m.DiskID = int(v.Int)
					}
					if v, ok := rc.Get("LastSequence"); ok {
						m.LastSequence = int(v.Int)
					}
					cabName, _ := rc.Get("Cabinet")
					m.Cabinet = cabName.Text()
					prompt, _ := rc.Get("DiskPrompt")
					m.DiskPrompt = prompt.Text()
					if n > 0 || len(changes) == 1 {
						pr.media = append(pr.media, m)
					}
				}
			case "Directory":
				for _, rc := range c.Inserted {
					parent, _ := rc.Get("Directory_Parent")
					def, _ := rc.Get("DefaultDir")
					pr.dirs[rc.KeyText()] = parent.Text() + "\x00" + def.Text()
				}
			case "Component":
				for _, rc := range append(append([]RowChange(nil), c.Inserted...), c.Updated...) {
					if d, ok := rc.Get("Directory_"); ok {
						pr.compDir[rc.KeyText()] = d.Text()
					}
				}
			}
		}
	}
	sort.SliceStable(pr.media, func(i, j int) bool { return pr.media[i].LastSequence < pr.media[j].LastSequence })
	return pr
}

// dirPath resolves a directory from the transform's own Directory rows,
// as far as they go: the long source names joined, the unresolved rest
// left out.
func (pr *pairRows) dirPath(key string) string {
	var parts []string
	for depth := 0; key != "" && depth < maxDirectoryDepth; depth++ {
		row, ok := pr.dirs[key]
		if !ok {
			break
		}
		parent, def, _ := strings.Cut(row, "\x00")
		d := parseDefaultDir(def)
		if parent == "" || parent == key {
			break // the root, TARGETDIR: the layout's root
		}
		if d.SourceLong != "" && checkName(d.SourceLong) == nil {
			parts = append([]string{d.SourceLong}, parts...)
		}
		key = parent
	}
	return path.Join(parts...)
}

// Files lists the files the patch carries, transform pair by transform
// pair, each cabinet member once per pair that points to its cabinet.
// Without a target, names come from the File rows the transforms insert
// or update; with one, from the target's tables with the transforms that
// validate applied (ErrNotApplicable when none does).
func (pt *Patch) Files(o PatchFileOptions) ([]*PatchFile, error) {
	if o.Target == nil {
		return pt.pairsFiles(pt.Transforms, nil, nil, nil, o.CabinetOptions)
	}
	db, err := o.Target.Database()
	if err != nil {
		return nil, err
	}
	files, _, err := pt.applyTo(db, o.Target.Name(), FileOptions{Layout: o.Layout, ShortNames: o.ShortNames, Flat: o.Flat}, o.CabinetOptions)
	return files, err
}

// applyTo applies the transforms that validate against db to it and
// lists the patch's files with their places in db's layout before and
// after. It returns the names of the transforms applied.
func (pt *Patch) applyTo(db *Database, target string, fo FileOptions, opts []cab.Option) ([]*PatchFile, []string, error) {
	// A database without a Property table has no identity to validate:
	// Check says why nothing applies.
	pi, err := ReadProductInfo(db)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return nil, nil, err
	}
	a := pt.Check(pi)
	if !a.Applies {
		return nil, nil, pt.pkg.errorf("", fmt.Errorf("%w to %s: %s", ErrNotApplicable, target, strings.Join(a.why(), "; ")))
	}
	var pairs []*PatchTransform
	for _, t := range pt.Transforms {
		if t.Check(pi).Applies {
			pairs = append(pairs, t)
		}
	}
	before, err := FileList(db, fo)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", target, err)
	}
	// Each transform's rows decode with the layouts of the tables it
	// changes as they are before it is applied.
	changes := make([][]TableChange, len(pairs))
	for i, t := range pairs {
		if changes[i], err = t.Transform.ChangesFor(db); err != nil {
			return nil, nil, err
		}
		if err := t.Transform.Apply(db); err != nil {
			return nil, nil, pt.pkg.errorf("transform "+quoteName(t.Name), err)
		}
	}
	after, err := FileList(db, fo)
	if err != nil {
		return nil, nil, pt.pkg.errorf("patched "+target, err)
	}
	files, err := pt.pairsFiles(pairs, changes, byKey(before), byKey(after), opts)
	var names []string
	for _, t := range pairs {
		names = append(names, t.Name)
	}
	return files, names, err
}

// pairsFiles lists the files of the pairs. changes, when given, are the
// transforms' changes decoded against the target; targetFiles and
// patchedFiles its files before and after, by key.
func (pt *Patch) pairsFiles(pairs []*PatchTransform, changes [][]TableChange, targetFiles, patchedFiles map[string]*File, opts []cab.Option) ([]*PatchFile, error) {
	var out []*PatchFile
	for i, t := range pairs {
		cs := [][]TableChange{nil}
		if changes != nil {
			cs[0] = changes[i]
		} else {
			cs[0] = t.Transform.Changes()
		}
		if t.Companion != nil {
			cs = append(cs, t.Companion.Changes())
		}
		pr := collectPair(cs...)
		files, err := pt.pairFiles(t, pr, opts)
		if err != nil {
			return nil, err
		}
		for _, f := range files {
			if !f.Named {
				continue
			}
			if b, ok := targetFiles[f.Key]; ok {
				f.Base = b
			}
			if pf, ok := patchedFiles[f.Key]; ok {
				f.LongName, f.ShortName, f.Size = pf.LongName, pf.ShortName, pf.Size
				f.Version, f.Language, f.Component, f.Directory = pf.Version, pf.Language, pf.Component, pf.Directory
				f.Path = pf.Path
			} else if patchedFiles == nil && f.LongName != "" {
				f.Path = path.Join(pr.dirPath(f.Directory), f.LongName)
			}
		}
		out = append(out, files...)
	}
	return out, nil
}

func byKey(files []*File) map[string]*File {
	m := make(map[string]*File, len(files))
	for _, f := range files {
		m[f.Key] = f
	}
	return m
}

func (a *Applicability) why() []string {
	out := append([]string(nil), a.Reasons...)
	for _, t := range a.Transforms {
		for _, f := range t.Failed {
			out = append(out, t.Transform+": "+f)
		}
	}
	return out
}

// pairFiles opens the cabinets the pair's Media rows name and matches
// their members with the pair's File rows.
func (pt *Patch) pairFiles(t *PatchTransform, pr *pairRows, opts []cab.Option) ([]*PatchFile, error) {
	var out []*PatchFile
	seen := map[string]bool{}
	for _, m := range pr.media {
		stream, ok := pt.pkg.embeddedStream(m.CabinetName())
		if !m.Embedded() || !ok {
			return nil, pt.pkg.errorf("transform "+quoteName(t.PatchName), fmt.Errorf("%w: media %d: cabinet %q is not a stream of the patch", ErrFormat, m.DiskID, m.Cabinet))
		}
		if seen[strings.ToLower(stream)] {
			continue
		}
		seen[strings.ToLower(stream)] = true
		members, err := pt.cabinetMembers(stream, opts)
		if err != nil {
			return nil, err
		}
		for _, mb := range members {
			f := &PatchFile{Transform: t.Name, Key: mb.cf.Name, Cabinet: stream, Member: mb.cf, DeltaFormat: mb.delta, Delta: mb.delta != ""}
			if fr, ok := pr.files[mb.cf.Name]; ok && pr.cabinetOf(fr) == m {
				f.Named = true
				f.LongName, f.ShortName = "", ""
				if n := fr.str("FileName"); n != "" {
					f.ShortName, f.LongName = splitShortLong(n)
				}
				if s, ok := fr.num("FileSize"); ok {
					f.Size = int64(s)
				}
				f.Version, f.Language, f.Component = fr.str("Version"), fr.str("Language"), fr.str("Component_")
				f.Directory = pr.compDir[f.Component]
				f.Sequence, _ = fr.num("Sequence")
				if fr.patchRow {
					f.Delta = true
					f.Sequence = fr.patchSeq
					if f.DeltaFormat == "" {
						f.DeltaFormat = "Patch table"
					}
				}
			}
			out = append(out, f)
		}
	}
	return out, nil
}

// cabinetOf finds the patch media holding a row's member: the delta's
// sequence for a Patch row, else the row's sequence.
func (pr *pairRows) cabinetOf(fr *fileRow) *Media {
	seq, ok := fr.num("Sequence")
	if fr.patchRow {
		seq, ok = fr.patchSeq, true
	}
	if !ok {
		if len(pr.media) == 1 {
			return pr.media[0]
		}
		return nil
	}
	return mediaFor(pr.media, seq)
}

type member struct {
	cf    *cab.File
	delta string
}

// maxPatchCabinetMembers bounds the members listed from one cabinet: a
// CFHEADER counts them in 16 bits.
const maxPatchCabinetMembers = 65535

// cabinetMembers lists a cabinet stream's members and tells the binary
// deltas among them by their first bytes. A header-only cabinet (WiX
// writes 36-byte ones for patches without files) has no members.
func (pt *Patch) cabinetMembers(stream string, opts []cab.Option) ([]member, error) {
	r, closeFn, err := pt.openCabinetStream(stream, opts)
	if errors.Is(err, cab.ErrEmpty) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer closeFn()
	if len(r.File) > maxPatchCabinetMembers {
		return nil, pt.pkg.errorf("cabinet "+quoteName(stream), fmt.Errorf("%w: %d members", ErrFormat, len(r.File)))
	}
	heads := map[*cab.File]string{}
	err = r.Extract(nil, 1, func(cf *cab.File, content io.Reader) error {
		var sig [4]byte
		if n, _ := io.ReadFull(content, sig[:]); n == 4 {
			switch s := string(sig[:]); s {
			case DeltaPA19, DeltaPA30:
				heads[cf] = s
			}
		}
		_, err := io.Copy(io.Discard, content)
		return err
	})
	if err != nil {
		return nil, pt.pkg.errorf("cabinet "+quoteName(stream), err)
	}
	out := make([]member, 0, len(r.File))
	for _, cf := range r.File {
		out = append(out, member{cf: cf, delta: heads[cf]})
	}
	return out, nil
}

func (pt *Patch) openCabinetStream(stream string, opts []cab.Option) (*cab.Reader, func(), error) {
	ra, size, err := pt.pkg.streamReaderAt(stream)
	if err != nil {
		return nil, nil, err
	}
	r, err := cab.NewReader(ra, size, opts...)
	if err != nil {
		ra.Close()
		if errors.Is(err, cab.ErrEmpty) {
			return nil, nil, err
		}
		return nil, nil, pt.pkg.errorf("cabinet "+quoteName(stream), err)
	}
	return r, func() { ra.Close() }, nil
}

// ErrDelta means a file's bytes are a binary delta against the installed
// file, which this package does not decode.
var ErrDelta = errors.New("binary delta, not the file's bytes")

// ReadFiles delivers the bytes of patch files (from Files) to fn, cabinet
// by cabinet. A delta is never delivered as if whole: it gets a
// *PatchFileError wrapping ErrDelta. Errors are collected and returned
// joined, each naming its file.
func (pt *Patch) ReadFiles(files []*PatchFile, opts []cab.Option, fn func(f *PatchFile, r io.Reader) error) error {
	var errs []error
	byCab := map[string][]*PatchFile{}
	var order []string
	for _, f := range files {
		if f.Delta {
			errs = append(errs, &PatchFileError{File: f, Err: fmt.Errorf("%w (%s) for %s", ErrDelta, f.DeltaFormat, f.Key)})
			continue
		}
		if _, ok := byCab[f.Cabinet]; !ok {
			order = append(order, f.Cabinet)
		}
		byCab[f.Cabinet] = append(byCab[f.Cabinet], f)
	}
	for _, stream := range order {
		want := byCab[stream]
		r, closeFn, err := pt.openCabinetStream(stream, opts)
		if err != nil {
			for _, f := range want {
				errs = append(errs, &PatchFileError{File: f, Err: err})
			}
			continue
		}
		// The members listed by Files belong to another reader of the
		// same stream: find them again by name and place.
		type place struct {
			name   string
			folder int
			offset int64
		}
		here := map[place]*cab.File{}
		for _, cf := range r.File {
			here[place{cf.Name, cf.Folder, cf.Offset}] = cf
		}
		users := map[*cab.File][]*PatchFile{}
		var sel []*cab.File
		for _, f := range want {
			cf, ok := here[place{f.Member.Name, f.Member.Folder, f.Member.Offset}]
			if !ok {
				errs = append(errs, &PatchFileError{File: f, Err: fmt.Errorf("%w: not in cabinet %s", ErrMissingSource, stream)})
				continue
			}
			if users[cf] == nil {
				sel = append(sel, cf)
			}
			users[cf] = append(users[cf], f)
		}
		err = r.Extract(sel, 1, func(cf *cab.File, content io.Reader) error {
			us := users[cf]
			var head [4]byte
			n, _ := io.ReadFull(content, head[:])
			if s := string(head[:n]); s == DeltaPA19 || s == DeltaPA30 {
				for _, f := range us {
					errs = append(errs, &PatchFileError{File: f, Err: fmt.Errorf("%w (%s)", ErrDelta, s)})
				}
				return nil
			}
			body := io.MultiReader(bytes.NewReader(head[:n]), content)
			if len(us) == 1 {
				return fn(us[0], body)
			}
			b, err := io.ReadAll(body)
			if err != nil {
				return err
			}
			for _, f := range us {
				if err := fn(f, bytes.NewReader(b)); err != nil {
					return err
				}
			}
			return nil
		})
		for _, e := range unjoin(err) {
			var fe *cab.FileError
			if errors.As(e, &fe) {
				for _, f := range users[fe.File] {
					errs = append(errs, &PatchFileError{File: f, Err: pt.pkg.errorf("cabinet "+quoteName(stream), fe.Err)})
				}
				continue
			}
			errs = append(errs, pt.pkg.errorf("cabinet "+quoteName(stream), e))
		}
		closeFn()
	}
	return errors.Join(errs...)
}

// PatchFileError is the error of one patch file.
type PatchFileError struct {
	File *PatchFile
	Err  error
}

func (e *PatchFileError) Error() string {
	name := e.File.Key
	if e.File.Path != "" {
		name += " (" + e.File.Path + ")"
	}
	return name + ": " + e.Err.Error()
}

func (e *PatchFileError) Unwrap() error { return e.Err }
