package verify

import (
	"crypto/md5"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"

	"github.com/msikit/msikit/internal/infile"
	"github.com/msikit/msikit/manifest"
	"github.com/msikit/msikit/msi"
	"github.com/msikit/msikit/msi/patch"
	"github.com/msikit/msikit/msi/patch/pa19"
	"github.com/msikit/msikit/msi/transform"
)

// KindImage is the Report.Kind of an administrative image checked
// against a patch (Patch).
const KindImage = "image"

// ErrImage means the path given to Patch is not an administrative image:
// no package in the folder, several, or a package that is not marked as
// an image.
var ErrImage = errors.New("not an administrative image")

// maxPatchedFile bounds the bytes of a delta's file read into memory to
// compare it with the delta's new or old file (their CRC32s cover the whole
// file): a PA19 delta's files fit the 32 MiB LZX window, far less.
const maxPatchedFile = 1 << 30

// expectation is what a patch says one file of the image becomes.
type expectation struct {
	patch  *patch.Patch
	pair   string
	key    string
	member *patch.File
	row    *msi.File // the image's row; nil when the image's package has none
	// The File row once patched: the image's, with the columns the
	// transform gives over it.
	name, version string
	size          int64
	// hash is the MsiFileHash MD5 the transform gives, "" for none.
	hash string
	// sum and sumSize are the MD5 and size of a whole file's bytes in the
	// patch's cabinet, "" for a delta.
	sum     string
	sumSize int64
}

// Patch checks an administrative image (a folder holding one package
// marked as an image and its files, or that package) against patches: for
// each file they carry, that the image's file is what they make of it once
// applied (msiexec /a PKG /p PATCH;PATCH2, msikit admin --patch ...), in
// sequence order (patch.Sort), a file several patches change being what
// the last one makes. What a patch says comes from its own tables and
// bytes: the File rows its transform gives (over the image's row: the
// columns no patch changes are the image's either way), its MsiFileHash
// rows, the MD5 and size of a whole file in its cabinet, and for a PA19
// delta the new file's size and CRC32 from the delta's header. The
// transforms checked are those that take the image's product where it is
// (product code and version): the patches already applied, those whose
// results lead to it; the others, those that validate against it (or
// against what the patches before them make of it).
//
// A file that is still the one the patch changes (a PA19 delta's base, by
// size and CRC32; what an earlier patch makes of it; or, while the image's
// package is not patched either, the size, version and hash its File row
// gives) is StatusNotApplied; one that is neither is StatusFail with what
// was expected and found. A File row of the image that is not the
// patch's says the image's package is not patched (FieldFileTable). The
// Report is named after the patches (Manifest, their file names; Variant,
// their patch codes) and has KindImage.
//
// Of o, Workers and Progress apply.
func Patch(pts []*patch.Patch, image string, o Options) (*Report, error) {
	if len(pts) == 0 {
		return nil, errors.New("verify: no patch to check the image against")
	}
	if o.Workers <= 0 {
		o.Workers = runtime.GOMAXPROCS(0)
	}
	pts = append([]*patch.Patch(nil), pts...)
	patch.Sort(pts)
	pkgPath, err := imagePackage(image)
	if err != nil {
		return nil, err
	}
	root := filepath.Dir(pkgPath)
	p, err := msi.Open(pkgPath)
	if err != nil {
		return nil, newSourceError(pkgPath, "package", err)
	}
	defer p.Close()
	if s, err := p.SummaryInfo(); err != nil || p.Kind() != msi.KindDatabase || !s.WordCountFlags().AdminImage {
		return nil, fmt.Errorf("%s: %w (msikit admin makes one)", pkgPath, ErrImage)
	}
	db, err := p.Database()
	if err != nil {
		return nil, newSourceError(pkgPath, "package", err)
	}
	pi, err := msi.ReadProductInfo(db)
	if err != nil && !errors.Is(err, msi.ErrNotFound) {
		return nil, newSourceError(pkgPath, "package", err)
	}
	names, codes := make([]string, len(pts)), make([]string, len(pts))
	for i, pt := range pts {
		names[i], codes[i] = pt.Package().Name(), pt.Code
	}
	r := &Report{Manifest: strings.Join(names, ", "), Variant: strings.Join(codes, ", "), Source: image, Kind: KindImage}
	chosen, ok := choosePairs(pts, pi, r)
	if !ok {
		return nil, fmt.Errorf("%w: %s is %s %s, neither the target nor the result of the transforms of %s (in sequence order; patches of no common family are taken in the order given, as admin --patch applies them)", patch.ErrNotApplicable,
			pkgPath, orNone(pi.ProductCode), orNone(pi.ProductVersion), strings.Join(names, ", "))
	}
	list, err := msi.FileList(db, msi.FileOptions{Layout: msi.LayoutAdmin})
	if err != nil {
		return nil, newSourceError(pkgPath, "package", err)
	}
	rows := make(map[string]*msi.File, len(list))
	for _, f := range list {
		rows[f.Key] = f
	}
	// Per file, the expectations of each patch that changes it, in order.
	var order []string
	byKey := map[string][][]*expectation{}
	prev := map[string]*expectation{}
	var total, done int64
	for i, pt := range pts {
		exps, err := expectations(pt, chosen[i], db, rows, prev, o.Workers, r)
		if err != nil {
			return nil, err
		}
		for _, e := range exps {
			lists, ok := byKey[e.key]
			if !ok {
				order = append(order, e.key)
			}
			if len(lists) == 0 || lists[len(lists)-1][0].patch != pt {
				lists = append(lists, nil)
			}
			lists[len(lists)-1] = append(lists[len(lists)-1], e)
			byKey[e.key] = lists
		}
		for _, e := range exps {
			prev[e.key] = e
		}
	}
	for _, key := range order {
		lists := byKey[key]
		total += max(lists[len(lists)-1][0].size, 0)
	}
	for _, key := range order {
		lists := byKey[key]
		last := lists[len(lists)-1]
		r.Results = append(r.Results, patchedResult(root, last, lists[:len(lists)-1]))
		if o.Progress != nil {
			done += max(last[0].size, 0)
			o.Progress(done, total)
		}
	}
	if len(r.Results) == 0 {
		r.Notes = append(r.Notes, "the patches change no file of the image")
	}
	return r, nil
}

// patchedResult checks a file against what the last patch that changes it
// makes (exps, one per transform of that patch: a patch for several
// targets that all fit), and when it fails, against what the earlier
// patches make: a file one of them makes is not patched by the last.
func patchedResult(root string, exps []*expectation, earlier [][]*expectation) Result {
	var rs []*Result
	for _, e := range exps {
		res := checkPatched(root, e)
		rs = append(rs, &res)
	}
	res := *bestResult(rs)
	if res.Status != StatusFail && res.Status != StatusNotApplied {
		return res
	}
	for i := len(earlier) - 1; i >= 0; i-- {
		for _, e := range earlier[i] {
			if checkPatched(root, e).Status == StatusOK {
				name := exps[0].patch.Package().Name()
				ms := res.Mismatches
				if len(ms) > 0 && ms[0].Field == FieldBase {
					ms = ms[1:]
				}
				res.Status = StatusNotApplied
				res.Mismatches = append([]Mismatch{{Field: FieldBase, Expected: name, Found: e.patch.Package().Name(),
					Message: fmt.Sprintf("it is what %s makes of it: %s is not applied", e.patch.Package().Name(), name)}}, ms...)
				return res
			}
		}
	}
	return res
}

// choosePairs picks, for each patch in sequence order, the transforms that
// take the image's product where it is: the first patches (already
// applied) by their results, walking back from the image, the others by
// their targets, walking on; as many as can be taken by their targets.
// It notes which it chose and why.
func choosePairs(pts []*patch.Patch, pi msi.ProductInfo, r *Report) ([][]*patch.Pair, bool) {
	for k := 0; k <= len(pts); k++ {
		chosen := make([][]*patch.Pair, len(pts))
		notes := make([]string, len(pts))
		note := func(i int, ps []*patch.Pair, why string) {
			pt := pts[i]
			prefix := ""
			if len(pts) > 1 {
				prefix = pt.Package().Name() + ": "
			}
			names := make([]string, len(ps))
			for i, t := range ps {
				names[i] = t.Name
			}
			notes[i] = fmt.Sprintf("%schecked against transform %s, %s", prefix, strings.Join(names, ", "), why)
		}
		ok := true
		state := pi
		for i := k - 1; i >= 0 && ok; i-- {
			var ps []*patch.Pair
			for _, t := range pts[i].Transforms {
				if t.Target.NewProductCode != "" && strings.EqualFold(t.Target.NewProductCode, state.ProductCode) &&
					strings.TrimSpace(t.Target.NewVersion) == strings.TrimSpace(state.ProductVersion) {
					ps = append(ps, t)
				}
			}
			if ok = len(ps) > 0; ok {
				why := fmt.Sprintf("whose result the image's package is (product %s %s)", state.ProductCode, state.ProductVersion)
				if i < k-1 {
					why = fmt.Sprintf("whose result, product %s %s, the later patches apply to", state.ProductCode, state.ProductVersion)
				}
				note(i, ps, why)
				chosen[i] = ps
				state.ProductCode, state.ProductVersion = ps[0].Target.ProductCode, ps[0].Target.Version
			}
		}
		state = pi
		for i := k; i < len(pts) && ok; i++ {
			var ps []*patch.Pair
			for _, t := range pts[i].Transforms {
				if t.Check(state).Applies {
					ps = append(ps, t)
				}
			}
			if ok = len(ps) > 0; ok {
				why := "which the image's package validates against"
				if i > k {
					why = fmt.Sprintf("which validates against product %s %s, what the patches before it make", state.ProductCode, state.ProductVersion)
				}
				note(i, ps, why)
				chosen[i] = ps
				if n := ps[0].Target; n.NewProductCode != "" {
					state.ProductCode, state.ProductVersion = n.NewProductCode, n.NewVersion
				}
			}
		}
		if ok {
			r.Notes = append(r.Notes, notes...)
			return chosen, true
		}
	}
	return nil, false
}

// imagePackage finds the package of an image: the path itself, or the one
// package at the top of the folder.
func imagePackage(image string) (string, error) {
	st, err := infile.Stat(image)
	if err != nil {
		return "", err
	}
	if !st.IsDir() {
		return image, nil
	}
	entries, err := os.ReadDir(image)
	if err != nil {
		return "", err
	}
	var pkgs []string
	for _, e := range entries {
		if e.Type().IsRegular() && strings.EqualFold(filepath.Ext(e.Name()), ".msi") {
			pkgs = append(pkgs, filepath.Join(image, e.Name()))
		}
	}
	switch len(pkgs) {
	case 1:
		return pkgs[0], nil
	case 0:
		return "", fmt.Errorf("%s: %w: no package (.msi) in the folder", image, ErrImage)
	}
	return "", fmt.Errorf("%s: %w: %d packages (%s): give the image's", image, ErrImage, len(pkgs), strings.Join(pkgs, ", "))
}

// expectations gathers, per transform, the files it carries and what they
// become.
// prev holds, by key, what the patches before make of a file: a column
// this one does not give is theirs.
func expectations(pt *patch.Patch, pairs []*patch.Pair, db *msi.Database, rows map[string]*msi.File, prev map[string]*expectation, workers int, r *Report) ([]*expectation, error) {
	members, err := pt.Files(patch.FileOptions{})
	if err != nil {
		return nil, err
	}
	var exps []*expectation
	var whole []*patch.File
	byMember := map[*patch.File]*expectation{}
	for _, t := range pairs {
		changes, err := t.Transform.ChangesFor(db)
		if err != nil {
			return nil, err
		}
		given, hashes := patchedRows(changes)
		for _, m := range members {
			cols, ok := given[m.Key]
			if m.Transform != t.Name || !ok {
				continue
			}
			e := &expectation{patch: pt, pair: t.Name, key: m.Key, member: m, row: rows[m.Key], hash: hashes[m.Key], size: -1}
			if p := prev[m.Key]; p != nil {
				e.name, e.version, e.size = p.name, p.version, p.size
			} else if e.row != nil {
				e.name, e.version, e.size = e.row.LongName, e.row.Version, e.row.Size
			}
			if v, ok := cols["FileName"]; ok {
				n := v.String()
				if _, long, ok := strings.Cut(n, "|"); ok {
					n = long
				}
				e.name = n
			}
			if v, ok := cols["FileSize"]; ok && v.Kind == msi.Integer {
				e.size = int64(v.Int)
			}
			if v, ok := cols["Version"]; ok {
				e.version = v.String()
			}
			if e.name == "" {
				e.name = m.Key
			}
			switch {
			case !m.Delta:
				whole = append(whole, m)
				byMember[m] = e
			case m.DeltaHeader == nil:
				r.Notes = append(r.Notes, fmt.Sprintf("%s is a binary delta (%s) msikit does not read: only its File row is checked", m.Key, m.DeltaFormat))
			}
			exps = append(exps, e)
		}
	}
	// The patch's own bytes of its whole files: the strongest claim.
	var mu sync.Mutex
	err = pt.ReadFiles(whole, msi.ReadOptions{Workers: workers}, func(m *patch.File, rd io.Reader) error {
		h := md5.New()
		n, err := io.Copy(h, rd)
		if err != nil {
			return err
		}
		mu.Lock()
		byMember[m].sum, byMember[m].sumSize = hex.EncodeToString(h.Sum(nil)), n
		mu.Unlock()
		return nil
	})
	if err != nil {
		return nil, err
	}
	return exps, nil
}

// patchedRows collects what a transform's changes give of File rows (the
// columns given, by key) and the MsiFileHash MD5s it inserts or updates.
func patchedRows(changes []transform.TableChange) (map[string]map[string]msi.Value, map[string]string) {
	given := map[string]map[string]msi.Value{}
	hashes := map[string]string{}
	for _, c := range changes {
		for _, rc := range append(append([]transform.RowChange(nil), c.Inserted...), c.Updated...) {
			switch c.Table {
			case "File":
				cols := given[rc.KeyText()]
				if cols == nil {
					cols = map[string]msi.Value{}
					given[rc.KeyText()] = cols
				}
				for i, col := range rc.Columns {
					if i < len(rc.Values) {
						cols[col] = rc.Values[i]
					}
				}
			case "MsiFileHash":
				var sum [16]byte
				n := 0
				for i := range 4 {
					if v, ok := rc.Get(fmt.Sprintf("HashPart%d", i+1)); ok && v.Kind == msi.Integer {
						binary.LittleEndian.PutUint32(sum[4*i:], uint32(v.Int))
						n++
					}
				}
				if n == 4 {
					hashes[rc.KeyText()] = hex.EncodeToString(sum[:])
				}
			}
		}
	}
	return given, hashes
}

// checkPatched observes the image's file of e and compares it with e.
func checkPatched(root string, e *expectation) Result {
	res := Result{Entry: manifest.Entry{Name: e.name, Size: max(e.size, 0), MD5: e.sum}}
	if v, err := manifest.ParseVersion(e.version); err == nil && e.version != "" {
		res.Entry.Version = v
	}
	if res.Entry.MD5 == "" {
		res.Entry.MD5 = e.hash
	}
	d := e.member.DeltaHeader
	switch {
	case e.sum != "":
		res.Entry.Size = e.sumSize
	case d != nil:
		res.Entry.Size = d.NewSize
	}
	if e.row == nil {
		res.Status = StatusNotApplied
		res.Mismatches = []Mismatch{{Field: FieldMissing, Expected: e.key,
			Message: fmt.Sprintf("the image's package has no file %s, which %s adds: the patch is not applied", e.key, e.patch.Package().Name())}}
		return res
	}
	res.Entry.Path = e.row.Path
	f := &File{Path: e.row.Path, Name: e.name, Row: &Row{Key: e.key, Size: e.row.Size, Version: e.row.Version, Language: e.row.Language}}
	if e.row.Hash != nil {
		f.Row.Hash = hex.EncodeToString(e.row.Hash[:])
	}
	full := filepath.Join(root, filepath.FromSlash(e.row.Path))
	body, err := observePatched(f, full, d)
	if errors.Is(err, os.ErrNotExist) {
		res.Status = StatusMissing
		res.Mismatches = []Mismatch{{Field: FieldMissing, Expected: e.row.Path, Message: fmt.Sprintf("no file %s in the image", e.row.Path)}}
		return res
	}
	res.File = f
	if err != nil {
		res.Status = StatusFail
		res.Mismatches = []Mismatch{readProblem(err)}
		return res
	}
	var ms []Mismatch
	add := func(field, want, got, msg string) {
		ms = append(ms, Mismatch{Field: field, Expected: want, Found: got, Message: msg})
	}
	if res.Entry.Size != f.Size && (e.size >= 0 || e.sum != "" || d != nil) {
		add(FieldSize, fmt.Sprint(res.Entry.Size), fmt.Sprint(f.Size), fmt.Sprintf("expected %d bytes, found %d", res.Entry.Size, f.Size))
	}
	if res.Entry.Version != "" && f.Version != "" && f.Version != res.Entry.Version {
		add(FieldVersion, res.Entry.Version, f.Version, fmt.Sprintf("expected %s, found %s", res.Entry.Version, versionText(f.Version)))
	}
	if e.sum != "" && f.MD5 != e.sum {
		add(FieldMD5, e.sum, f.MD5, fmt.Sprintf("expected the patch's bytes, MD5 %s, found %s", e.sum, f.MD5))
	}
	if e.hash != "" && f.MD5 != e.hash {
		add(FieldHash, e.hash, f.MD5, fmt.Sprintf("the patch's MsiFileHash of %s is MD5 %s, the bytes' MD5 is %s", e.key, e.hash, f.MD5))
	}
	if d != nil && f.Size == d.NewSize && !d.IsNew(body) {
		add(FieldCRC32, fmt.Sprintf("%08x", d.NewCRC), f.CRC32, fmt.Sprintf("expected the delta's new file, CRC32 %08x, found %s", d.NewCRC, f.CRC32))
	}
	// The image's package: patched, its row is the patch's.
	unpatched := false
	if e.size >= 0 && e.row.Size != e.size {
		unpatched = true
		ms = append(ms, Mismatch{Field: FieldFileTable, Column: "FileSize", Expected: fmt.Sprint(e.size), Found: fmt.Sprint(e.row.Size),
			Message: fmt.Sprintf("the image's File row %s says %d bytes, the patch's %d: the patch's transform is not applied to the image's package", e.key, e.row.Size, e.size)})
	}
	if e.row.Version != e.version {
		unpatched = true
		ms = append(ms, Mismatch{Field: FieldFileTable, Column: "Version", Expected: e.version, Found: e.row.Version,
			Message: fmt.Sprintf("the image's File row %s says version %q, the patch's %q: the patch's transform is not applied to the image's package", e.key, e.row.Version, e.version)})
	}
	if len(ms) == 0 {
		res.Status = StatusOK
		return res
	}
	res.Status = StatusFail
	if base := baseOf(f, body, d, e, unpatched); base != "" {
		res.Status = StatusNotApplied
		ms = append([]Mismatch{{Field: FieldBase, Expected: "the patched file", Found: base,
			Message: fmt.Sprintf("still the file the patch changes (%s): the patch is not applied", base)}}, ms...)
	}
	res.Mismatches = ms
	return res
}

// observePatched reads the image's file at full into f, and returns its
// bytes when a delta's header must see them (its size is the new file's
// or an old file's).
func observePatched(f *File, full string, d *pa19.Patch) ([]byte, error) {
	st, err := os.Lstat(full)
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not a regular file", f.Path)
	}
	fh, err := infile.Open(full)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	if err := observeReaderAt(f, fh, st.Size(), false); err != nil {
		return nil, err
	}
	if d == nil || f.Size > maxPatchedFile {
		return nil, nil
	}
	want := f.Size == d.NewSize
	for _, o := range d.Olds {
		want = want || f.Size == o.Size
	}
	if !want {
		return nil, nil
	}
	body := make([]byte, f.Size)
	if _, err := fh.ReadAt(body, 0); err != nil && !errors.Is(err, io.EOF) {
		return nil, err
	}
	f.CRC32 = fmt.Sprintf("%08x", crc32.ChecksumIEEE(body))
	return body, nil
}

// baseOf says how f is still the file the patch changes, or "": a
// delta's base by size and CRC32; a whole file, while the image's package
// is not patched, by what its File row says of the file before.
func baseOf(f *File, body []byte, d *pa19.Patch, e *expectation, unpatched bool) string {
	if d != nil {
		if body == nil {
			return ""
		}
		if _, err := d.Check(body); err != nil {
			return ""
		}
		return fmt.Sprintf("the delta's base: %d bytes with CRC32 %s", f.Size, f.CRC32)
	}
	r := f.Row
	if !unpatched || f.Size != r.Size || (r.Hash != "" && r.Hash != f.MD5) {
		return ""
	}
	if v, err := manifest.ParseVersion(r.Version); err == nil && r.Version != "" && v != f.Version {
		return ""
	}
	return fmt.Sprintf("the image's File row before the patch: %d bytes, version %s", r.Size, orNone(r.Version))
}

// bestResult is the result of the first transform the file is what it
// makes, else the first that says it is not applied, else the first.
func bestResult(rs []*Result) *Result {
	for _, st := range []Status{StatusOK, StatusNotApplied} {
		for _, r := range rs {
			if r.Status == st {
				return r
			}
		}
	}
	return rs[0]
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}
