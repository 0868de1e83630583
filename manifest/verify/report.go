package verify

import (
	"fmt"
	"strings"
	"time"

	"github.com/msikit/msikit/manifest"
)

// Source kinds, Report.Kind. A download given as the source (read with
// package container) has its kind's name instead: zip, burn,
// installshield or exe-cab.
const (
	KindPackage = "package"
	KindCabinet = "cabinet"
	KindFolder  = "folder"
)

// Status of an entry.
type Status string

// Statuses, Result.Status.
const (
	StatusOK      Status = "ok"
	StatusFail    Status = "fail"    // matched to a file that differs
	StatusMissing Status = "missing" // no file of the entry's name
	// StatusNotApplied is for an image checked against a patch (Patch):
	// the file is still the one the patch changes.
	StatusNotApplied Status = "not-applied"
)

// Fields a Mismatch is about. Each names one claim: of the manifest's
// entry (size, version, platform, date, sha256, md5, path), of the
// package's tables (file-table, hash), or of the file itself (checksum,
// read).
const (
	FieldMissing   = "missing"    // no file for the entry
	FieldExtra     = "extra"      // a file for no entry
	FieldSize      = "size"       // bytes
	FieldVersion   = "version"    // PE file version; also a version resource that contradicts itself
	FieldPlatform  = "platform"   // PE machine, against the entry or the file's folder
	FieldDate      = "date"       // date and time (UTC)
	FieldSHA256    = "sha256"     // the entry's digest
	FieldMD5       = "md5"        // the entry's digest
	FieldPath      = "path"       // the entry's path
	FieldFileTable = "file-table" // a File table column (Mismatch.Column) against the bytes
	FieldHash      = "hash"       // the MsiFileHash row against the bytes' MD5
	FieldChecksum  = "checksum"   // the PE optional header checksum against the bytes
	FieldRead      = "read"       // the bytes could not be read (damaged cabinet, say)
	FieldBase      = "base"       // (Patch) the file is still the one the patch changes
	FieldCRC32     = "crc32"      // (Patch) a PA19 delta's new file CRC32 against the bytes
)

// Mismatch is one claim that does not hold.
type Mismatch struct {
	Field string
	// Column is the File table column, for FieldFileTable.
	Column string
	// Expected is the claim (the manifest's, the table's, the folder's),
	// Found what the bytes show; either may be empty.
	Expected, Found string
	// Message says it in a sentence, for people.
	Message string
}

func (m Mismatch) String() string { return m.Field + ": " + m.Message }

// File is one file a source holds, as observed.
type File struct {
	// Container is the package or cabinet holding the file, relative to
	// the source folder; "" for a loose file, or a file of the package
	// or cabinet that is the source itself.
	Container string
	// Path is the file's slash-separated path in its container (the
	// package's administrative layout) or folder.
	Path string
	Name string
	Size int64
	// Modified is the UTC wall-clock time: the cabinet's, or the
	// modification time read in Options.Location.
	Modified time.Time
	// Version is the VS_FIXEDFILEINFO file version (a.b.c.d), manifest.NA
	// for a file that is not a PE image or has no version resource, or ""
	// when it could not be read (VersionError says why).
	Version      string
	VersionError string
	// Platform is a manifest platform (x86, x64, ia64, ...), manifest.NA
	// for a file that is not a PE image, or "" when not read. Machine is
	// the PE machine field, 0 for other files.
	Platform string
	Machine  uint16
	// MD5 and SHA256 are lowercase hex digests (SHA256 only when the
	// manifest has any).
	MD5, SHA256 string
	// CRC32 is the lowercase hex CRC32, read only where a binary delta's
	// header is compared with the file (Patch).
	CRC32 string
	// Row is the File table row of a file in a package.
	Row *Row
	// Problems are the mismatches the file has whatever the entry: its
	// File table row, its folder's platform, its version resource or PE
	// checksum contradicting its bytes, or bytes that could not be read.
	Problems []Mismatch

	folderPlatform string   // the platform its nearest folder is named after
	languages      []uint16 // of its version resource: translations and the resource's language
	loose          bool     // a file of a folder, dated by its modification time
}

// Row is what a package's tables say of a file.
type Row struct {
	Key      string // the File column
	Size     int64  // FileSize
	Version  string // Version: a version, a companion file's key, or ""
	Language string
	// Hash is the MsiFileHash MD5 in hex, "" when the table has no row.
	Hash string
}

// Where names the file: "inner.msi!bin/x.dll" inside a container.
func (f *File) Where() string {
	if f.Container != "" {
		return f.Container + "!" + f.Path
	}
	return f.Path
}

// Result is the verdict on one entry.
type Result struct {
	Entry  manifest.Entry
	Status Status
	// File is the file matched to the entry, nil when missing.
	File       *File
	Mismatches []Mismatch
}

// Report is the verification of one source against one variant.
type Report struct {
	Manifest string
	Variant  string
	// Detected tells a variant chosen from the files' versions, with
	// the score of each variant.
	Detected bool
	Scores   []manifest.Score
	// Source is the path given, Kind what it is.
	Source string
	Kind   string
	// Results has one element per entry of the variant, in its order.
	Results []Result
	// Extra lists the files no entry matched, in path order.
	Extra []*File
	// AllowExtra is Options.AllowExtra: extra files do not fail.
	AllowExtra bool
	// Notes are things that were not verified and why (a package inside
	// a folder that could not be opened, say); they do not fail.
	Notes []string
	// Signatures are the packages' signature checks (Options.Signatures),
	// in path order; one that Fails fails the report.
	Signatures []Signature
}

// Summary counts a report's results.
type Summary struct {
	Entries, OK, Failed, Missing, Extra int
	NotApplied                          int // (Patch) files still the ones the patch changes
}

// Summary counts the report's results.
func (r *Report) Summary() Summary {
	s := Summary{Entries: len(r.Results), Extra: len(r.Extra)}
	for _, res := range r.Results {
		switch res.Status {
		case StatusOK:
			s.OK++
		case StatusFail:
			s.Failed++
		case StatusMissing:
			s.Missing++
		case StatusNotApplied:
			s.NotApplied++
		}
	}
	return s
}

// OK reports whether the source is exactly what the variant lists.
func (r *Report) OK() bool {
	s := r.Summary()
	for _, sig := range r.Signatures {
		if sig.Fails() {
			return false
		}
	}
	return s.OK == s.Entries && (s.Extra == 0 || r.AllowExtra)
}

// ExtraMismatches are the mismatches reported for an extra file: that it
// is extra, then its own problems.
func (r *Report) ExtraMismatches(f *File) []Mismatch {
	m := Mismatch{Field: FieldExtra, Found: f.Where(),
		Message: fmt.Sprintf("%s matches no entry of %s %s", f.Where(), r.Manifest, r.Variant)}
	for _, res := range r.Results {
		if res.Entry.MatchesName(f.Name) {
			m.Message = fmt.Sprintf("%s is another file named %s; entry %s is %s", f.Where(), f.Name, res.Entry.String(), describeMatch(res))
			break
		}
	}
	return append([]Mismatch{m}, f.Problems...)
}

func describeMatch(res Result) string {
	if res.File == nil {
		return "missing"
	}
	return "matched to " + res.File.Where()
}

// Title names the report: manifest, variant and source.
func (r *Report) Title() string {
	return fmt.Sprintf("%s %s: %s", r.Manifest, r.Variant, r.Source)
}

// joinMessages is the one-line text of a list of mismatches.
func joinMessages(ms []Mismatch) string {
	s := make([]string, len(ms))
	for i, m := range ms {
		s[i] = m.String()
	}
	return strings.Join(s, "; ")
}
