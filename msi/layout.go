package msi

import (
	"fmt"
	"path"
	"strings"

	"github.com/msikit/msikit/msi/internal/names"
)

// Layout chooses which of a directory's names make up its path.
type Layout int

// Layouts.
const (
	// LayoutAdmin is the source tree, as an administrative install
	// (msiexec /a) writes it under TARGETDIR: each directory's source
	// name ("target:source" in DefaultDir), long names unless short ones
	// are asked for.
	LayoutAdmin Layout = iota
	// LayoutInstall is the tree an installation makes: each directory's
	// target name, with the well-known system folders named as on Windows
	// ("Program Files", "Windows/System32", ...).
	LayoutInstall
	// LayoutTarget is each directory's target name under the root, the
	// system folders named by their DefaultDir: what lessmsi extracts.
	// It differs from LayoutAdmin only where DefaultDir gives a source
	// name of its own ("target:source").
	LayoutTarget
	// LayoutFlat puts every file at the root under its long name.
	LayoutFlat
)

var layoutNames = []string{LayoutAdmin: "admin", LayoutInstall: "install", LayoutTarget: "target", LayoutFlat: "flat"}

// String is the layout's name: "admin", "install", "target" or "flat".
func (l Layout) String() string {
	if l >= 0 && int(l) < len(layoutNames) {
		return layoutNames[l]
	}
	return fmt.Sprintf("Layout(%d)", int(l))
}

// ParseLayout reads a layout's name, as String writes it; "lessmsi" is
// LayoutTarget, the layout lessmsi extracts. An unknown name wraps
// ErrInvalid.
func ParseLayout(name string) (Layout, error) {
	if name == "lessmsi" {
		return LayoutTarget, nil
	}
	for l, n := range layoutNames {
		if n == name {
			return Layout(l), nil
		}
	}
	return 0, fmt.Errorf("%w: layout %q: admin, install, target or flat", ErrInvalid, name)
}

// directory is one row of the Directory table, resolved.
type directory struct {
	Key    string // the Directory column
	Parent string // Directory_Parent, "" for a root
	// The names DefaultDir gives.
	names.DefaultDir

	// orphan marks a directory made up for a Directory_Parent that names
	// no row: see readDirectories.
	orphan bool
}

// directories resolves directory paths for a layout.
type directories struct {
	rows   map[string]directory
	order  []string
	paths  map[string]string
	layout Layout
	short  bool
	notes  []string // the choices made for rows Windows would resolve at install time
}

// installFolders names the system folders of an installation as Windows
// lays them out, for LayoutInstall.
var installFolders = map[string]string{
	"ProgramFilesFolder":     "Program Files",
	"ProgramFiles64Folder":   "Program Files",
	"ProgramFiles6432Folder": "Program Files",
	"CommonFilesFolder":      "Program Files/Common Files",
	"CommonFiles64Folder":    "Program Files/Common Files",
	"WindowsFolder":          "Windows",
	"SystemFolder":           "Windows/System32",
	"System64Folder":         "Windows/System32",
	"System16Folder":         "Windows/System",
	"WindowsVolume":          "",
	"TempFolder":             "Windows/Temp",
	"FontsFolder":            "Windows/Fonts",
	"AppDataFolder":          "Users/Default/AppData/Roaming",
	"LocalAppDataFolder":     "Users/Default/AppData/Local",
	"CommonAppDataFolder":    "ProgramData",
	"PersonalFolder":         "Users/Default/Documents",
	"DesktopFolder":          "Users/Public/Desktop",
	"StartMenuFolder":        "ProgramData/Microsoft/Windows/Start Menu",
	"ProgramMenuFolder":      "ProgramData/Microsoft/Windows/Start Menu/Programs",
	"StartupFolder":          "ProgramData/Microsoft/Windows/Start Menu/Programs/Startup",
}

// readDirectories reads the Directory table and resolves every
// directory's path, relative to the root (TARGETDIR, "SourceDir"), for the
// layout. short selects the short names (the summary's word count says
// the source uses them, or the user asked). A cycle, a parent that does
// not exist or a name that would leave the root is an error naming the
// row.
func readDirectories(src TableReader, layout Layout, short bool) (*directories, error) {
	ds := &directories{layout: layout, short: short}
	t, err := readCells(src, "Directory")
	if err != nil {
		return nil, err
	}
	if t == nil {
		ds.rows, ds.paths = map[string]directory{}, map[string]string{}
		return ds, nil // a package without files (a patch, a merge module's shell)
	}
	ds.rows, ds.paths = make(map[string]directory, t.rows()), make(map[string]string, t.rows())
	key, parent, defaultDir := t.col("Directory"), t.col("Directory_Parent"), t.col("DefaultDir")
	for r := range t.rows() {
		d := directory{DefaultDir: names.ParseDefaultDir(t.cell(r, defaultDir).String())}
		d.Key, d.Parent = t.cell(r, key).String(), t.cell(r, parent).String()
		if d.Parent == d.Key {
			d.Parent = "" // a root may name itself as its parent
		}
		if _, dup := ds.rows[d.Key]; dup {
			return nil, errorf(src, "table Directory", formatErr("directory %s is listed twice", d.Key))
		}
		ds.rows[d.Key] = d
		ds.order = append(ds.order, d.Key)
	}
	ds.adoptOrphans()
	for _, k := range ds.order {
		if _, err := ds.resolve(k, 0); err != nil {
			return nil, errorf(src, "table Directory", err)
		}
	}
	if p, ok := src.(*Package); ok {
		p.note(ds.notes...)
	}
	return ds, nil
}

// adoptOrphans gives a home to the directories whose parent is not in
// the table. Real packages have them: the parent is a property that
// AppSearch or a custom action sets at install time
// (IVINETSTANDARDROOTDIR in the IVI shared components), which no
// extraction can know. Such a tree goes under a folder named by the
// parent's key at the root, in every layout: what lessmsi does, and
// what keeps the files apart from TARGETDIR's own tree. Each choice is
// noted once.
func (ds *directories) adoptOrphans() {
	for _, k := range ds.order {
		parent := ds.rows[k].Parent
		if parent == "" {
			continue
		}
		if _, ok := ds.rows[parent]; ok {
			continue
		}
		ds.rows[parent] = directory{Key: parent, orphan: true}
		ds.notes = append(ds.notes, fmt.Sprintf("directory %s: its parent %s is not in the Directory table (a property set at install time); its files go under %s/ at the root, as lessmsi lays them out", k, parent, parent))
	}
}

// name is the directory's own path component(s) in the layout.
func (ds *directories) name(d directory) (string, error) {
	if d.orphan {
		if err := names.Check(d.Key); err != nil {
			return "", formatErr("directory %s, a parent named by the Directory table, %v", d.Key, err)
		}
		return d.Key, nil
	}
	if d.Parent == "" {
		return "", nil // a root: the output directory itself
	}
	if ds.layout == LayoutInstall {
		if n, ok := installFolders[moduleKey(d.Key)]; ok {
			return n, nil
		}
	}
	var n string
	switch {
	case ds.layout != LayoutAdmin && ds.short:
		n = d.TargetShort
	case ds.layout != LayoutAdmin:
		n = d.TargetLong
	case ds.short:
		n = d.SourceShort
	default:
		n = d.SourceLong
	}
	if err := names.Check(n); err != nil {
		return "", formatErr("directory %s: DefaultDir name %q %v", d.Key, n, err)
	}
	return n, nil
}

func (ds *directories) resolve(key string, depth int) (string, error) {
	if p, ok := ds.paths[key]; ok {
		return p, nil
	}
	if depth > names.MaxDepth || depth > len(ds.rows) {
		return "", formatErr("directory %s: its parents form a cycle", key)
	}
	d, ok := ds.rows[key]
	if !ok {
		return "", formatErr("directory %s does not exist", key)
	}
	own, err := ds.name(d)
	if err != nil {
		return "", err
	}
	parent := ""
	if d.Parent != "" {
		parent, err = ds.resolve(d.Parent, depth+1)
		if err != nil {
			return "", err
		}
	}
	p := path.Join(parent, own)
	if p == "." {
		p = ""
	}
	ds.paths[key] = p
	return p, nil
}

// Path is the directory's slash-separated path relative to the root ("" is
// the root itself), and whether the directory exists.
func (ds *directories) Path(key string) (string, bool) {
	p, ok := ds.paths[key]
	return p, ok
}

// moduleKey strips the module GUID a merge module appends to its keys
// ("ProgramFilesFolder.0756702C_04A2_4D75_8783_62F4515C6150"): merged
// into a product, a module's system folder is the product's.
func moduleKey(key string) string {
	i := strings.LastIndexByte(key, '.')
	if i < 0 || len(key)-i-1 != 36 {
		return key
	}
	for j, c := range key[i+1:] {
		switch j {
		case 8, 13, 18, 23:
			if c != '_' {
				return key
			}
		default:
			if !strings.ContainsRune("0123456789ABCDEFabcdef", c) {
				return key
			}
		}
	}
	return key[:i]
}
