package msi

import (
	"bytes"
	"crypto/sha1"
	"crypto/sha256"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/msikit/msikit/cab"
)

// FileAttrPatchAdded marks a file a patch adds (msidbFileAttributesPatchAdded).
const FileAttrPatchAdded = 0x1000

// PatchOptions describe the patch CreatePatch makes. Zero values get
// defaults derived from the two packages, so that the same inputs give
// the same patch.
type PatchOptions struct {
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
	Validation *TransformValidation
	Created    time.Time // summary times; default the new package's save time
}

// PatchMember is a file the patch's cabinet carries.
type PatchMember struct {
	Key      string
	Modified time.Time
	Size     int64
	Open     func() (io.ReadCloser, error)
}

// PatchBuild is a patch made by CreatePatch, to be saved. Members may be
// added to its cabinet before saving.
type PatchBuild struct {
	DB      *Database
	Cabinet string // the cabinet stream's name
	Members []PatchMember
	Files   []string // the File keys the patch updates or adds
	// Compression of the cabinet: MSZIP unless set (cab.MethodNone).
	Compression *cab.Compression
	temp        string
}

// Close removes the temporary files the build keeps until it is saved.
func (b *PatchBuild) Close() error {
	return os.RemoveAll(b.temp)
}

// Save writes the patch: its cabinet first (to a temporary file, so
// memory stays flat), then the compound file.
func (b *PatchBuild) Save(w io.Writer) error {
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

// CreatePatch makes the patch (.msp) that updates the package old to new:
// a transform pair (the changes to every table, with the changed files
// renumbered into the patch's own media; and the patch's Media and
// PatchPackage rows), a cabinet of the files whose bytes differ, its
// MsiPatchSequence and MsiPatchMetadata tables and its summary
// information. Close the result when done.
func CreatePatch(old, new *Package, o PatchOptions) (*PatchBuild, error) {
	if old.Kind() != KindDatabase || new.Kind() != KindDatabase {
		return nil, fmt.Errorf("%w: a patch is made from two databases", ErrUnsupported)
	}
	oldDB, err := old.Database()
	if err != nil {
		return nil, err
	}
	newDB, err := new.Database()
	if err != nil {
		return nil, err
	}
	oi, _ := ReadProductInfo(oldDB)
	ni, _ := ReadProductInfo(newDB)
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
		o.Validation = &TransformValidation{Checks: ValidateProduct | ValidateUpdateVersion | ValidateNewEqualBaseVersion | ValidateUpgradeCode, IgnoreErrors: 0x1F}
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

	// Which files changed: compare their bytes.
	oldSums, err := fileSums(old)
	if err != nil {
		return nil, err
	}
	newFiles, err := FileList(new, FileOptions{})
	if err != nil {
		return nil, err
	}
	newSums, err := fileSums(new)
	if err != nil {
		return nil, err
	}
	maxSeq, maxDisk := 0, 0
	for _, db := range []*Database{oldDB, newDB} {
		if t := lookupTable(db, "File"); t != nil {
			for _, r := range t.Rows {
				s, _ := r.Int("Sequence")
				maxSeq = max(maxSeq, int(s))
			}
		}
		if t := lookupTable(db, "Media"); t != nil {
			for _, r := range t.Rows {
				d, _ := r.Int("DiskId")
				maxDisk = max(maxDisk, int(d))
			}
		}
	}
	b := &PatchBuild{Cabinet: "PCW_CAB_" + identifierOf(o.Name)}
	if b.temp, err = os.MkdirTemp("", "msikit-patch-"); err != nil {
		return nil, err
	}
	fail := func(err error) (*PatchBuild, error) {
		b.Close()
		return nil, err
	}
	seq := maxSeq
	changed := map[string]int{} // File key: its new sequence number
	for _, f := range newFiles {
		if sum, ok := oldSums[f.Key]; ok && sum == newSums[f.Key] {
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
			r.Values[si] = IntValue(int32(n))
			if _, existed := oldSums[r.Values[0].Str]; !existed && ai >= 0 {
				a := r.Values[ai].Int | FileAttrPatchAdded
				r.Values[ai] = IntValue(a)
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
		if media, err = own.CreateTable("Media", mediaColumns); err != nil {
			return fail(err)
		}
	}
	disk := maxDisk + 1
	if _, err := media.AddRow(IntValue(int32(disk)), IntValue(int32(max(seq, maxSeq+1))), Value{}, StringValue("#"+b.Cabinet), Value{}, StringValue("PATCHMedia")); err != nil {
		return fail(err)
	}
	pp := lookupTable(own, "PatchPackage")
	if pp == nil {
		if pp, err = own.CreateTable("PatchPackage", patchPackageColumns); err != nil {
			return fail(err)
		}
	}
	if _, err := pp.AddRow(StringValue(o.PatchCode), IntValue(int32(disk))); err != nil {
		return fail(err)
	}
	// The pair: the changes to the target's tables, and the patch's own
	// rows.
	main, err := Diff(oldDB, newDB)
	if err != nil {
		return fail(err)
	}
	companion, err := Diff(oldDB, own)
	if err != nil {
		return fail(err)
	}
	db := NewDatabase(newDB.Codepage)
	db.Kind = KindPatch
	seqT, err := db.CreateTable("MsiPatchSequence", msiPatchSequenceColumns)
	if err != nil {
		return fail(err)
	}
	if _, err := seqT.AddRow(StringValue(o.Family), Value{}, StringValue(fullVersion(ni.ProductVersion)), Value{}); err != nil {
		return fail(err)
	}
	meta, err := db.CreateTable("MsiPatchMetadata", msiPatchMetadataColumns)
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
		if _, err := meta.AddRow(Value{}, StringValue(kv[0]), StringValue(kv[1])); err != nil {
			return fail(err)
		}
	}
	db.Summary = &SummaryInfo{
		Codepage: newDB.Codepage, Title: o.DisplayName, Subject: o.DisplayName, Author: o.Manufacturer,
		Keywords: "Installer,Patch,PCP", Comments: "Made by msikit from " + old.Name() + " and " + new.Name() + ".",
		Template: oi.ProductCode, LastSavedBy: ":" + o.Name + ";:#" + o.Name, RevisionNumber: o.PatchCode,
		Created: o.Created, LastSaved: o.Created, WordCount: 3, Security: 2, AppName: "msikit",
	}
	v := *o.Validation
	if err := main.Embed(db, o.Name, TransformOptions{Validation: v.Checks, Suppress: TransformErrors(v.IgnoreErrors)}); err != nil {
		return fail(err)
	}
	if err := companion.Embed(db, "#"+o.Name, TransformOptions{}); err != nil {
		return fail(err)
	}
	b.DB = db
	byKey := map[string]*File{}
	for _, f := range newFiles {
		byKey[f.Key] = f
	}
	for _, k := range b.Files {
		f := byKey[k]
		b.Members = append(b.Members, PatchMember{Key: k, Size: f.Size, Open: fileOpener(new, f)})
	}
	if err := b.stampMembers(new); err != nil {
		return fail(err)
	}
	return b, nil
}

// stampMembers gives the members their cabinet time stamps from the new
// package.
func (b *PatchBuild) stampMembers(new *Package) error {
	files, err := FileList(new, FileOptions{})
	if err != nil {
		return err
	}
	want := map[string]*PatchMember{}
	var sel []*File
	for i := range b.Members {
		want[b.Members[i].Key] = &b.Members[i]
	}
	for _, f := range files {
		if want[f.Key] != nil {
			sel = append(sel, f)
		}
	}
	_, err = new.ReadFiles(sel, ReadOptions{}, func(c FileContent) error {
		want[c.File.Key].Modified = c.Modified
		return nil
	})
	return err
}

// fileOpener reads one file of a package when the cabinet is written.
func fileOpener(p *Package, f *File) func() (io.ReadCloser, error) {
	return func() (io.ReadCloser, error) {
		var buf bytes.Buffer
		_, err := p.ReadFiles([]*File{f}, ReadOptions{}, func(c FileContent) error {
			_, err := buf.ReadFrom(c.Reader)
			return err
		})
		if err != nil {
			return nil, err
		}
		return io.NopCloser(&buf), nil
	}
}

// fileSums hashes every file of a package, by File key.
func fileSums(p *Package) (map[string][32]byte, error) {
	files, err := FileList(p, FileOptions{})
	if err != nil {
		return nil, err
	}
	out := map[string][32]byte{}
	_, err = p.ReadFiles(files, ReadOptions{}, func(c FileContent) error {
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

func propertyOf(db *Database, name string) string {
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

// Columns of the tables a patch writes, as the Windows Installer schema
// gives them.
var (
	strCol       = func(name string, t ColumnType) Column { return Column{Name: name, Type: TypeString | TypeNoBinary | t} }
	mediaColumns = []Column{
		{Name: "DiskId", Type: TypeNoBinary | TypeKey | 2}, {Name: "LastSequence", Type: 4},
		strCol("DiskPrompt", TypeLocalizable|TypeNullable|64), strCol("Cabinet", TypeNullable|255),
		strCol("VolumeLabel", TypeNullable|32), strCol("Source", TypeNullable|72),
	}
	patchPackageColumns     = []Column{strCol("PatchId", TypeKey|38), {Name: "Media_", Type: TypeNoBinary | 2}}
	msiPatchSequenceColumns = []Column{strCol("PatchFamily", TypeKey|72), strCol("ProductCode", TypeKey|TypeNullable|38),
		strCol("Sequence", 72), {Name: "Attributes", Type: TypeNullable | 4}}
	msiPatchMetadataColumns = []Column{strCol("Company", TypeKey|TypeNullable|72), strCol("Property", TypeKey|72), strCol("Value", TypeLocalizable)}
)
