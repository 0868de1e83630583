// Package build makes an installable MSI package from a small YAML spec:
// the product's identity, and the files with the paths they install to.
package build

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// ErrSpec means the spec is not valid; the error says where and why.
var ErrSpec = errors.New("invalid build spec")

// Spec is what `msikit build` reads. Example:
//
//	product:
//	  name: msikit Hello
//	  version: 1.2.3
//	  manufacturer: msikit tests
//	  upgrade_code: "{0D5C6B83-4F69-4A5E-8C3B-2E8F40E2A6B2}"
//	  platform: x86          # x86, x64 or ia64
//	files:
//	  - source: readme.txt   # relative to the spec's directory
//	    path: msikit Hello/readme.txt
//	  - source: bin/tool.exe
//	    path: msikit Hello/bin/tool.exe
//	    short: TOOL.EXE
//	directories:             # optional short names of directories, by path
//	  msikit Hello: MSIKIT~1
type Spec struct {
	Product     Product           `yaml:"product"`
	Files       []FileSpec        `yaml:"files"`
	Directories map[string]string `yaml:"directories"`
}

// Product is the package's identity and settings.
type Product struct {
	Name         string `yaml:"name"`
	Version      string `yaml:"version"`
	Manufacturer string `yaml:"manufacturer"`
	UpgradeCode  string `yaml:"upgrade_code"`
	// ProductCode and PackageCode default to GUIDs derived from the
	// upgrade code, version and name, so that a build is reproducible.
	ProductCode string `yaml:"product_code"`
	PackageCode string `yaml:"package_code"`
	Language    int    `yaml:"language"` // default 1033
	Codepage    int    `yaml:"codepage"` // default 1252
	Platform    string `yaml:"platform"` // x86 (default), x64, ia64
	Comments    string `yaml:"comments"`
	// Root is the directory the file paths start in: ProgramFilesFolder
	// (ProgramFiles64Folder on 64-bit platforms) by default, or TARGETDIR
	// for a tree directly under the installation root.
	Root string `yaml:"root"`
	// Cabinet names the embedded cabinet; default "product.cab".
	Cabinet string `yaml:"cabinet"`
	// Created is the summary information's creation and save time;
	// default 2000-01-01T00:00:00Z, for reproducible builds.
	Created *time.Time `yaml:"created"`
	// Compression is mszip (default) or none.
	Compression string `yaml:"compression"`
}

// FileSpec is one file to install.
type FileSpec struct {
	Source string `yaml:"source"`
	Path   string `yaml:"path"`
	Short  string `yaml:"short"`
	Key    string `yaml:"key"`
	// Modified is the time stamp in the cabinet; default the source
	// file's modification time.
	Modified *time.Time `yaml:"modified"`
}

// Load reads and checks a spec. Unknown keys are errors with their line.
func Load(path string) (*Spec, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	s, err := Parse(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return s, nil
}

// Parse reads and checks a spec.
func Parse(r io.Reader) (*Spec, error) {
	dec := yaml.NewDecoder(r)
	dec.KnownFields(true)
	var s Spec
	if err := dec.Decode(&s); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrSpec, err)
	}
	if err := s.Check(); err != nil {
		return nil, err
	}
	return &s, nil
}

func specErr(format string, a ...any) error {
	return fmt.Errorf("%w: %s", ErrSpec, fmt.Sprintf(format, a...))
}

// Check validates a spec and fills in the defaults (Parse calls it; call
// it on a Spec made in code).
func (s *Spec) Check() error {
	p := &s.Product
	switch {
	case p.Name == "":
		return specErr("product.name is required")
	case p.Manufacturer == "":
		return specErr("product.manufacturer is required")
	case !validVersion(p.Version):
		return specErr("product.version %q is not a.b.c with numbers (a, b below 256, c below 65536)", p.Version)
	case !validGUID(p.UpgradeCode):
		return specErr("product.upgrade_code %q is not a GUID like {XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}", p.UpgradeCode)
	case p.ProductCode != "" && !validGUID(p.ProductCode):
		return specErr("product.product_code %q is not a GUID", p.ProductCode)
	case p.PackageCode != "" && !validGUID(p.PackageCode):
		return specErr("product.package_code %q is not a GUID", p.PackageCode)
	case len(s.Files) == 0:
		return specErr("files: at least one file is required")
	}
	if p.Language == 0 {
		p.Language = 1033
	}
	if p.Codepage == 0 {
		p.Codepage = 1252
	}
	switch strings.ToLower(p.Platform) {
	case "", "x86", "intel":
		p.Platform = "x86"
	case "x64", "amd64":
		p.Platform = "x64"
	case "ia64", "ia-64", "intel64", "itanium":
		p.Platform = "ia64"
	default:
		return specErr("product.platform %q is not x86, x64 or ia64", p.Platform)
	}
	switch p.Compression {
	case "", "mszip":
		p.Compression = "mszip"
	case "none":
	default:
		return specErr("product.compression %q is not mszip or none", p.Compression)
	}
	if p.Root == "" {
		p.Root = "ProgramFilesFolder"
		if p.Platform != "x86" {
			p.Root = "ProgramFiles64Folder"
		}
	}
	if p.Cabinet == "" {
		p.Cabinet = "product.cab"
	}
	seen := map[string]bool{}
	for i, f := range s.Files {
		if f.Source == "" || f.Path == "" {
			return specErr("files[%d]: source and path are required", i)
		}
		clean := strings.Trim(strings.ReplaceAll(f.Path, "\\", "/"), "/")
		for _, e := range strings.Split(clean, "/") {
			if e == "" || e == "." || e == ".." || strings.ContainsAny(e, ":|*?\"<>") {
				return specErr("files[%d]: path %q has a bad component %q", i, f.Path, e)
			}
		}
		if seen[strings.ToLower(clean)] {
			return specErr("files[%d]: path %q is given twice", i, f.Path)
		}
		seen[strings.ToLower(clean)] = true
		s.Files[i].Path = clean
	}
	return nil
}

func validVersion(v string) bool {
	parts := strings.Split(v, ".")
	if len(parts) < 2 || len(parts) > 4 {
		return false
	}
	for i, p := range parts {
		var n int
		if _, err := fmt.Sscanf(p, "%d", &n); err != nil || fmt.Sprint(n) != p || n < 0 {
			return false
		}
		if i < 2 && n > 255 || n > 65535 {
			return false
		}
	}
	return true
}

func validGUID(g string) bool {
	if len(g) != 38 || g[0] != '{' || g[37] != '}' {
		return false
	}
	for i, c := range g[1:37] {
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !strings.ContainsRune("0123456789ABCDEFabcdef", c) {
				return false
			}
		}
	}
	return true
}
