package patch

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"path"
	"sort"
	"strings"
	"sync"

	"github.com/msikit/msikit/cab"
	"github.com/msikit/msikit/msi"
	"github.com/msikit/msikit/msi/internal/deliver"
	"github.com/msikit/msikit/msi/internal/names"
	"github.com/msikit/msikit/msi/patch/pa19"
	"github.com/msikit/msikit/msi/transform"
)

// File is one member of a patch's cabinets, named from the File rows
// of the transform pair whose Media rows point to its cabinet.
type File struct {
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
	// DeltaHeader is a PA19 delta's header: the base files it applies to
	// (their sizes and CRC32s) and the new file. Nil for other files, and
	// for a delta whose header cannot be read.
	DeltaHeader *pa19.Patch
	// Base is, with a target, the target's file the patch replaces or
	// the delta applies to (nil for a file the patch adds).
	Base *msi.File
}

// size is how many bytes the file has: its File row's size, or its
// member's when no row names it.
func (f *File) size() int64 {
	if !f.Named && f.Member != nil {
		return f.Member.Size
	}
	return f.Size
}

// Name is the long name, or the key when no row names the member.
func (f *File) Name() string {
	if f.LongName != "" {
		return f.LongName
	}
	return f.Key
}

// FileOptions chooses what Patch.Files lists.
type FileOptions struct {
	// Target, when set, is the package the patch is applied to: only the
	// transforms that validate against it are used, after being applied
	// to its tables, so that every file gets its full place in Layout.
	Target *msi.Package
	Layout msi.Layout
	// ShortNames: see msi.FileOptions.
	ShortNames bool
}

// Delta formats, the signatures binary deltas start with.
const (
	DeltaPA19 = "PA19" // mspatcha.dll (Windows Installer patches)
	DeltaPA30 = "PA30" // msdelta.dll
)

// fileRow gathers what the transforms of a pair say about one File row.
type fileRow struct {
	key       string
	vals      map[string]msi.Value
	inserted  bool
	patchSeq  int // sequence of the delta, from a Patch row
	patchRow  bool
	companion bool // the companion transform gave its sequence
}

func (r *fileRow) str(col string) string { return r.vals[col].String() }
func (r *fileRow) num(col string) (int, bool) {
	v, ok := r.vals[col]
	if !ok || v.Kind != msi.Integer {
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
	media   []*msi.Media // the companion's Media rows: the patch's cabinets
	dirs    map[string]string
	compDir map[string]string
}

func collectPair(changes ...[]transform.TableChange) *pairRows {
	pr := &pairRows{files: map[string]*fileRow{}, dirs: map[string]string{}, compDir: map[string]string{}}
	for n, cs := range changes {
		for _, c := range cs {
			switch c.Table {
			case "File":
				for _, list := range [][]transform.RowChange{c.Inserted, c.Updated} {
					for _, rc := range list {
						key := rc.KeyText()
						fr, ok := pr.files[key]
						if !ok {
							fr = &fileRow{key: key, vals: map[string]msi.Value{}}
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
					fr, ok := pr.files[key.String()]
					if !ok {
						fr = &fileRow{key: key.String(), vals: map[string]msi.Value{}}
						pr.files[key.String()] = fr
						pr.order = append(pr.order, key.String())
					}
					fr.patchRow, fr.patchSeq = true, int(seq.Int)
				}
			case "Media":
				for _, rc := range c.Inserted {
					m := &msi.Media{}
					if v, ok := rc.Get("DiskId"); ok {
						m.DiskID = int(v.Int)
					}
					if v, ok := rc.Get("LastSequence"); ok {
						m.LastSequence = int(v.Int)
					}
					cabName, _ := rc.Get("Cabinet")
					m.Cabinet = cabName.String()
					prompt, _ := rc.Get("DiskPrompt")
					m.DiskPrompt = prompt.String()
					if n > 0 || len(changes) == 1 {
						pr.media = append(pr.media, m)
					}
				}
			case "Directory":
				for _, rc := range c.Inserted {
					parent, _ := rc.Get("Directory_Parent")
					def, _ := rc.Get("DefaultDir")
					pr.dirs[rc.KeyText()] = parent.String() + "\x00" + def.String()
				}
			case "Component":
				for _, rc := range append(append([]transform.RowChange(nil), c.Inserted...), c.Updated...) {
					if d, ok := rc.Get("Directory_"); ok {
						pr.compDir[rc.KeyText()] = d.String()
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
	for depth := 0; key != "" && depth < names.MaxDepth; depth++ {
		row, ok := pr.dirs[key]
		if !ok {
			break
		}
		parent, def, _ := strings.Cut(row, "\x00")
		d := names.ParseDefaultDir(def)
		if parent == "" || parent == key {
			break // the root, TARGETDIR: the layout's root
		}
		if d.SourceLong != "" && names.Check(d.SourceLong) == nil {
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
func (pt *Patch) Files(o FileOptions) ([]*File, error) {
	if o.Target == nil {
		return pt.pairsFiles(pt.Transforms, nil, nil, nil)
	}
	db, err := o.Target.Database()
	if err != nil {
		return nil, err
	}
	files, _, err := pt.applyTo(db, o.Target.Name(), msi.FileOptions{Layout: o.Layout, ShortNames: o.ShortNames})
	return files, err
}

// applyTo applies the transforms that validate against db to it and
// lists the patch's files with their places in db's layout before and
// after. It returns the names of the transforms applied.
func (pt *Patch) applyTo(db *msi.Database, target string, fo msi.FileOptions) ([]*File, []string, error) {
	// A database without a Property table has no identity to validate:
	// Check says why nothing applies.
	pi, err := msi.ReadProductInfo(db)
	if err != nil && !errors.Is(err, msi.ErrNotFound) {
		return nil, nil, err
	}
	a := pt.Check(pi)
	if !a.Applies {
		return nil, nil, pkgError(pt.pkg, "", fmt.Errorf("%w to %s: %s", ErrNotApplicable, target, strings.Join(a.why(), "; ")))
	}
	var pairs []*Pair
	for _, t := range pt.Transforms {
		if t.Check(pi).Applies {
			pairs = append(pairs, t)
		}
	}
	before, err := msi.FileList(db, fo)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", target, err)
	}
	// Each transform's rows decode with the layouts of the tables it
	// changes as they are before it is applied.
	changes := make([][]transform.TableChange, len(pairs))
	for i, t := range pairs {
		if changes[i], err = t.Transform.ChangesFor(db); err != nil {
			return nil, nil, err
		}
		if err := t.Transform.Apply(db); err != nil {
			return nil, nil, pkgError(pt.pkg, "transform "+quoteName(t.Name), err)
		}
	}
	after, err := msi.FileList(db, fo)
	if err != nil {
		return nil, nil, pkgError(pt.pkg, "patched "+target, err)
	}
	files, err := pt.pairsFiles(pairs, changes, byKey(before), byKey(after))
	var names []string
	for _, t := range pairs {
		names = append(names, t.Name)
	}
	return files, names, err
}

// pairsFiles lists the files of the pairs. changes, when given, are the
// transforms' changes decoded against the target; targetFiles and
// patchedFiles its files before and after, by key.
func (pt *Patch) pairsFiles(pairs []*Pair, changes [][]transform.TableChange, targetFiles, patchedFiles map[string]*msi.File) ([]*File, error) {
	var out []*File
	for i, t := range pairs {
		cs := [][]transform.TableChange{nil}
		if changes != nil {
			cs[0] = changes[i]
		} else {
			cs[0] = t.Transform.Changes()
		}
		if t.Companion != nil {
			cs = append(cs, t.Companion.Changes())
		}
		pr := collectPair(cs...)
		files, err := pt.pairFiles(t, pr)
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

func byKey(files []*msi.File) map[string]*msi.File {
	m := make(map[string]*msi.File, len(files))
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
func (pt *Patch) pairFiles(t *Pair, pr *pairRows) ([]*File, error) {
	var out []*File
	seen := map[string]bool{}
	for _, m := range pr.media {
		stream, ok := streamName(pt.pkg, m.CabinetName())
		if !m.Embedded() || !ok {
			return nil, pkgError(pt.pkg, "transform "+quoteName(t.PatchName), fmt.Errorf("%w: media %d: cabinet %q is not a stream of the patch", msi.ErrFormat, m.DiskID, m.Cabinet))
		}
		if seen[strings.ToLower(stream)] {
			continue
		}
		seen[strings.ToLower(stream)] = true
		c, err := pt.members(stream)
		if err != nil {
			return nil, err
		}
		var members []*cab.File
		if c.rc != nil {
			members = c.rc.File
		}
		for _, cf := range members {
			delta := c.deltas[cf]
			f := &File{Transform: t.Name, Key: cf.Name, Cabinet: stream, Member: cf, DeltaFormat: delta, Delta: delta != "", DeltaHeader: c.headers[cf]}
			if fr, ok := pr.files[cf.Name]; ok && pr.cabinetOf(fr) == m {
				f.Named = true
				f.LongName, f.ShortName = "", ""
				if n := fr.str("FileName"); n != "" {
					f.ShortName, f.LongName = names.SplitShortLong(n)
				}
				s, sized := fr.num("FileSize")
				f.Size = int64(s)
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
				if !sized && !f.Delta {
					// The transform updates the row but not its size (the
					// new file is as long as the old): a whole file is as
					// long as its member.
					f.Size = cf.Size
				}
			}
			out = append(out, f)
		}
	}
	return out, nil
}

// cabinetOf finds the patch media holding a row's member: the delta's
// sequence for a Patch row, else the row's sequence.
func (pr *pairRows) cabinetOf(fr *fileRow) *msi.Media {
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

// maxPatchCabinetMembers bounds the members listed from one cabinet: a
// CFHEADER counts them in 16 bits.
const maxPatchCabinetMembers = 65535

// cabinet is one of the patch's cabinets, opened once for Files and
// ReadFiles: its reader (nil for a header-only cabinet, which has no
// members) and the binary deltas among its members, once scanned.
type cabinet struct {
	rc      *cab.ReadCloser
	deltas  map[*cab.File]string
	headers map[*cab.File]*pa19.Patch // of the PA19 deltas whose header reads
}

// maxDeltaHead is how much of a PA19 delta is read for its header: enough
// for hundreds of ranges.
const maxDeltaHead = 1 << 20

// cabinet opens the cabinet stream the first time it is asked for.
func (pt *Patch) cabinet(stream string) (*cabinet, error) {
	pt.mu.Lock()
	defer pt.mu.Unlock()
	if c, ok := pt.cabs[stream]; ok {
		return c, nil
	}
	c, err := pt.openCabinet(stream, pt.opts)
	if err != nil {
		return nil, err
	}
	if pt.cabs == nil {
		pt.cabs = map[string]*cabinet{}
	}
	pt.cabs[stream] = c
	return c, nil
}

// openCabinet opens a cabinet stream of the patch. A header-only cabinet
// (WiX writes 36-byte ones for patches without files) has no members.
func (pt *Patch) openCabinet(stream string, opts []cab.Option) (*cabinet, error) {
	rc, err := pt.pkg.OpenCabinet(&msi.Media{Cabinet: "#" + stream}, opts...)
	if errors.Is(err, cab.ErrEmpty) {
		return &cabinet{}, nil
	}
	if err != nil {
		return nil, pkgError(pt.pkg, "cabinet "+quoteName(stream), err)
	}
	if len(rc.File) > maxPatchCabinetMembers {
		rc.Close()
		return nil, pkgError(pt.pkg, "cabinet "+quoteName(stream), fmt.Errorf("%w: %d members", msi.ErrFormat, len(rc.File)))
	}
	return &cabinet{rc: rc}, nil
}

func (pt *Patch) closeCabinets() {
	pt.mu.Lock()
	defer pt.mu.Unlock()
	for _, c := range pt.cabs {
		if c.rc != nil {
			c.rc.Close()
		}
	}
	pt.cabs = nil
}

// members lists a cabinet's members and tells the binary deltas among
// them by their first bytes, reading each folder once, the first time.
func (pt *Patch) members(stream string) (*cabinet, error) {
	c, err := pt.cabinet(stream)
	if err != nil || c.rc == nil {
		return c, err
	}
	pt.mu.Lock()
	defer pt.mu.Unlock()
	if c.deltas != nil {
		return c, nil
	}
	deltas := map[*cab.File]string{}
	headers := map[*cab.File]*pa19.Patch{}
	jobs := make([]deliver.Job[*cab.File], len(c.rc.File))
	for i, cf := range c.rc.File {
		jobs[i] = deliver.Job[*cab.File]{Item: cf, Member: cf}
	}
	fails := deliver.Cabinet(&c.rc.Reader, jobs, 1, func(_ *cab.File, cf *cab.File, content io.Reader) error {
		var sig [4]byte
		if n, _ := io.ReadFull(content, sig[:]); n == 4 {
			switch s := string(sig[:]); s {
			case DeltaPA19:
				deltas[cf] = s
				rest, _ := io.ReadAll(io.LimitReader(content, maxDeltaHead))
				if h, err := pa19.ParseHeader(append(sig[:], rest...)); err == nil {
					headers[cf] = h
				}
			case DeltaPA30:
				deltas[cf] = s
			}
		}
		return nil
	})
	if len(fails) > 0 {
		errs := make([]error, len(fails))
		for i, f := range fails {
			errs[i] = &cab.FileError{File: f.Item, Err: f.Err}
		}
		return nil, pkgError(pt.pkg, "cabinet "+quoteName(stream), errors.Join(errs...))
	}
	c.deltas, c.headers = deltas, headers
	return c, nil
}

// streamName finds a root stream by name, ignoring case as Windows does
// for the Cabinet column.
func streamName(p *msi.Package, name string) (string, bool) {
	if p.HasStream(name) {
		return name, true
	}
	for _, s := range p.Streams() {
		if strings.EqualFold(s.Name, name) {
			return s.Name, true
		}
	}
	return "", false
}

// mediaFor finds the disk whose sequence range holds seq: the first with
// a LastSequence at or above it.
func mediaFor(media []*msi.Media, seq int) *msi.Media {
	i := sort.Search(len(media), func(i int) bool { return media[i].LastSequence >= seq })
	if i < len(media) {
		return media[i]
	}
	return nil
}

// ReadFiles delivers the bytes of patch files (from Files) to fn, cabinet
// by cabinet, each folder decoded once; fn may be called concurrently
// when o.Workers > 1. A delta is never delivered as if whole: it fails
// with ErrDelta (ReadPatched applies them). With o.CheckSize, a file whose
// bytes are not its size (the File row's, or the member's for a member no
// row names) fails with msi.ErrSize. The cabinets are those Files read,
// unless o.CabinetOptions is set: they are then opened again with those
// options and the members found by name and place. o.Strict does not
// apply.
//
// It goes on past errors: the error, if any, is a FileErrors, one
// *FileError per file that could not be read.
func (pt *Patch) ReadFiles(files []*File, o msi.ReadOptions, fn func(f *File, r io.Reader) error) error {
	return pt.ReadPatched(files, o, nil, fn)
}

// BaseFunc returns the bytes of the file a delta applies to, as installed
// or in the target: usually f.Base, read from the target package or an
// image of it.
type BaseFunc func(f *File) ([]byte, error)

// ReadPatched is ReadFiles with the PA19 deltas applied: base gives each
// delta's base file, which the delta's header checks (size and CRC32)
// before it is applied, and fn gets the new file, whose CRC32 the header
// checks too. A base that cannot be read, or is not one the delta applies
// to, fails the file with what the delta expected (wrapping
// msi.ErrMissingSource, or pa19.ErrWrongOld); a delta this package cannot
// apply fails with the pa19 error (pa19.ErrUnsupported, say). PA30 deltas
// still fail with ErrDelta. A nil base is ReadFiles.
func (pt *Patch) ReadPatched(files []*File, o msi.ReadOptions, base BaseFunc, fn func(f *File, r io.Reader) error) error {
	var errs FileErrors
	var mu sync.Mutex
	fail := func(f *File, err error) {
		mu.Lock()
		errs = append(errs, &FileError{File: f, Err: err})
		mu.Unlock()
	}
	byCab := map[string][]*File{}
	var order []string
	for _, f := range files {
		if f.Delta && (base == nil || f.DeltaFormat == DeltaPA30) {
			fail(f, fmt.Errorf("%w (%s) for %s", ErrDelta, f.DeltaFormat, f.Key))
			continue
		}
		if _, ok := byCab[f.Cabinet]; !ok {
			order = append(order, f.Cabinet)
		}
		byCab[f.Cabinet] = append(byCab[f.Cabinet], f)
	}
	for _, stream := range order {
		want := byCab[stream]
		var c *cabinet
		var err error
		if o.CabinetOptions != nil {
			if c, err = pt.openCabinet(stream, o.CabinetOptions); err == nil && c.rc != nil {
				defer c.rc.Close()
			}
		} else {
			c, err = pt.cabinet(stream)
		}
		if err == nil && c.rc == nil {
			err = fmt.Errorf("%w: cabinet %s has no members", msi.ErrMissingSource, stream)
		}
		if err != nil {
			for _, f := range want {
				fail(f, err)
			}
			continue
		}
		// Members Files listed from this reader are found as they are;
		// others by name and place.
		type place struct {
			name   string
			folder int
			offset int64
		}
		here := map[*cab.File]bool{}
		byPlace := map[place]*cab.File{}
		for _, cf := range c.rc.File {
			here[cf] = true
			byPlace[place{cf.Name, cf.Folder, cf.Offset}] = cf
		}
		var jobs []deliver.Job[*File]
		for _, f := range want {
			cf := f.Member
			if !here[cf] {
				cf = byPlace[place{f.Member.Name, f.Member.Folder, f.Member.Offset}]
			}
			if cf == nil {
				fail(f, fmt.Errorf("%w: not in cabinet %s", msi.ErrMissingSource, stream))
				continue
			}
			jobs = append(jobs, deliver.Job[*File]{Item: f, Member: cf})
		}
		fails := deliver.Cabinet(&c.rc.Reader, jobs, o.Workers, func(f *File, cf *cab.File, content io.Reader) error {
			var head [4]byte
			n, _ := io.ReadFull(content, head[:])
			var r io.Reader = io.MultiReader(bytes.NewReader(head[:n]), content)
			switch s := string(head[:n]); {
			case s == DeltaPA19 && base != nil:
				b, err := applyDelta(f, r, base)
				if err != nil {
					fail(f, err)
					return nil
				}
				r = bytes.NewReader(b)
			case s == DeltaPA19 || s == DeltaPA30:
				fail(f, fmt.Errorf("%w (%s)", ErrDelta, s))
				return nil
			case f.Delta:
				fail(f, fmt.Errorf("%w (%s), in no format msikit reads", ErrDelta, f.DeltaFormat))
				return nil
			}
			if o.CheckSize {
				r = deliver.CheckSize(r, f.size(), msi.ErrSize)
			}
			return fn(f, r)
		})
		for _, x := range fails {
			fail(x.Item, pkgError(pt.pkg, "cabinet "+quoteName(stream), x.Err))
		}
	}
	if len(errs) == 0 {
		return nil
	}
	return errs
}

// maxDelta bounds the delta bytes read into memory: far more than any
// delta a patch carries (an LZX DELTA window is 32 MiB at most), far less
// than a hostile cabinet member may claim.
const maxDelta = 1 << 30

// applyDelta reads a PA19 delta whole and applies it to the base file
// base gives.
func applyDelta(f *File, r io.Reader, base BaseFunc) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxDelta+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxDelta {
		return nil, fmt.Errorf("%w: a delta of more than %d bytes", ErrDelta, maxDelta)
	}
	d, err := pa19.Parse(data)
	if err != nil {
		return nil, err
	}
	old, err := base(f)
	if err != nil {
		return nil, fmt.Errorf("%w: the delta's base file: %v (the delta wants %s)", msi.ErrMissingSource, err, d.Expected())
	}
	var out bytes.Buffer
	if err := d.Apply(&out, old); err != nil {
		name := "the base file"
		if f.Base != nil {
			name = f.Base.Path
		}
		return nil, fmt.Errorf("delta against %s: %w", name, err)
	}
	return out.Bytes(), nil
}
