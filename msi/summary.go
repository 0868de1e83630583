package msi

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/msikit/msikit/internal/oleps"
)

// SummaryStream is the name of the summary information stream at the root
// of every package (the leading \x05 marks a property set).
const SummaryStream = "\x05SummaryInformation"

// Summary information property identifiers (PIDs). The names are those of
// the Windows Installer summary properties; several have a different
// meaning in patches and transforms, noted on the SummaryInfo fields.
const (
	PIDCodepage       = 1
	PIDTitle          = 2
	PIDSubject        = 3
	PIDAuthor         = 4
	PIDKeywords       = 5
	PIDComments       = 6
	PIDTemplate       = 7
	PIDLastSavedBy    = 8
	PIDRevisionNumber = 9
	PIDEditTime       = 10 // not used by Windows Installer; kept if present
	PIDLastPrinted    = 11
	PIDCreated        = 12
	PIDLastSaved      = 13
	PIDPageCount      = 14
	PIDWordCount      = 15
	PIDCharCount      = 16
	PIDThumbnail      = 17 // not used by Windows Installer; kept if present
	PIDAppName        = 18
	PIDSecurity       = 19
)

// varType is the stored type of a summary property (a VARENUM value).
type varType uint16

// The types Windows Installer uses in summary information.
const (
	vtEmpty    varType = 0  // absent
	vtI2       varType = 2  // 16-bit integer: the code page
	vtI4       varType = 3  // 32-bit integer
	vtLPSTR    varType = 30 // string in the summary code page
	vtFiletime varType = 64 // FILETIME
)

// String returns the Windows name of the type, e.g. "VT_LPSTR".
func (t varType) String() string { return oleps.Type(t).String() }

// standardType is the type Windows Installer stores each PID with.
func standardType(pid uint32) oleps.Type {
	switch pid {
	case PIDCodepage:
		return oleps.VTI2
	case PIDTitle, PIDSubject, PIDAuthor, PIDKeywords, PIDComments,
		PIDTemplate, PIDLastSavedBy, PIDRevisionNumber, PIDAppName:
		return oleps.VTLPSTR
	case PIDLastPrinted, PIDCreated, PIDLastSaved:
		return oleps.VTFiletime
	case PIDPageCount, PIDWordCount, PIDCharCount, PIDSecurity:
		return oleps.VTI4
	}
	return oleps.VTEmpty
}

// standardPIDs are the properties SummaryInfo has fields for, ascending.
var standardPIDs = []uint32{
	PIDCodepage, PIDTitle, PIDSubject, PIDAuthor, PIDKeywords, PIDComments,
	PIDTemplate, PIDLastSavedBy, PIDRevisionNumber, PIDLastPrinted,
	PIDCreated, PIDLastSaved, PIDPageCount, PIDWordCount, PIDCharCount,
	PIDAppName, PIDSecurity,
}

// SummaryInfo is the decoded \x05SummaryInformation stream.
//
// A field holds its property when the property is stored with the type
// Windows Installer uses for it (vtI2 for the code page, vtLPSTR for the
// strings, vtFiletime for the times, vtI4 for the counts). A property
// stored with another type, and properties without a field (edit time,
// thumbnail, others), are kept as read (has and typeOf report them), and Bytes
// writes them back unchanged.
//
// Times are UTC, with the full 100 ns precision of the stored FILETIME.
type SummaryInfo struct {
	// Codepage is the code page of the strings below (PID 1), not
	// necessarily that of the database's string pool.
	Codepage int
	Title    string // 2: "Installation Database", "Patch", "Transform", ...
	Subject  string // 3: product name
	Author   string // 4: manufacturer
	Keywords string // 5: for a patch, the patch's keywords/source list
	Comments string // 6
	// Template (7) is "platform;languages" for a package ("Intel;1033",
	// "x64;1033,1031"); for a patch, the target product codes separated
	// by ';'; for a transform, the base package's platform;language.
	Template string
	// LastSavedBy (8): for a patch, the transforms it carries
	// (":a;:#a;..."); for a transform, the new platform;language.
	LastSavedBy string
	// RevisionNumber (9): the package code of a package; for a patch, the
	// patch code followed by the codes of the patches it obsoletes; for a
	// transform, "{old product}version;{new product}version;{upgrade code}".
	RevisionNumber string
	LastPrinted    time.Time // 11
	Created        time.Time // 12
	LastSaved      time.Time // 13
	// PageCount (14): the minimum Windows Installer version, major*100+minor.
	PageCount int32
	// WordCount (15): source flags for a package (see WordCountFlags);
	// for a patch, the minimum installer behaviour it needs.
	WordCount int32
	// CharCount (16): for a transform, its validation and error-suppression
	// flags (see Validation).
	CharCount int32
	AppName   string // 18: the application that created the package
	Security  int32  // 19: 0 none, 2 read-only recommended, 4 read-only enforced

	parsed bool              // read by ParseSummaryInfo: keep its header
	header oleps.Set         // version, system identifier, CLSID as read
	stored []oleps.Property  // every property of the section, in stream order
	orig   map[uint32]origin // standard properties as read, by PID
}

// origin remembers a standard property as read, so that an unchanged
// string is written back with its original bytes (decoding an invalid byte
// to U+FFFD must not alter the stream) and removed PIDs can be told apart
// from zero values.
type origin struct {
	index int    // position in stored
	text  string // decoded value of a string property
	raw   []byte // its stored bytes
}

// ParseSummaryInfo decodes a \x05SummaryInformation stream. Errors wrap
// ErrFormat and ErrSummaryInfo and say what is wrong.
func ParseSummaryInfo(b []byte) (*SummaryInfo, error) {
	set, err := oleps.Parse(b)
	if err != nil {
		return nil, fmt.Errorf("%w: %w: %w", ErrFormat, ErrSummaryInfo, err)
	}
	sec, ok := set.Section(oleps.FMTIDSummaryInformation)
	if !ok {
		return nil, fmt.Errorf("%w: %w: no section with the summary information FMTID %v",
			ErrFormat, ErrSummaryInfo, oleps.FMTIDSummaryInformation)
	}
	s := &SummaryInfo{
		parsed: true,
		header: oleps.Set{Version: set.Version, SystemIdentifier: set.SystemIdentifier, CLSID: set.CLSID},
		stored: sec.Properties,
		orig:   map[uint32]origin{},
	}
	for i, p := range sec.Properties {
		if p.Type != standardType(p.ID) || p.ID == 0 {
			continue
		}
		if _, dup := s.orig[p.ID]; dup {
			continue // the first occurrence is the one readers use
		}
		o := origin{index: i}
		switch v := p.Value.(type) {
		case int16:
			s.Codepage = int(uint16(v)) // [MS-OLEPS]: the code page is unsigned
		case int32:
			*s.intField(p.ID) = v
		case oleps.Filetime:
			*s.timeField(p.ID) = v.Time()
		case string:
			*s.stringField(p.ID) = v
			o.text, o.raw = v, p.Raw
		}
		s.orig[p.ID] = o
	}
	return s, nil
}

func (s *SummaryInfo) stringField(pid uint32) *string {
	switch pid {
	case PIDTitle:
		return &s.Title
	case PIDSubject:
		return &s.Subject
	case PIDAuthor:
		return &s.Author
	case PIDKeywords:
		return &s.Keywords
	case PIDComments:
		return &s.Comments
	case PIDTemplate:
		return &s.Template
	case PIDLastSavedBy:
		return &s.LastSavedBy
	case PIDRevisionNumber:
		return &s.RevisionNumber
	case PIDAppName:
		return &s.AppName
	}
	return nil
}

func (s *SummaryInfo) intField(pid uint32) *int32 {
	switch pid {
	case PIDPageCount:
		return &s.PageCount
	case PIDWordCount:
		return &s.WordCount
	case PIDCharCount:
		return &s.CharCount
	case PIDSecurity:
		return &s.Security
	}
	return nil
}

func (s *SummaryInfo) timeField(pid uint32) *time.Time {
	switch pid {
	case PIDLastPrinted:
		return &s.LastPrinted
	case PIDCreated:
		return &s.Created
	case PIDLastSaved:
		return &s.LastSaved
	}
	return nil
}

// fieldSet reports whether a standard property's field holds a non-zero
// value.
func (s *SummaryInfo) fieldSet(pid uint32) bool {
	if pid == PIDCodepage {
		return s.Codepage != 0
	}
	if f := s.stringField(pid); f != nil {
		return *f != ""
	}
	if f := s.intField(pid); f != nil {
		return *f != 0
	}
	if f := s.timeField(pid); f != nil {
		return !f.IsZero()
	}
	return false
}

func validPID(pid int) bool { return pid >= 0 && int64(pid) <= math.MaxUint32 }

// has reports whether property pid is present: stored in the stream read
// (and not removed), or, for a property with a field, set to a non-zero
// value or marked with Include. Bytes writes exactly the present ones.
func (s *SummaryInfo) has(pid int) bool {
	if !validPID(pid) {
		return false
	}
	id := uint32(pid)
	if standardType(id) != oleps.VTEmpty && s.fieldSet(id) {
		return true
	}
	for _, p := range s.stored {
		if p.ID == id {
			return true
		}
	}
	return false
}

// typeOf returns the type property pid is stored with, or vtEmpty when it is
// absent. A standard property that is only set in its field has its
// standard type.
func (s *SummaryInfo) typeOf(pid int) varType {
	if !validPID(pid) {
		return vtEmpty
	}
	id := uint32(pid)
	for _, p := range s.stored {
		if p.ID == id {
			return varType(p.Type)
		}
	}
	if standardType(id) != oleps.VTEmpty && s.fieldSet(id) {
		return varType(standardType(id))
	}
	return vtEmpty
}

// pids returns the identifiers of the present properties, ascending.
func (s *SummaryInfo) pids() []int {
	var out []int
	seen := map[uint32]bool{}
	for _, p := range s.stored {
		if !seen[p.ID] {
			seen[p.ID] = true
			out = append(out, int(p.ID))
		}
	}
	for _, id := range standardPIDs {
		if !seen[id] && s.fieldSet(id) {
			out = append(out, int(id))
		}
	}
	slices.Sort(out)
	return out
}

// Include marks a standard property present, so that Bytes writes it even
// when its field holds the zero value (an empty AppName, a CharCount of 0).
func (s *SummaryInfo) Include(pid int) {
	id := uint32(pid)
	if !validPID(pid) || standardType(id) == oleps.VTEmpty || s.has(pid) {
		return
	}
	if s.orig == nil {
		s.orig = map[uint32]origin{}
	}
	s.stored = append(s.stored, oleps.Property{ID: id, Type: standardType(id)})
	s.orig[id] = origin{index: len(s.stored) - 1}
}

// Remove deletes property pid: it is no longer stored, and its field, if
// it has one, is cleared.
func (s *SummaryInfo) Remove(pid int) {
	if !validPID(pid) {
		return
	}
	id := uint32(pid)
	kept := s.stored[:0:0]
	for _, p := range s.stored {
		if p.ID != id {
			kept = append(kept, p)
		}
	}
	s.stored = kept
	delete(s.orig, id)
	for k, o := range s.orig {
		// Indexes shift; recompute them from the kept list.
		for i, p := range s.stored {
			if p.ID == k && p.Type == standardType(k) {
				o.index = i
				s.orig[k] = o
				break
			}
		}
	}
	switch {
	case id == PIDCodepage:
		s.Codepage = 0
	case s.stringField(id) != nil:
		*s.stringField(id) = ""
	case s.intField(id) != nil:
		*s.intField(id) = 0
	case s.timeField(id) != nil:
		*s.timeField(id) = time.Time{}
	}
}

// properties builds the section to write: the stored properties in their
// order, each standard one carrying its field's current value, then the
// standard properties set only in their fields, ascending.
func (s *SummaryInfo) properties() ([]oleps.Property, error) {
	cp := s.Codepage
	if cp < 0 || cp > 0xFFFF {
		return nil, fmt.Errorf("%w: code page %d is not a 16-bit value", oleps.ErrEncode, cp)
	}
	out := make([]oleps.Property, 0, len(s.stored)+len(standardPIDs))
	done := map[uint32]bool{}
	for i, p := range s.stored {
		o, std := s.orig[p.ID]
		if !std || o.index != i {
			out = append(out, p) // kept as read
			continue
		}
		q, err := s.standardProperty(p.ID, o, true)
		if err != nil {
			return nil, err
		}
		out = append(out, q)
		done[p.ID] = true
	}
	for _, id := range standardPIDs {
		if done[id] || !s.fieldSet(id) {
			continue
		}
		if _, held := s.orig[id]; held {
			continue
		}
		// A stored property of another type with this PID wins: it is
		// what Windows reads, and the field is documented as unused then.
		if slices.ContainsFunc(s.stored, func(p oleps.Property) bool { return p.ID == id }) {
			continue
		}
		q, err := s.standardProperty(id, origin{}, false)
		if err != nil {
			return nil, err
		}
		out = append(out, q)
	}
	return out, nil
}

func (s *SummaryInfo) standardProperty(id uint32, o origin, read bool) (oleps.Property, error) {
	p := oleps.Property{ID: id, Type: standardType(id)}
	switch {
	case id == PIDCodepage:
		p.Value = int16(uint16(s.Codepage))
	case s.stringField(id) != nil:
		v := *s.stringField(id)
		p.Value = v
		if read && v == o.text && o.raw != nil {
			p.Raw = o.raw
		}
	case s.intField(id) != nil:
		p.Value = *s.intField(id)
	case s.timeField(id) != nil:
		t := *s.timeField(id)
		if t.IsZero() {
			// Present but unset (Include): FILETIME 0 is 1601-01-01.
			p.Value = oleps.Filetime(0)
			break
		}
		ft, err := oleps.FiletimeOf(t)
		if err != nil {
			return p, fmt.Errorf("%w: PID %d: %v is outside the FILETIME range", oleps.ErrEncode, id, t)
		}
		p.Value = ft
	}
	return p, nil
}

// defaultSystemIdentifier is what Windows Vista and later write: platform
// 2 (Win32), OS version 6.0.
const defaultSystemIdentifier = 0x00020006

// Bytes encodes the summary information as a \x05SummaryInformation
// stream. Properties read by ParseSummaryInfo keep their order and, when
// unchanged, their exact bytes; properties set only in fields follow in
// ascending PID order. Strings are encoded in Codepage (1252 when it is 0);
// a string the code page cannot represent is an error. The output depends
// only on the SummaryInfo's contents.
func (s *SummaryInfo) Bytes() ([]byte, error) {
	props, err := s.properties()
	if err != nil {
		return nil, err
	}
	set := s.header
	if !s.parsed {
		set.SystemIdentifier = defaultSystemIdentifier
	}
	set.Sections = []oleps.Section{{FMTID: oleps.FMTIDSummaryInformation, Properties: props}}
	return set.Bytes()
}

// SummaryRow is one row of the _SummaryInformation pseudo-table as
// `msiinfo export PKG _SummaryInformation` prints it: the PID and the
// value's text.
type SummaryRow struct {
	PID   int
	Value string
}

// idtRows returns the rows of the _SummaryInformation export, in ascending
// PID order, formatted as msitools' msiinfo formats them: integers in
// decimal (the code page unsigned), times as "2006/01/02 15:04:05"
// truncated to the second, and strings as their stored bytes in the
// summary code page (valid UTF-8 only when that is 65001 or the text is
// ASCII), so that the export can reproduce msiinfo byte for byte.
//
// Times are printed in UTC, which is what msiinfo prints with TZ=UTC;
// msiinfo and Windows both convert to the local time zone, which makes
// their output depend on the machine.
//
// Only PIDs 1 to 19 are exported, as by Windows Installer and msiinfo, and
// the thumbnail (17) never is. msiinfo stops reading the stream at the
// first property it does not expect (a PID of 0, 17 or above 19, or a type
// it does not convert), dropping every property stored after it; here
// such a property is skipped and the others are still exported.
func (s *SummaryInfo) idtRows() []SummaryRow { return s.rows(time.UTC, true) }

// TextRows is IDTRows with strings decoded from the summary code page,
// as the fields hold them and info shows them: text to read, not the
// bytes an IDT file holds.
func (s *SummaryInfo) TextRows() []SummaryRow { return s.rows(time.UTC, false) }

// rows formats the exported properties; stored keeps strings as the code
// page's bytes.
func (s *SummaryInfo) rows(loc *time.Location, stored bool) []SummaryRow {
	props, err := s.properties()
	if err != nil {
		// Only an out-of-range code page or time gets here; export what
		// the stream held instead.
		props = s.stored
	}
	cp := s.Codepage
	seen := map[uint32]bool{}
	var rows []SummaryRow
	for _, p := range props {
		if p.ID < 1 || p.ID > PIDSecurity || p.ID == PIDThumbnail || seen[p.ID] {
			continue
		}
		text, ok := exportText(p, cp, loc, stored)
		if !ok {
			continue
		}
		seen[p.ID] = true
		rows = append(rows, SummaryRow{PID: int(p.ID), Value: text})
	}
	slices.SortFunc(rows, func(a, b SummaryRow) int { return a.PID - b.PID })
	return rows
}

// exportText formats one value as msiinfo prints it; a string as its
// stored bytes when stored is set, else decoded.
func exportText(p oleps.Property, cp int, loc *time.Location, stored bool) (string, bool) {
	switch v := p.Value.(type) {
	case int16:
		if p.ID == PIDCodepage {
			return strconv.Itoa(int(uint16(v))), true
		}
		return strconv.Itoa(int(v)), true
	case int32:
		return strconv.Itoa(int(v)), true
	case uint16:
		return strconv.Itoa(int(v)), true
	case uint32:
		return strconv.FormatUint(uint64(v), 10), true
	case oleps.Filetime:
		return v.Time().In(loc).Format("2006/01/02 15:04:05"), true
	case string:
		if stored && (p.Type == oleps.VTLPSTR || p.Type == oleps.VTBSTR) {
			if p.Raw != nil {
				return string(p.Raw), true
			}
			if b, err := oleps.EncodeString(cpOrDefault(cp), v); err == nil {
				return string(b), true
			}
		}
		return v, true
	}
	return "", false
}

func cpOrDefault(cp int) int {
	if cp == 0 {
		return 1252
	}
	return cp
}

// Platforms returns the platforms of a package's Template ("Intel",
// "x64", "Intel64", "Arm64"; old packages may list several, separated by
// commas). It is nil when the template names none.
func (s *SummaryInfo) Platforms() []string {
	plat, _, _ := strings.Cut(s.Template, ";")
	return splitList(plat, ",")
}

// Languages returns the language identifiers of a package's Template
// (1033 for English; 0 means language neutral). Entries that are not
// numbers are skipped.
func (s *SummaryInfo) Languages() []int {
	_, langs, _ := strings.Cut(s.Template, ";")
	return parseLanguages(langs)
}

func parseLanguages(list string) []int {
	var out []int
	for _, f := range splitList(list, ",") {
		if n, err := strconv.Atoi(f); err == nil {
			out = append(out, n)
		}
	}
	return out
}

func splitList(s, sep string) []string {
	var out []string
	for _, f := range strings.Split(s, sep) {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

// WordCountFlags are the source-type bits of a package's WordCount.
type WordCountFlags struct {
	ShortNames                    bool // 1: the source uses short file names
	Compressed                    bool // 2: files are in cabinets by default
	AdminImage                    bool // 4: an administrative image (msiexec /a)
	ElevatedPrivilegesNotRequired bool // 8: installs without elevation (UAC)
}

// value returns the flags as WordCount bits.
func (f WordCountFlags) value() int32 {
	var v int32
	if f.ShortNames {
		v |= 1
	}
	if f.Compressed {
		v |= 2
	}
	if f.AdminImage {
		v |= 4
	}
	if f.ElevatedPrivilegesNotRequired {
		v |= 8
	}
	return v
}

// String lists the set flags, e.g. "compressed|elevated privileges not
// required", or "long names, uncompressed" style words when none are set.
func (f WordCountFlags) String() string {
	var parts []string
	if f.ShortNames {
		parts = append(parts, "short names")
	} else {
		parts = append(parts, "long names")
	}
	if f.Compressed {
		parts = append(parts, "compressed")
	} else {
		parts = append(parts, "uncompressed")
	}
	if f.AdminImage {
		parts = append(parts, "administrative image")
	}
	if f.ElevatedPrivilegesNotRequired {
		parts = append(parts, "elevated privileges not required")
	}
	return strings.Join(parts, ", ")
}

// WordCountFlags decodes a package's WordCount. (In a patch the word
// count has another meaning: the installer version features it needs.)
func (s *SummaryInfo) WordCountFlags() WordCountFlags {
	w := s.WordCount
	return WordCountFlags{
		ShortNames:                    w&1 != 0,
		Compressed:                    w&2 != 0,
		AdminImage:                    w&4 != 0,
		ElevatedPrivilegesNotRequired: w&8 != 0,
	}
}

// SetWordCountFlags sets the four source bits of WordCount and keeps any
// other bits.
func (s *SummaryInfo) SetWordCountFlags(f WordCountFlags) {
	s.WordCount = s.WordCount&^0xF | f.value()
}

// guidLen is the length of a GUID in braces, "{XXXXXXXX-XXXX-...}".
const guidLen = 38

func isGUID(s string) bool {
	if len(s) != guidLen || s[0] != '{' || s[guidLen-1] != '}' {
		return false
	}
	_, err := oleps.ParseGUID(s)
	return err == nil
}

// PackageCode returns the GUID that starts RevisionNumber, or "" when it
// does not start with one: a database's package code, which identifies
// the package file, or a patch's patch code.
func (s *SummaryInfo) PackageCode() string {
	if len(s.RevisionNumber) >= guidLen && isGUID(s.RevisionNumber[:guidLen]) {
		return s.RevisionNumber[:guidLen]
	}
	return ""
}

// SummaryPropertyName names a summary information PID ("Title", "PID 42").
func SummaryPropertyName(pid int) string {
	names := map[int]string{PIDCodepage: "Codepage", PIDTitle: "Title", PIDSubject: "Subject", PIDAuthor: "Author",
		PIDKeywords: "Keywords", PIDComments: "Comments", PIDTemplate: "Template", PIDLastSavedBy: "LastSavedBy",
		PIDRevisionNumber: "RevisionNumber", PIDEditTime: "EditTime", PIDLastPrinted: "LastPrinted", PIDCreated: "Created",
		PIDLastSaved: "LastSaved", PIDPageCount: "PageCount", PIDWordCount: "WordCount", PIDCharCount: "CharCount",
		PIDThumbnail: "Thumbnail", PIDAppName: "AppName", PIDSecurity: "Security"}
	if n, ok := names[pid]; ok {
		return n
	}
	return "PID " + strconv.Itoa(pid)
}
