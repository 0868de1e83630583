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
// marked as an image and its files, or that package) against a patch: for
// each file the patch carries, that the image's file is what the patch
// makes of it once applied (msiexec /a PKG /p PATCH, msikit admin --patch).
// What the patch says comes from its own tables and bytes: the File rows
// its transform gives (over the image's row: the columns it does not
// change are the image's either way), its MsiFileHash rows, the MD5 and
// size of a whole file in its cabinet, and for a PA19 delta the new file's
// size and CRC32 from the delta's header. The transforms checked are those
// whose target the image is (an image not patched yet) or whose result it
// is (product code and version).
//
// A file that is still the one the patch changes (a PA19 delta's base, by
// size and CRC32; or, while the image's package is not patched either, the
// size, version and hash its File row gives) is StatusNotApplied; one that
// is neither is StatusFail with what was expected and found. A File row of
// the image that is not the patch's says the image's package is not
// patched (FieldFileTable). The Report is named after the patch (Manifest,
// its file name; Variant, its patch code) and has KindImage.
//
// Of o, Workers and Progress apply.
func Patch(pt *patch.Patch, image string, o Options) (*Report, error) {
	if o.Workers <= 0 {
		o.Workers = runtime.GOMAXPROCS(0)
	}
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
	r := &Report{Manifest: pt.Package().Name(), Variant: pt.Code, Source: image, Kind: KindImage}
	pairs := patchPairs(pt, pi, r)
	if len(pairs) == 0 {
		return nil, fmt.Errorf("%w: %s is %s %s, neither the target nor the result of any of the patch's transforms", patch.ErrNotApplicable,
			pkgPath, orNone(pi.ProductCode), orNone(pi.ProductVersion))
	}
	list, err := msi.FileList(db, msi.FileOptions{Layout: msi.LayoutAdmin})
	if err != nil {
		return nil, newSourceError(pkgPath, "package", err)
	}
	rows := make(map[string]*msi.File, len(list))
	for _, f := range list {
		rows[f.Key] = f
	}
	exps, err := expectations(pt, pairs, db, rows, o.Workers, r)
	if err != nil {
		return nil, err
	}
	var total, done int64
	for _, e := range exps {
		total += max(e.size, 0)
	}
	var order []string
	byKey := map[string][]*Result{}
	for _, e := range exps {
		res := checkPatched(root, e)
		if _, ok := byKey[e.key]; !ok {
			order = append(order, e.key)
		}
		byKey[e.key] = append(byKey[e.key], &res)
		if o.Progress != nil {
			done += max(e.size, 0)
			o.Progress(done, total)
		}
	}
	// A file several transforms change (a patch for several targets that
	// all fit) is ok if it is what one of them makes.
	for _, key := range order {
		r.Results = append(r.Results, *bestResult(byKey[key]))
	}
	if len(r.Results) == 0 {
		r.Notes = append(r.Notes, "the patch changes no file of the image")
	}
	return r, nil
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

// patchPairs chooses the transforms the image is the target of (a patch
// not applied to it yet) or the result of, and notes which and why.
func patchPairs(pt *patch.Patch, pi msi.ProductInfo, r *Report) []*patch.Pair {
	var target, result []*patch.Pair
	for _, t := range pt.Transforms {
		switch {
		case t.Check(pi).Applies:
			target = append(target, t)
		case t.Target.NewProductCode != "" && strings.EqualFold(t.Target.NewProductCode, pi.ProductCode) &&
			strings.TrimSpace(t.Target.NewVersion) == strings.TrimSpace(pi.ProductVersion):
			result = append(result, t)
		}
	}
	names := func(ps []*patch.Pair) string {
		s := make([]string, len(ps))
		for i, t := range ps {
			s[i] = t.Name
		}
		return strings.Join(s, ", ")
	}
	if len(target) > 0 {
		r.Notes = append(r.Notes, fmt.Sprintf("checked against transform %s, which the image's package validates against", names(target)))
		return target
	}
	if len(result) > 0 {
		r.Notes = append(r.Notes, fmt.Sprintf("checked against transform %s, whose result the image's package is (product %s %s)", names(result), pi.ProductCode, pi.ProductVersion))
	}
	return result
}

// expectations gathers, per transform, the files it carries and what they
// become.
func expectations(pt *patch.Patch, pairs []*patch.Pair, db *msi.Database, rows map[string]*msi.File, workers int, r *Report) ([]*expectation, error) {
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
			e := &expectation{pair: t.Name, key: m.Key, member: m, row: rows[m.Key], hash: hashes[m.Key], size: -1}
			if e.row != nil {
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
			Message: fmt.Sprintf("the image's package has no file %s, which the patch adds: the patch is not applied", e.key)}}
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
