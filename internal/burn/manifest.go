package burn

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// ErrManifest reports a Burn manifest that is not well-formed XML, is not
// a BurnManifest, or whose elements contradict one another.
var ErrManifest = errors.New("malformed Burn manifest")

// Manifest namespaces: elements are matched by local name, so a manifest
// of either (or of a later WiX) reads the same.
const (
	NamespaceV3 = "http://schemas.microsoft.com/wix/2008/Burn" // WiX 3
	NamespaceV4 = "http://wixtoolset.org/schemas/v4/2008/Burn" // WiX 4, 5 and 6
)

// Manifest is the BurnManifest a bundle carries as member "0" of its
// bootstrapper application (UX) container: what the bundle holds and
// where.
type Manifest struct {
	// Namespace is the root element's namespace (NamespaceV3 or
	// NamespaceV4 for the WiX releases known).
	Namespace string
	// Registration is how the bundle registers itself.
	Registration Registration
	// Containers are the Container elements: the attached containers
	// and the detached ones (cabinets beside the bundle). The UX
	// container, index 0 of the .wixburn section, is not among them.
	Containers []ManifestContainer
	// Payloads are the Payload elements in document order, those of the
	// bootstrapper application (inside UX) included.
	Payloads []Payload
	// Packages are the chain's packages, in order.
	Packages []Package
}

// Registration holds the Registration element's identity and its Arp
// child's display strings.
type Registration struct {
	// ID is the bundle's registration code: the Id attribute (WiX 3 and
	// 4) or Code (WiX 5 onwards).
	ID             string
	Version        string
	ExecutableName string
	DisplayName    string
	Publisher      string
}

// ManifestContainer is a Container element.
type ManifestContainer struct {
	ID string
	// FilePath is the container's file name: a detached container's
	// cabinet, to be found beside the bundle; for an attached one, the
	// bundle's name as it was built.
	FilePath string
	FileSize int64
	// Hash is the container's hash in hexadecimal (SHA-1 for WiX 3,
	// SHA-512 later).
	Hash string
	// Attached says the container is appended to the bundle, as number
	// AttachedIndex of the .wixburn section (1 for the first).
	Attached      bool
	AttachedIndex int
	Primary       bool
	DownloadURL   string
}

// Payload is a Payload element: a file the bundle carries or fetches.
type Payload struct {
	ID string
	// FilePath is the payload's real name, relative to the folder Burn
	// unpacks or lays the bundle out to.
	FilePath string
	FileSize int64
	Hash     string
	// Packaging is "embedded" (in a container) or "external" (a file
	// beside the bundle, or downloaded).
	Packaging string
	// SourcePath is, for an embedded payload, its member name in its
	// container (u0, u1... in the UX container, a0, a1... in an attached
	// one); for an external one, its path relative to the bundle.
	SourcePath string
	// Container is the Id of the container holding an embedded payload;
	// empty for UX payloads, which are in the UX container.
	Container string
	// UX says the payload belongs to the bootstrapper application: it
	// was listed inside the UX element.
	UX          bool
	DownloadURL string
	LayoutOnly  bool
}

// Embedded reports whether the payload is stored in a container.
func (p *Payload) Embedded() bool {
	switch p.Packaging {
	case "embedded":
		return true
	case "external":
		return false
	}
	return p.UX || p.Container != ""
}

// Package is a package of the chain (an MsiPackage, MspPackage,
// MsuPackage, ExePackage or BundlePackage element).
type Package struct {
	// Kind is the element's local name, such as MsiPackage.
	Kind string
	ID   string
	// ProductCode is an MSI package's product code; Version its version.
	ProductCode string
	Version     string
	// Payloads are the Ids of its PayloadRef children, the package's
	// own file first.
	Payloads []string
}

// maxDepth bounds the element nesting ParseManifest follows: Burn's
// manifests nest four deep.
const maxDepth = 64

// ParseManifest reads a BurnManifest document. It is an error wrapping
// ErrManifest if the XML is malformed or not a BurnManifest, if a number
// or a yes/no value does not parse, if two containers or two payloads
// share an Id, if two containers claim one attached index, if an embedded payload names no container or one the
// manifest lacks, or if a package refers to a payload it lacks.
func ParseManifest(r io.Reader) (*Manifest, error) {
	d := xml.NewDecoder(r)
	m := new(Manifest)
	var stack []string // local names of the open elements
	var pkg *Package
	root := false
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrManifest, err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			name := t.Name.Local
			if len(stack) == 0 {
				if root {
					return nil, fmt.Errorf("%w: element %s after the BurnManifest element", ErrManifest, name)
				}
				if name != "BurnManifest" {
					return nil, fmt.Errorf("%w: the root element is %s, not BurnManifest", ErrManifest, name)
				}
				root = true
				m.Namespace = t.Name.Space
			}
			if len(stack) >= maxDepth {
				return nil, fmt.Errorf("%w: elements nest more than %d deep", ErrManifest, maxDepth)
			}
			parent := ""
			if len(stack) > 0 {
				parent = stack[len(stack)-1]
			}
			stack = append(stack, name)
			a := attrMap(t.Attr)
			switch {
			case name == "Container" && len(stack) == 2:
				c, err := parseContainer(a)
				if err != nil {
					return nil, err
				}
				m.Containers = append(m.Containers, c)
			case name == "Payload":
				p, err := parsePayload(a, contains(stack, "UX"))
				if err != nil {
					return nil, err
				}
				m.Payloads = append(m.Payloads, p)
			case name == "Registration" && len(stack) == 2:
				m.Registration.ID = a.get("Id")
				if c := a.get("Code"); c != "" {
					m.Registration.ID = c
				}
				m.Registration.Version = a.get("Version")
				m.Registration.ExecutableName = a.get("ExecutableName")
			case name == "Arp" && parent == "Registration":
				m.Registration.DisplayName = a.get("DisplayName")
				m.Registration.Publisher = a.get("Publisher")
			case parent == "Chain" && strings.HasSuffix(name, "Package"):
				m.Packages = append(m.Packages, Package{Kind: name, ID: a.get("Id"),
					ProductCode: a.get("ProductCode"), Version: a.get("Version")})
				pkg = &m.Packages[len(m.Packages)-1]
				if pkg.ID == "" {
					return nil, fmt.Errorf("%w: %s %d has no Id", ErrManifest, name, len(m.Packages))
				}
			case name == "PayloadRef" && pkg != nil && len(stack) == 4:
				id := a.get("Id")
				if id == "" {
					return nil, fmt.Errorf("%w: a PayloadRef of package %q has no Id", ErrManifest, pkg.ID)
				}
				pkg.Payloads = append(pkg.Payloads, id)
			}
		case xml.EndElement:
			stack = stack[:len(stack)-1]
			if len(stack) == 2 {
				pkg = nil
			}
		}
	}
	if !root {
		return nil, fmt.Errorf("%w: no BurnManifest element", ErrManifest)
	}
	if err := m.check(); err != nil {
		return nil, err
	}
	return m, nil
}

// check verifies the references between elements.
func (m *Manifest) check() error {
	containers := make(map[string]bool, len(m.Containers))
	attached := map[int]string{}
	for _, c := range m.Containers {
		if containers[c.ID] {
			return fmt.Errorf("%w: two containers have the Id %q", ErrManifest, c.ID)
		}
		containers[c.ID] = true
		if !c.Attached {
			continue
		}
		if other, dup := attached[c.AttachedIndex]; dup {
			return fmt.Errorf("%w: containers %q and %q are both attached container %d", ErrManifest, other, c.ID, c.AttachedIndex)
		}
		attached[c.AttachedIndex] = c.ID
	}
	payloads := make(map[string]bool, len(m.Payloads))
	for _, p := range m.Payloads {
		if payloads[p.ID] {
			return fmt.Errorf("%w: two payloads have the Id %q", ErrManifest, p.ID)
		}
		payloads[p.ID] = true
		if !p.Embedded() {
			continue
		}
		switch {
		case p.SourcePath == "":
			return fmt.Errorf("%w: embedded payload %q (%s) has no SourcePath naming its container member", ErrManifest, p.ID, p.FilePath)
		case p.UX:
		case p.Container == "":
			return fmt.Errorf("%w: embedded payload %q (%s) names no container", ErrManifest, p.ID, p.FilePath)
		case !containers[p.Container]:
			return fmt.Errorf("%w: payload %q (%s) is in container %q, which the manifest does not list", ErrManifest, p.ID, p.FilePath, p.Container)
		}
	}
	for _, pk := range m.Packages {
		for _, id := range pk.Payloads {
			if !payloads[id] {
				return fmt.Errorf("%w: package %q refers to payload %q, which the manifest does not list", ErrManifest, pk.ID, id)
			}
		}
	}
	return nil
}

func parseContainer(a attrMap) (ManifestContainer, error) {
	c := ManifestContainer{ID: a.get("Id"), FilePath: a.get("FilePath"), Hash: a.get("Hash"), DownloadURL: a.get("DownloadUrl")}
	if c.ID == "" {
		return c, fmt.Errorf("%w: a Container has no Id", ErrManifest)
	}
	var err error
	what := "container " + strconv.Quote(c.ID)
	if c.FileSize, err = a.size("FileSize", what); err != nil {
		return c, err
	}
	if c.Attached, err = a.yesNo("Attached", what); err != nil {
		return c, err
	}
	if c.Primary, err = a.yesNo("Primary", what); err != nil {
		return c, err
	}
	if s := a.get("AttachedIndex"); s != "" {
		n, err := strconv.ParseUint(s, 10, 31)
		if err != nil {
			return c, fmt.Errorf("%w: %s has AttachedIndex %q", ErrManifest, what, s)
		}
		c.AttachedIndex = int(n)
	}
	if c.Attached && c.AttachedIndex < 1 {
		return c, fmt.Errorf("%w: attached %s has no AttachedIndex of 1 or more", ErrManifest, what)
	}
	return c, nil
}

func parsePayload(a attrMap, ux bool) (Payload, error) {
	p := Payload{ID: a.get("Id"), FilePath: a.get("FilePath"), Hash: a.get("Hash"), Packaging: a.get("Packaging"),
		SourcePath: a.get("SourcePath"), Container: a.get("Container"), UX: ux, DownloadURL: a.get("DownloadUrl")}
	if p.ID == "" {
		return p, fmt.Errorf("%w: a Payload (%s) has no Id", ErrManifest, p.FilePath)
	}
	what := "payload " + strconv.Quote(p.ID)
	switch p.Packaging {
	case "", "embedded", "external":
	default:
		return p, fmt.Errorf("%w: %s has Packaging %q", ErrManifest, what, p.Packaging)
	}
	var err error
	if p.FileSize, err = a.size("FileSize", what); err != nil {
		return p, err
	}
	if p.LayoutOnly, err = a.yesNo("LayoutOnly", what); err != nil {
		return p, err
	}
	return p, nil
}

// attrMap holds an element's attributes, looked up by local name.
type attrMap []xml.Attr

func (a attrMap) get(name string) string {
	for _, x := range a {
		if x.Name.Local == name && x.Name.Space == "" {
			return x.Value
		}
	}
	return ""
}

func (a attrMap) size(name, what string) (int64, error) {
	s := a.get(name)
	if s == "" {
		return 0, nil
	}
	n, err := strconv.ParseUint(s, 10, 63)
	if err != nil {
		return 0, fmt.Errorf("%w: %s has %s %q", ErrManifest, what, name, s)
	}
	return int64(n), nil
}

func (a attrMap) yesNo(name, what string) (bool, error) {
	switch s := a.get(name); s {
	case "yes":
		return true, nil
	case "", "no":
		return false, nil
	default:
		return false, fmt.Errorf("%w: %s has %s %q (yes or no)", ErrManifest, what, name, s)
	}
}

func contains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}
