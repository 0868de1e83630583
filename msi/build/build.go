package build

import (
	"crypto/md5"
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/msikit/msikit/internal/pever"
	"github.com/msikit/msikit/internal/progress"
	"github.com/msikit/msikit/msi"
)

// The tables a package needs, with their standard columns
// (msi.StandardColumns), in the order they are created.
var tableNames = []string{"Property", "Directory", "Component", "Feature", "FeatureComponents", "File", "Media", "MsiFileHash"}

// The standard actions, in the order and with the numbers the Windows
// Installer documentation suggests, for an installation that copies
// files.
var sequences = []struct {
	table   string
	actions []string
	numbers []int32
}{
	{"AdminExecuteSequence", []string{"CostInitialize", "FileCost", "CostFinalize", "InstallValidate", "InstallInitialize", "InstallAdminPackage", "InstallFiles", "InstallFinalize"},
		[]int32{800, 900, 1000, 1400, 1500, 3900, 4000, 6600}},
	{"AdminUISequence", []string{"CostInitialize", "FileCost", "CostFinalize", "ExecuteAction"}, []int32{800, 900, 1000, 1300}},
	{"AdvtExecuteSequence", []string{"CostInitialize", "CostFinalize", "InstallValidate", "InstallInitialize", "PublishFeatures", "PublishProduct", "InstallFinalize"},
		[]int32{800, 1000, 1400, 1500, 6300, 6400, 6600}},
	{"InstallExecuteSequence", []string{"LaunchConditions", "ValidateProductID", "CostInitialize", "FileCost", "CostFinalize", "InstallValidate",
		"InstallInitialize", "ProcessComponents", "UnpublishFeatures", "RemoveFiles", "InstallFiles", "RegisterUser", "RegisterProduct",
		"PublishFeatures", "PublishProduct", "InstallFinalize"},
		[]int32{100, 700, 800, 900, 1000, 1400, 1500, 1600, 1800, 3500, 4000, 6000, 6100, 6300, 6400, 6600}},
	{"InstallUISequence", []string{"LaunchConditions", "ValidateProductID", "CostInitialize", "FileCost", "CostFinalize", "ExecuteAction"},
		[]int32{100, 700, 800, 900, 1000, 1300}},
}

// defaultTime is the summary time of a spec that sets none: fixed, so that
// builds are reproducible.
var defaultTime = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

// Member is one file of the package's cabinet, by its File key.
type Member struct {
	Key      string
	Source   string // path of the bytes
	Size     int64
	Modified time.Time
}

// Result is what Build makes: the database, and the cabinet's members,
// which the caller writes as the embedded cabinet stream (WriteCabinet).
type Result struct {
	DB      *msi.Database
	Members []Member
	Cabinet string // stream name
}

// Options tunes BuildWith and WriteCabinetWith.
type Options struct {
	// Progress, if set, is called with the number of bytes just read from
	// the spec's files: those hashed by BuildWith (the files without a
	// version), then every file compressed by WriteCabinetWith. Calls do
	// not overlap.
	Progress func(n int64)
}

// read counts the bytes read from r for o.Progress.
func (o Options) read(r io.Reader) io.Reader { return progress.CountReader(r, o.Progress) }

// Build assembles the database for a spec whose file sources are relative
// to dir.
func Build(s *Spec, dir string) (*Result, error) { return BuildWith(s, dir, Options{}) }

// BuildWith is Build, reporting progress.
func BuildWith(s *Spec, dir string, o Options) (*Result, error) {
	p := s.Product
	productCode := p.ProductCode
	if productCode == "" {
		productCode = guidFrom("product", p.UpgradeCode, p.Version, p.Name)
	}
	packageCode := p.PackageCode
	if packageCode == "" {
		packageCode = guidFrom("package", p.UpgradeCode, p.Version, p.Name, fmt.Sprint(len(s.Files)))
	}
	db := msi.NewDatabase(p.Codepage)
	tables := map[string]*msi.Table{}
	for _, name := range tableNames {
		tb, err := db.CreateTable(name, msi.StandardColumns(name)[0])
		if err != nil {
			return nil, err
		}
		tables[name] = tb
	}
	add := func(table string, vals ...msi.Value) error {
		_, err := tables[table].AddRow(vals...)
		return err
	}
	str, num := msi.StringValue, func(i int) msi.Value { return msi.IntValue(int32(i)) }

	for _, kv := range [][2]string{
		{"Manufacturer", p.Manufacturer}, {"ProductCode", productCode}, {"ProductLanguage", fmt.Sprint(p.Language)},
		{"ProductName", p.Name}, {"ProductVersion", p.Version}, {"UpgradeCode", p.UpgradeCode},
	} {
		if err := add("Property", str(kv[0]), str(kv[1])); err != nil {
			return nil, err
		}
	}
	if err := add("Directory", str("TARGETDIR"), msi.Value{}, str("SourceDir")); err != nil {
		return nil, err
	}
	rootDir := "TARGETDIR"
	if p.Root != "TARGETDIR" {
		rootDir = identifier(p.Root)
		if err := add("Directory", str(rootDir), str("TARGETDIR"), str("PFiles")); err != nil {
			return nil, err
		}
	}
	// Directories, from the files' paths.
	dirKeys := map[string]string{"": rootDir}
	shortNames := map[string]shortNamer{}
	namer := func(parent string) shortNamer {
		if shortNames[parent] == nil {
			shortNames[parent] = shortNamer{}
		}
		return shortNames[parent]
	}
	usedKeys := map[string]bool{"TARGETDIR": true, rootDir: true}
	uniqueKey := func(base string) string {
		k := identifier(base)
		for i := 2; usedKeys[k]; i++ {
			k = fmt.Sprintf("%s.%d", identifier(base), i)
		}
		usedKeys[k] = true
		return k
	}
	var ensureDir func(dirPath string) (string, error)
	ensureDir = func(dirPath string) (string, error) {
		if k, ok := dirKeys[dirPath]; ok {
			return k, nil
		}
		parent := path.Dir(dirPath)
		if parent == "." {
			parent = ""
		}
		pk, err := ensureDir(parent)
		if err != nil {
			return "", err
		}
		long := path.Base(dirPath)
		short := s.Directories[dirPath]
		if short == "" {
			short = namer(parent).short(long)
		}
		k := uniqueKey(strings.ToUpper(identifier(long)))
		if err := add("Directory", str(k), str(pk), str(dirName(short, long))); err != nil {
			return "", err
		}
		dirKeys[dirPath] = k
		return k, nil
	}

	compAttrs := 0
	if p.Platform != "x86" {
		compAttrs = 256 // msidbComponentAttributes64bit
	}
	res := &Result{DB: db, Cabinet: p.Cabinet}
	var fileKeys []string
	for i, f := range s.Files {
		src := f.Source
		if !filepath.IsAbs(src) {
			src = filepath.Join(dir, filepath.FromSlash(src))
		}
		fi, err := os.Stat(src)
		if err != nil {
			return nil, fmt.Errorf("files[%d]: %w", i, err)
		}
		if !fi.Mode().IsRegular() || fi.Size() > 1<<31-1 {
			return nil, specErr("files[%d]: %s is not a regular file under 2 GiB", i, f.Source)
		}
		dirPath := path.Dir(f.Path)
		if dirPath == "." {
			dirPath = ""
		}
		dk, err := ensureDir(dirPath)
		if err != nil {
			return nil, err
		}
		long := path.Base(f.Path)
		short := f.Short
		if short == "" {
			short = namer(dirPath).short(long)
		} else if !isShort(short) {
			return nil, specErr("files[%d]: short name %q is not an 8.3 name", i, short)
		}
		key := f.Key
		if key == "" {
			key = uniqueKey(long)
		} else if usedKeys[key] || identifier(key) != key {
			return nil, specErr("files[%d]: key %q is used twice or is not an identifier", i, key)
		} else {
			usedKeys[key] = true
		}
		fileKeys = append(fileKeys, key)
		version, language := peVersion(src)
		comp := key
		if err := add("Component", str(comp), str(guidFrom("component", p.UpgradeCode, f.Path)), str(dk), num(compAttrs), msi.Value{}, str(key)); err != nil {
			return nil, err
		}
		if err := add("FeatureComponents", str("Complete"), str(comp)); err != nil {
			return nil, err
		}
		if err := add("File", str(key), str(comp), str(dirName(short, long)), num(int(fi.Size())), str(version), str(language), num(0), num(i+1)); err != nil {
			return nil, err
		}
		if version == "" {
			h, err := fileMD5(src, o)
			if err != nil {
				return nil, err
			}
			if err := add("MsiFileHash", str(key), num(0), hashPart(h, 0), hashPart(h, 1), hashPart(h, 2), hashPart(h, 3)); err != nil {
				return nil, err
			}
		}
		mod := fi.ModTime()
		if f.Modified != nil {
			mod = *f.Modified
		}
		res.Members = append(res.Members, Member{Key: key, Source: src, Size: fi.Size(), Modified: mod})
	}
	if err := add("Feature", str("Complete"), msi.Value{}, str(p.Name), msi.Value{}, num(1), num(1), str(rootDir), num(0)); err != nil {
		return nil, err
	}
	if err := add("Media", num(1), num(len(s.Files)), msi.Value{}, str("#"+p.Cabinet), msi.Value{}, msi.Value{}); err != nil {
		return nil, err
	}
	for _, sq := range sequences {
		tb, err := db.CreateTable(sq.table, msi.StandardColumns(sq.table)[0])
		if err != nil {
			return nil, err
		}
		for i, a := range sq.actions {
			if _, err := tb.AddRow(str(a), msi.Value{}, num(int(sq.numbers[i]))); err != nil {
				return nil, err
			}
		}
	}
	for _, t := range db.Tables() {
		sortRows(t)
	}
	created := defaultTime
	if p.Created != nil {
		created = p.Created.UTC()
	}
	template := map[string]string{"x86": "Intel", "x64": "x64", "ia64": "Intel64"}[p.Platform]
	schemaVersion := int32(200)
	if p.Platform != "x86" {
		schemaVersion = 500
	}
	db.Summary = &msi.SummaryInfo{Codepage: p.Codepage}
	sum := db.Summary
	sum.Title, sum.Subject, sum.Author, sum.Keywords = "Installation Database", p.Name, p.Manufacturer, "Installer"
	sum.Comments = p.Comments
	if sum.Comments == "" {
		sum.Comments = "This installer database contains the logic and data required to install " + p.Name + "."
	}
	sum.Template = fmt.Sprintf("%s;%d", template, p.Language)
	sum.RevisionNumber = packageCode
	sum.Created, sum.LastSaved = created, created
	sum.PageCount = schemaVersion
	sum.WordCount = 2 // long names, compressed
	sum.Security = 2
	sum.AppName = "msikit"
	_ = fileKeys
	return res, nil
}

// sortRows orders a table's rows by primary key, as Windows Installer
// keeps them, so that the output does not depend on the spec's order
// more than it must.
func sortRows(t *msi.Table) {
	var keys []int
	for i, c := range t.Columns {
		if c.Type.Key() {
			keys = append(keys, i)
		}
	}
	sort.SliceStable(t.Rows, func(a, b int) bool {
		for _, k := range keys {
			x, y := t.Rows[a].Values[k], t.Rows[b].Values[k]
			if x.Kind == msi.Integer && y.Kind == msi.Integer {
				if x.Int != y.Int {
					return x.Int < y.Int
				}
				continue
			}
			if x.String() != y.String() {
				return x.String() < y.String()
			}
		}
		return false
	})
}

// peVersion reads the version and language of a PE file's version
// resource; other files have neither.
func peVersion(path string) (version, language string) {
	f, err := pever.Open(path)
	if err != nil {
		return "", ""
	}
	defer f.Close()
	v, err := f.FileVersion()
	if err != nil {
		return "", ""
	}
	language = "0"
	if vi, err := f.VersionInfo(); err == nil && len(vi.Translations) > 0 {
		language = fmt.Sprint(vi.Translations[0].Language)
	}
	return v.String(), language
}

func fileMD5(path string, o Options) ([16]byte, error) {
	var sum [16]byte
	f, err := os.Open(path)
	if err != nil {
		return sum, err
	}
	defer f.Close()
	h := md5.New()
	if _, err := io.Copy(h, o.read(f)); err != nil {
		return sum, err
	}
	copy(sum[:], h.Sum(nil))
	return sum, nil
}

// hashPart is one of MsiFileHash's four parts: a little-endian word of the
// MD5, as a signed 32-bit integer.
func hashPart(h [16]byte, i int) msi.Value {
	return msi.IntValue(int32(binary.LittleEndian.Uint32(h[4*i:])))
}
