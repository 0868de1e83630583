package manifest

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	yaml "go.yaml.in/yaml/v3"

	"github.com/msikit/msikit/internal/infile"
)

// MaxInputSize bounds a manifest or KB table read by Parse and ImportKB;
// the largest real file lists are a few hundred kilobytes.
const MaxInputSize = 16 << 20

// Keys of each mapping, in the order Write puts them. They are the
// format's whole vocabulary: any other key is an ErrUnknownKey, as
// yaml.v3's KnownFields would make it, but reported for every key of the
// input at once and with its line and column.
var (
	manifestKeys     = []string{"name", "description", "source", "signed", "variants"}
	variantKeys      = []string{"description", "entries"}
	listVariantKeys  = []string{"name", "description", "entries"}
	entryKeys        = []string{"name", "path", "version", "size", "date", "time", "timestamp", "platform", "sha256", "md5"}
	requiredManifest = []string{"name", "variants"}
	requiredEntry    = []string{"name", "size"}
)

// Parse reads a manifest in the YAML format the README's "Manifests"
// section describes (JSON, being YAML, reads too) and checks it. Problems are returned together as an
// ErrorList, each with its line and column.
func Parse(r io.Reader) (*Manifest, error) { return parse(r, "") }

// ParseFile reads the manifest in the named file; errors carry its name.
func ParseFile(name string) (*Manifest, error) {
	f, err := infile.OpenStream(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return parse(f, name)
}

// Load returns the manifest a command line names: the file at ref if
// there is one, else the built-in manifest of that name.
func Load(ref string) (*Manifest, error) {
	st, err := infile.Stat(ref)
	if err == nil && !st.IsDir() {
		return ParseFile(ref)
	}
	if m, berr := Builtin(ref); berr == nil {
		return m, nil
	}
	switch {
	case err == nil: // a directory
		return nil, fmt.Errorf("%w: %w", ErrNoManifest, &infile.Error{Path: ref, Kind: infile.KindDir})
	case strings.ContainsAny(ref, `/\`) || filepath.Ext(ref) != "":
		// A path, not a name: say what is wrong with it.
		return nil, fmt.Errorf("%w: %w", ErrNoManifest, err)
	}
	return nil, fmt.Errorf("%w: %q is neither a file nor a built-in manifest (built in: %s)", ErrNoManifest, ref, strings.Join(BuiltinNames(), ", "))
}

// readLimited reads all of r, refusing more than MaxInputSize bytes.
func readLimited(r io.Reader, file string) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, MaxInputSize+1))
	if err != nil {
		return nil, err
	}
	if len(b) > MaxInputSize {
		return nil, ErrorList{{File: file, Err: fmt.Errorf("%w: more than %d bytes", ErrTooLarge, MaxInputSize)}}
	}
	return b, nil
}

func parse(r io.Reader, file string) (*Manifest, error) {
	b, err := readLimited(r, file)
	if err != nil {
		return nil, err
	}
	c := &errs{file: file}
	root, err := decodeYAML(b)
	if err != nil {
		line := 0
		if m := yamlLine.FindStringSubmatch(err.Error()); m != nil {
			line, _ = strconv.Atoi(m[1])
		}
		msg := strings.TrimPrefix(yamlLine.ReplaceAllString(err.Error(), ""), "yaml: ")
		c.add(line, 0, ErrSyntax, "%s", msg)
		return nil, c.err()
	}
	if root == nil {
		c.add(0, 0, ErrInvalid, "empty manifest")
		return nil, c.err()
	}
	p := &parser{errs: c}
	m := p.manifest(root)
	if err := c.err(); err != nil {
		return nil, err
	}
	return m, nil
}

var yamlLine = regexp.MustCompile(`line (\d+): `)

// decodeYAML parses exactly one YAML document into a node tree; nil for
// an empty input. yaml.v3 has panicked on hostile input in the past, so a
// panic is turned into a syntax error rather than taking the caller down.
func decodeYAML(b []byte) (root *yaml.Node, err error) {
	defer func() {
		if r := recover(); r != nil {
			root, err = nil, fmt.Errorf("yaml: %v", r)
		}
	}()
	dec := yaml.NewDecoder(bytes.NewReader(b))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, nil
		}
		return nil, err
	}
	var next yaml.Node
	if err := dec.Decode(&next); !errors.Is(err, io.EOF) {
		if err != nil {
			return nil, err
		}
		return nil, fmt.Errorf("yaml: line %d: a manifest is one YAML document; a second one starts here", next.Line)
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) != 1 {
		return nil, nil
	}
	return doc.Content[0], nil
}

type parser struct {
	*errs
}

func (p *parser) at(n *yaml.Node, kind error, format string, a ...any) {
	p.add(n.Line, n.Column, kind, format, a...)
}

// mapping calls fn for each key of a mapping node in order, after
// refusing unknown keys, repeated keys and aliases; it reports missing
// required keys. It returns false if n is not a mapping.
func (p *parser) mapping(n *yaml.Node, what string, known, required []string, fn func(key string, v *yaml.Node)) bool {
	if n.Kind != yaml.MappingNode {
		p.at(n, ErrInvalid, "%s must be a mapping of keys to values, not %s", what, kindName(n))
		return false
	}
	seen := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind != yaml.ScalarNode || k.Tag == "!!merge" || k.ShortTag() != "!!str" {
			p.at(k, ErrUnknownKey, "%s: keys are plain words such as %s, not %s", what, strings.Join(known, ", "), kindName(k))
			continue
		}
		if !contains(known, k.Value) {
			p.at(k, ErrUnknownKey, "%q in %s (known keys: %s)", k.Value, what, strings.Join(known, ", "))
			continue
		}
		if line, dup := seen[k.Value]; dup {
			p.at(k, ErrDuplicate, "key %q given twice in %s (first on line %d)", k.Value, what, line)
			continue
		}
		seen[k.Value] = k.Line
		if v.Kind == yaml.AliasNode {
			p.at(v, ErrInvalid, "%s: YAML aliases are not allowed in manifests", what)
			continue
		}
		fn(k.Value, v)
	}
	for _, r := range required {
		if _, ok := seen[r]; !ok {
			p.at(n, ErrInvalid, "%s has no %q", what, r)
		}
	}
	return true
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.AliasNode:
		return "an alias"
	case yaml.ScalarNode:
		switch n.ShortTag() {
		case "!!null":
			return "null"
		case "!!int":
			return "a number"
		case "!!float":
			return "a decimal number"
		case "!!bool":
			return "a boolean"
		}
		return fmt.Sprintf("%q", n.Value)
	}
	return "nothing"
}

// str returns a string scalar. A number or boolean is refused rather
// than converted, as the schema refuses it: `version: 1.0` is a float to
// every YAML reader, and would not be the string the author meant.
// Dates written plainly are !!timestamp to YAML, and allowed where
// timestamps make sense.
func (p *parser) str(n *yaml.Node, what string, timestamps bool) (string, bool) {
	tag := n.ShortTag()
	if n.Kind != yaml.ScalarNode || !(tag == "!!str" || timestamps && tag == "!!timestamp") {
		hint := ""
		if n.Kind == yaml.ScalarNode && tag != "!!null" {
			hint = " (quote it)"
		}
		p.at(n, ErrInvalid, "%s must be a string, not %s%s", what, kindName(n), hint)
		return "", false
	}
	return n.Value, true
}

func (p *parser) manifest(n *yaml.Node) *Manifest {
	m := &Manifest{}
	p.mapping(n, "manifest", manifestKeys, requiredManifest, func(key string, v *yaml.Node) {
		switch key {
		case "name":
			if s, ok := p.str(v, "name", false); ok {
				if strings.TrimSpace(s) == "" {
					p.at(v, ErrInvalid, "name is empty")
				}
				m.Name = s
			}
		case "description":
			m.Description, _ = p.str(v, "description", false)
		case "source":
			m.Source, _ = p.str(v, "source", false)
		case "signed":
			if v.Kind != yaml.ScalarNode || v.ShortTag() != "!!bool" {
				p.at(v, ErrInvalid, "signed must be true or false, not %s", kindName(v))
			} else {
				m.Signed = v.Value == "true"
			}
		case "variants":
			m.Variants = p.variants(v)
		}
	})
	return m
}

func (p *parser) variants(n *yaml.Node) []Variant {
	var out []Variant
	lines := map[string]int{}
	add := func(at *yaml.Node, v Variant) {
		k := strings.ToLower(v.Name)
		if line, dup := lines[k]; dup {
			p.at(at, ErrDuplicate, "variant %q given twice (first on line %d)", v.Name, line)
			return
		}
		lines[k] = at.Line
		out = append(out, v)
	}
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			name, ok := p.variantName(k)
			if !ok {
				continue
			}
			if v.Kind == yaml.AliasNode {
				p.at(v, ErrInvalid, "variant %q: YAML aliases are not allowed in manifests", name)
				continue
			}
			vr := p.variant(v, name, variantKeys)
			vr.Name = name
			add(k, vr)
		}
	case yaml.SequenceNode:
		for _, v := range n.Content {
			if v.Kind == yaml.AliasNode {
				p.at(v, ErrInvalid, "variants: YAML aliases are not allowed in manifests")
				continue
			}
			vr := p.variant(v, "", listVariantKeys)
			if vr.Name != "" {
				add(v, vr)
			}
		}
	default:
		p.at(n, ErrInvalid, "variants must be a mapping from variant names to variants, or a list of variants, not %s", kindName(n))
		return nil
	}
	if len(n.Content) == 0 {
		p.at(n, ErrInvalid, "variants is empty")
	}
	return out
}

func (p *parser) variantName(n *yaml.Node) (string, bool) {
	s, ok := p.str(n, "variant name", false)
	if ok && strings.TrimSpace(s) == "" {
		p.at(n, ErrInvalid, "variant name is empty")
		return "", false
	}
	return s, ok
}

func (p *parser) variant(n *yaml.Node, name string, known []string) Variant {
	what := "variant"
	if name != "" {
		what = fmt.Sprintf("variant %q", name)
	}
	required := []string{"entries"}
	if name == "" {
		required = []string{"name", "entries"}
	}
	var v Variant
	p.mapping(n, what, known, required, func(key string, val *yaml.Node) {
		switch key {
		case "name":
			v.Name, _ = p.variantName(val)
		case "description":
			v.Description, _ = p.str(val, "description", false)
		case "entries":
			v.Entries = p.entries(val, what)
		}
	})
	return v
}

func (p *parser) entries(n *yaml.Node, what string) []Entry {
	if n.Kind != yaml.SequenceNode {
		p.at(n, ErrInvalid, "%s: entries must be a list, not %s", what, kindName(n))
		return nil
	}
	if len(n.Content) == 0 {
		p.at(n, ErrInvalid, "%s has no entries", what)
	}
	out := make([]Entry, 0, len(n.Content))
	lines := map[string]int{}
	for _, en := range n.Content {
		if en.Kind == yaml.AliasNode {
			p.at(en, ErrInvalid, "%s: YAML aliases are not allowed in manifests", what)
			continue
		}
		// An entry with a bad field still takes part in the duplicate
		// check, so one run reports both mistakes.
		e, ok := p.entry(en)
		if e.Name != "" {
			k := e.key()
			if line, dup := lines[k]; dup {
				p.at(en, ErrDuplicate, "%s: entry %s given twice (first on line %d); entries of the same name need different platforms or paths", what, e.String(), line)
				continue
			}
			lines[k] = en.Line
		}
		if ok {
			out = append(out, e)
		}
	}
	return out
}

// entry reads one entry; ok is false if it has errors (they are
// reported).
func (p *parser) entry(n *yaml.Node) (Entry, bool) {
	var e Entry
	before := len(p.list) + p.more
	var date, clock, stamp *yaml.Node
	var path *yaml.Node
	bad := func(v *yaml.Node, err error) { p.at(v, ErrInvalid, "%v", err) }
	p.mapping(n, "entry", entryKeys, requiredEntry, func(key string, v *yaml.Node) {
		switch key {
		case "name":
			if s, ok := p.str(v, "name", false); ok {
				if err := checkName(s); err != nil {
					bad(v, err)
				}
				e.Name = s
			}
		case "path":
			path = v
		case "version":
			if s, ok := p.str(v, "version", false); ok {
				var err error
				if e.Version, err = ParseVersion(s); err != nil {
					bad(v, err)
				}
			}
		case "size":
			if v.Kind != yaml.ScalarNode || v.ShortTag() != "!!int" {
				p.at(v, ErrInvalid, "size must be a whole number of bytes, not %s", kindName(v))
				return
			}
			var err error
			if e.Size, err = parseSize(v.Value); err != nil {
				bad(v, err)
			}
		case "date":
			date = v
		case "time":
			clock = v
		case "timestamp":
			stamp = v
		case "platform":
			if s, ok := p.str(v, "platform", false); ok {
				var err error
				if e.Platform, err = ParsePlatform(s); err != nil {
					bad(v, err)
				}
			}
		case "sha256":
			if s, ok := p.str(v, "sha256", false); ok {
				var err error
				if e.SHA256, err = parseDigest(s, "sha256", 32); err != nil {
					bad(v, err)
				}
			}
		case "md5":
			if s, ok := p.str(v, "md5", false); ok {
				var err error
				if e.MD5, err = parseDigest(s, "md5", 16); err != nil {
					bad(v, err)
				}
			}
		}
	})
	if path != nil {
		if s, ok := p.str(path, "path", false); ok {
			var err error
			if e.Path, err = cleanPath(s, e.Name); err != nil {
				bad(path, err)
			}
		}
	}
	switch {
	case stamp != nil && (date != nil || clock != nil):
		p.at(stamp, ErrInvalid, "give either timestamp or date and time, not both")
	case stamp != nil:
		if s, ok := p.str(stamp, "timestamp", true); ok {
			var err error
			if e.Modified, e.Precision, err = parseTimestamp(s); err != nil {
				bad(stamp, err)
			}
		}
	case clock != nil && date == nil:
		p.at(clock, ErrInvalid, "time without a date")
	case date != nil:
		ds, ok := p.str(date, "date", true)
		if !ok {
			break
		}
		d, err := parseDate(ds)
		if err != nil {
			bad(date, err)
			break
		}
		e.Modified, e.Precision = d, Day
		if clock != nil {
			cs, ok := p.str(clock, "time", true)
			if !ok {
				break
			}
			off, prec, err := parseClock(cs)
			if err != nil {
				bad(clock, err)
				break
			}
			e.Modified, e.Precision = d.Add(off), prec
		}
	}
	return e, len(p.list)+p.more == before
}

// Validate checks a manifest built in code by the rules Parse applies,
// so that what Write produces parses back. Errors have no line numbers.
func (m *Manifest) Validate() error {
	c := &errs{}
	bad := func(format string, a ...any) { c.add(0, 0, ErrInvalid, format, a...) }
	if strings.TrimSpace(m.Name) == "" {
		bad("manifest has no name")
	}
	for _, s := range []string{m.Name, m.Description, m.Source} {
		if !utf8.ValidString(s) {
			bad("%q is not UTF-8", s)
		}
	}
	if len(m.Variants) == 0 {
		bad("manifest has no variants")
	}
	vnames := map[string]bool{}
	for _, v := range m.Variants {
		if strings.TrimSpace(v.Name) == "" {
			bad("variant name is empty")
		}
		if !utf8.ValidString(v.Name) || !utf8.ValidString(v.Description) {
			bad("variant %q: name or description is not UTF-8", v.Name)
		}
		if vnames[strings.ToLower(v.Name)] {
			c.add(0, 0, ErrDuplicate, "variant %q given twice", v.Name)
		}
		vnames[strings.ToLower(v.Name)] = true
		if len(v.Entries) == 0 {
			bad("variant %q has no entries", v.Name)
		}
		keys := map[string]bool{}
		for i := range v.Entries {
			e := &v.Entries[i]
			if err := e.validate(); err != nil {
				bad("variant %q: entry %s: %v", v.Name, e, err)
			}
			if keys[e.key()] {
				c.add(0, 0, ErrDuplicate, "variant %q: entry %s given twice", v.Name, e)
			}
			keys[e.key()] = true
		}
	}
	return c.err()
}

// validate checks that every field is in the normal form Parse produces.
func (e *Entry) validate() error {
	if err := checkName(e.Name); err != nil {
		return err
	}
	if e.Path != "" {
		if p, err := cleanPath(e.Path, e.Name); err != nil {
			return err
		} else if p != e.Path {
			return fmt.Errorf("path %q is not in normal form %q", e.Path, p)
		}
	}
	if e.Version != "" {
		if v, err := ParseVersion(e.Version); err != nil {
			return err
		} else if v != e.Version {
			return fmt.Errorf("version %q is not in normal form %q", e.Version, v)
		}
	}
	if e.Size < 0 || e.Size > maxSize {
		return fmt.Errorf("size %d is out of range", e.Size)
	}
	if !e.Modified.IsZero() {
		switch e.Precision {
		case Day, time.Minute, time.Second:
		default:
			return fmt.Errorf("precision %v is not a day, a minute or a second", e.Precision)
		}
		if e.Modified.Location() != time.UTC || !e.Modified.Truncate(e.Precision).Equal(e.Modified) {
			return fmt.Errorf("modified time %v is not in UTC at its precision", e.Modified)
		}
		if y := e.Modified.Year(); y < 1 || y > 9999 {
			return fmt.Errorf("modified time %v is out of range", e.Modified)
		}
	}
	if e.Platform != "" {
		if p, err := ParsePlatform(e.Platform); err != nil || p != e.Platform {
			return fmt.Errorf("platform %q is not one of x86, x64, ia64, arm, arm64, n/a", e.Platform)
		}
	}
	if e.SHA256 != "" {
		if s, err := parseDigest(e.SHA256, "sha256", 32); err != nil || s != e.SHA256 {
			return fmt.Errorf("sha256 %q is not 64 lowercase hexadecimal digits", e.SHA256)
		}
	}
	if e.MD5 != "" {
		if s, err := parseDigest(e.MD5, "md5", 16); err != nil || s != e.MD5 {
			return fmt.Errorf("md5 %q is not 32 lowercase hexadecimal digits", e.MD5)
		}
	}
	return nil
}
