package patch

import (
	"crypto/sha1"
	"crypto/sha256"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/msikit/msikit/cab"
	"github.com/msikit/msikit/internal/safepath"
	"github.com/msikit/msikit/msi"
	"github.com/msikit/msikit/msi/transform"
)

// FileAttrPatchAdded marks a file a patch adds (msidbFileAttributesPatchAdded).
const FileAttrPatchAdded = 0x1000

// defaultValidation is what Create's main transform checks unless told
// otherwise, as WiX writes it: the product code, the upgrade code and the
// update version (equal to the target's); the row and table errors are
// ignored.
var defaultValidation = transform.Validation{
	Checks: transform.ValidateProduct | transform.ValidateUpdateVersion | transform.ValidateNewEqualBaseVersion | transform.ValidateUpgradeCode,
	Ignore: transform.IgnoreAddExistingRow | transform.IgnoreDelMissingRow | transform.IgnoreAddExistingTable | transform.IgnoreDelMissingTable | transform.IgnoreUpdateMissingRow,
}

// CreateOptions describe the patch Create makes. Zero values get
// defaults derived from the two packages, so that the same inputs give
// the same patch.
type CreateOptions struct {
	PatchCode      string // {GUID}; default derived from the products and versions
	Name           string // the transform pair's name; default "Target01"
	Family         string // MsiPatchSequence family; default "Family01"
	Classification string // MsiPatchMetadata; default "Update"
	DisplayName    string
	Manufacturer   string
	// Validation is what the main transform checks before it applies;
	// the default, as WiX writes it, checks the product code, the update
	// version (equal to the target's) and the upgrade code, and ignores
	// the row and table errors.
	Validation *transform.Validation
	Created    time.Time // summary times; default the new package's save time
}

// Member is a file the patch's cabinet carries.
type Member struct {
	Key      string
	Modified time.Time
	Size     int64
	Open     func() (io.ReadCloser, error)
}

// Build is a patch made by Create, to be saved. Members may be
// added to its cabinet before saving.
type Build struct {
	DB      *msi.Database
	Cabinet string // the cabinet stream's name
	Members []Member
	Files   []string // the File keys the patch updates or adds
	// Compression of the cabinet: MSZIP unless set (cab.MethodNone).
	Compression *cab.Compression
	temp        string
	unregister  func() // ends the removal of temp on safepath.Abort
}

// Close removes the temporary files the build keeps until it is saved.
func (b *Build) Close() error {
	if b.unregister != nil {
		b.unregister()
	}
	return os.RemoveAll(b.temp)
}

// Save writes the patch: its cabinet first (to a temporary file, so
// memory stays flat), then the compound file.
func (b *Build) Save(w io.Writer) error {
	f, err := os.CreateTemp(b.temp, "cab-*")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	defer f.Close()
	var opts []cab.WriterOption
	if b.Compression != nil {
		opts = append(opts, cab.WithCompression(*b.Compression))
	}
	cw := cab.NewWriter(f, opts...)
	for _, m := range b.Members {
		fw, err := cw.Create(m.Key, m.Modified)
		if err != nil {
			return err
		}
		r, err := m.Open()
		if err != nil {
			return err
		}
		_, err = io.Copy(fw, r)
		r.Close()
		if err != nil {
			return err
		}
	}
	if err := cw.Close(); err != nil {
		return err
	}
	size, err := f.Seek(0, io.SeekCurrent)
	if err != nil {
		return err
	}
	name := f.Name()
	b.DB.SetStreamFunc(b.Cabinet, size, func() (io.ReadCloser, error) { return os.Open(name) })
	return b.DB.Save(w)
}

// Create makes the patch (.msp) that updates the package old to new:
// a transform pair (the changes to every table, with the changed files
// renumbered into the patch's own media; and the patch's Media and
// PatchPackage rows), a cabinet of the files whose bytes differ, its
// MsiPatchSequence and MsiPatchMetadata tables and its summary
// information. Close the result when done.
func Create(old, new *msi.Package, o CreateOptions) (*Build, error) {
	if old.Kind() != msi.KindDatabase || new.Kind() != msi.KindDatabase {
		return nil, fmt.Errorf("%w: a patch is made from two databases", msi.ErrUnsupported)
	}
	oldDB, err := old.Database()
	if err != nil {
		return nil, err
	}
	newDB, err := new.Database()
	if err != nil {
		return nil, err
	}
	oi, _ := msi.ReadProductInfo(oldDB)
	ni, _ := msi.ReadProductInfo(newDB)
	if o.Name == "" {
		o.Name = "Target01"
	}
	if o.Family == "" {
		o.Family = "Family01"
	}
	if o.Classification == "" {
		o.Classification = "Update"
	}
	if o.PatchCode == "" {
		h := sha1.Sum([]byte("msikit patch\x00" + oi.ProductCode + oi.ProductVersion + "\x00" + ni.ProductCode + ni.ProductVersion))
		h[6], h[8] = h[6]&0x0f|0x50, h[8]&0x3f|0x80
		o.PatchCode = fmt.Sprintf("{%08X-%04X-%04X-%04X-%012X}", h[0:4], h[4:6], h[6:8], h[8:10], h[10:16])
	}
	if o.Validation == nil {
		v := defaultValidation
		o.Validation = &v
	}
	if o.Created.IsZero() && newDB.Summary != nil {
		o.Created = newDB.Summary.LastSaved
	}
	if o.DisplayName == "" {
		o.DisplayName = "Update of " + strings.TrimSpace(propertyOf(newDB, "ProductName")+" "+ni.ProductVersion)
	}
	if o.Manufacturer == "" {
		o.Manufacturer = propertyOf(newDB, "Manufacturer")
	}

	// Which files changed: compare their bytes. The new package is read
	// once: each file is hashed as it is copied to a spool file, where
	// it stays only if it changed, for the cabinet.
	oldSums, err := fileSums(old)
	if err != nil {
		return nil, err
	}
	newFiles, err := msi.FileList(new, msi.FileOptions{})
	if err != nil {
		return nil, err
	}
	b := &Build{Cabinet: "PCW_CAB_" + identifierOf(o.Name)}
	if b.temp, err = os.MkdirTemp("", "msikit-patch-"); err != nil {
		return nil, err
	}
	// The spool holds copies of changed files, possibly large: a command
	// stopped by a signal (safepath.Abort) removes it, as it removes its
	// other temporary files.
	temp := b.temp
	b.unregister = safepath.OnAbort(func() { os.RemoveAll(temp) })
	fail := func(err error) (*Build, error) {
		b.Close()
		return nil, err
	}
	kept, err := spoolChanged(new, newFiles, oldSums, b.temp)
	if err != nil {
		return fail(err)
	}
	maxSeq, maxDisk := 0, 0
	for _, db := range []*msi.Database{oldDB, newDB} {
		if t := lookupTable(db, "File"); t != nil {
			for _, r := range t.Rows {
				s := r.Int("Sequence")
				maxSeq = max(maxSeq, int(s))
			}
		}
		if t := lookupTable(db, "Media"); t != nil {
			for _, r := range t.Rows {
				d := r.Int("DiskId")
				maxDisk = max(maxDisk, int(d))
			}
		}
	}
	seq := maxSeq
	changed := map[string]int{} // File key: its new sequence number
	for _, f := range newFiles {
		if _, ok := kept[f.Key]; !ok {
			continue
		}
		seq++
		changed[f.Key] = seq
		b.Files = append(b.Files, f.Key)
	}
	sort.Strings(b.Files)
	if t := lookupTable(newDB, "File"); t != nil {
		si, ai := t.Index("Sequence"), t.Index("Attributes")
		for _, r := range t.Rows {
			n, ok := changed[r.Values[0].Str]
			if !ok {
				continue
			}
			r.Values[si] = msi.IntValue(int32(n))
			if _, existed := oldSums[r.Values[0].Str]; !existed && ai >= 0 {
				a := r.Values[ai].Int | FileAttrPatchAdded
				r.Values[ai] = msi.IntValue(a)
			}
		}
	}
	// The patch's own rows: its media and its PatchPackage entry.
	own, err := old.Database()
	if err != nil {
		return fail(err)
	}
	media := lookupTable(own, "Media")
	if media == nil {
		if media, err = own.CreateTable("Media", msi.StandardColumns("Media")[0]); err != nil {
			return fail(err)
		}
	}
	disk := maxDisk + 1
	if _, err := media.AddRow(msi.IntValue(int32(disk)), msi.IntValue(int32(max(seq, maxSeq+1))), msi.Value{}, msi.StringValue("#"+b.Cabinet), msi.Value{}, msi.StringValue("PATCHMedia")); err != nil {
		return fail(err)
	}
	pp := lookupTable(own, "PatchPackage")
	if pp == nil {
		if pp, err = own.CreateTable("PatchPackage", msi.StandardColumns("PatchPackage")[0]); err != nil {
			return fail(err)
		}
	}
	if _, err := pp.AddRow(msi.StringValue(o.PatchCode), msi.IntValue(int32(disk))); err != nil {
		return fail(err)
	}
	// The pair: the changes to the target's tables, and the patch's own
	// rows.
	main, err := transform.Diff(oldDB, newDB)
	if err != nil {
		return fail(err)
	}
	companion, err := transform.Diff(oldDB, own)
	if err != nil {
		return fail(err)
	}
	db := msi.NewDatabase(newDB.Codepage)
	db.Kind = msi.KindPatch
	seqT, err := db.CreateTable("MsiPatchSequence", msi.StandardColumns("MsiPatchSequence")[0])
	if err != nil {
		return fail(err)
	}
	if _, err := seqT.AddRow(msi.StringValue(o.Family), msi.Value{}, msi.StringValue(fullVersion(ni.ProductVersion)), msi.Value{}); err != nil {
		return fail(err)
	}
	meta, err := db.CreateTable("MsiPatchMetadata", msi.StandardColumns("MsiPatchMetadata")[0])
	if err != nil {
		return fail(err)
	}
	for _, kv := range [][2]string{
		{"AllowRemoval", "0"}, {"Classification", o.Classification}, {"DisplayName", o.DisplayName},
		{"ManufacturerName", o.Manufacturer}, {"TargetProductName", propertyOf(oldDB, "ProductName")},
	} {
		if kv[1] == "" {
			continue
		}
		if _, err := meta.AddRow(msi.Value{}, msi.StringValue(kv[0]), msi.StringValue(kv[1])); err != nil {
			return fail(err)
		}
	}
	db.Summary = &msi.SummaryInfo{
		Codepage: newDB.Codepage, Title: o.DisplayName, Subject: o.DisplayName, Author: o.Manufacturer,
		Keywords: "Installer,Patch,PCP", Comments: "Made by msikit from " + old.Name() + " and " + new.Name() + ".",
		Template: oi.ProductCode, LastSavedBy: ":" + o.Name + ";:#" + o.Name, RevisionNumber: o.PatchCode,
		Created: o.Created, LastSaved: o.Created, WordCount: 3, Security: 2, AppName: "msikit",
	}
	if err := main.Embed(db, o.Name, transform.Options{Validation: *o.Validation}); err != nil {
		return fail(err)
	}
	if err := companion.Embed(db, "#"+o.Name, transform.Options{}); err != nil {
		return fail(err)
	}
	b.DB = db
	byKey := map[string]*msi.File{}
	for _, f := range newFiles {
		byKey[f.Key] = f
	}
	for _, k := range b.Files {
		sp := kept[k]
		b.Members = append(b.Members, Member{Key: k, Size: byKey[k].Size, Modified: sp.modified, Open: sp.open})
	}
	return b, nil
}

// spooled is a changed file's bytes in the spool file.
type spooled struct {
	path     string
	off, n   int64
	modified time.Time
}

func (sp spooled) open() (io.ReadCloser, error) {
	f, err := os.Open(sp.path)
	if err != nil {
		return nil, err
	}
	return struct {
		io.Reader
		io.Closer
	}{io.NewSectionReader(f, sp.off, sp.n), f}, nil
}

// spoolChanged reads every file of p once and keeps, in a spool file in
// dir, those whose bytes are not the ones oldSums records (or that it
// does not record), by File key.
func spoolChanged(p *msi.Package, files []*msi.File, oldSums map[string][32]byte, dir string) (map[string]spooled, error) {
	f, err := os.CreateTemp(dir, "files-*")
	if err != nil {
		return nil, err
	}
	defer f.Close()
	kept := map[string]spooled{}
	var off int64
	// One worker: the files arrive one after the other.
	_, err = p.ReadFiles(files, msi.ReadOptions{Workers: 1}, func(c msi.FileContent) error {
		start := off
		h := sha256.New()
		n, err := io.Copy(io.MultiWriter(h, f), c.Reader)
		off += n
		if err != nil {
			return err
		}
		var sum [32]byte
		copy(sum[:], h.Sum(nil))
		if old, ok := oldSums[c.File.Key]; ok && old == sum {
			off = start
			if err := f.Truncate(start); err != nil {
				return err
			}
			_, err := f.Seek(start, io.SeekStart)
			return err
		}
		kept[c.File.Key] = spooled{path: f.Name(), off: start, n: n, modified: c.Modified}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return kept, f.Close()
}

// fileSums hashes every file of a package, by File key.
func fileSums(p *msi.Package) (map[string][32]byte, error) {
	files, err := msi.FileList(p, msi.FileOptions{})
	if err != nil {
		return nil, err
	}
	out := map[string][32]byte{}
	_, err = p.ReadFiles(files, msi.ReadOptions{}, func(c msi.FileContent) error {
		h := sha256.New()
		if _, err := io.Copy(h, c.Reader); err != nil {
			return err
		}
		var s [32]byte
		copy(s[:], h.Sum(nil))
		out[c.File.Key] = s
		return nil
	})
	return out, err
}

func propertyOf(db *msi.Database, name string) string {
	if t := lookupTable(db, "Property"); t != nil {
		if r, ok := t.Lookup(name); ok {
			return r.String("Value")
		}
	}
	return ""
}

// fullVersion pads a version to four fields, as MsiPatchSequence wants.
func fullVersion(v string) string {
	for strings.Count(v, ".") < 3 {
		v += ".0"
	}
	return v
}

func identifierOf(s string) string {
	var b strings.Builder
	for _, c := range s {
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' {
			b.WriteRune(c)
		} else {
			b.WriteByte('_')
		}
	}
	return b.String()
}
