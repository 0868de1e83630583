package manifest

import (
	"bufio"
	"encoding/json"
	"io"
	"regexp"
	"strconv"
	"time"

	yaml "go.yaml.in/yaml/v3"
)

// Write writes m in the YAML format Parse reads, in one canonical form:
// keys in a fixed order, variants as a mapping by name, dates and times
// as separate date and time keys, versions and digests normalised. The
// same manifest always gives the same bytes. Write refuses a manifest
// that Validate refuses, so its output always parses back to m.
func Write(w io.Writer, m *Manifest) error {
	if err := m.Validate(); err != nil {
		return err
	}
	root := mapNode()
	addStr(root, "name", m.Name)
	addStr(root, "description", m.Description)
	addStr(root, "source", m.Source)
	if m.Signed {
		root.Content = append(root.Content, scalar("signed", "!!str"), scalar("true", "!!bool"))
	}
	vars := mapNode()
	for _, v := range m.Variants {
		vn := mapNode()
		addStr(vn, "description", v.Description)
		es := &yaml.Node{Kind: yaml.SequenceNode}
		for i := range v.Entries {
			es.Content = append(es.Content, entryNode(&v.Entries[i]))
		}
		vn.Content = append(vn.Content, scalar("entries", "!!str"), es)
		vars.Content = append(vars.Content, str(v.Name), vn)
	}
	root.Content = append(root.Content, scalar("variants", "!!str"), vars)

	bw := bufio.NewWriter(w)
	enc := yaml.NewEncoder(bw)
	enc.SetIndent(2)
	if err := enc.Encode(root); err != nil {
		return err
	}
	if err := enc.Close(); err != nil {
		return err
	}
	return bw.Flush()
}

func mapNode() *yaml.Node { return &yaml.Node{Kind: yaml.MappingNode} }

func scalar(v, tag string) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Value: v, Tag: tag}
}

// addStr adds key: value, leaving out empty optional values.
func addStr(n *yaml.Node, key, value string) {
	if value != "" {
		n.Content = append(n.Content, scalar(key, "!!str"), str(value))
	}
}

// yaml11 matches the plain scalars that yaml.v3 (YAML 1.2) leaves
// unquoted but YAML 1.1 readers, still common in editors and scripts,
// take for booleans or base-60 numbers: "yes", "off", "01:40".
var yaml11 = regexp.MustCompile(`^(?i:y|n|yes|no|on|off)$|^[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?$`)

// str is a string scalar that every YAML reader reads as that string.
func str(v string) *yaml.Node {
	n := scalar(v, "!!str")
	if yaml11.MatchString(v) {
		n.Style = yaml.DoubleQuotedStyle
	}
	return n
}

func entryNode(e *Entry) *yaml.Node {
	n := mapNode()
	addStr(n, "name", e.Name)
	addStr(n, "path", e.Path)
	addStr(n, "version", e.Version)
	n.Content = append(n.Content, scalar("size", "!!str"), scalar(strconv.FormatInt(e.Size, 10), "!!int"))
	date, clock := e.dateTime()
	addStr(n, "date", date)
	addStr(n, "time", clock)
	addStr(n, "platform", e.Platform)
	addStr(n, "sha256", e.SHA256)
	addStr(n, "md5", e.MD5)
	return n
}

// dateTime formats Modified as the date and time keys at its precision.
func (e *Entry) dateTime() (date, clock string) {
	if e.Modified.IsZero() {
		return "", ""
	}
	t := e.Modified.UTC()
	date = t.Format("2006-01-02")
	switch e.Precision {
	case Day:
	case time.Minute:
		clock = t.Format("15:04")
	default:
		clock = t.Format("15:04:05")
	}
	return date, clock
}

// Wire forms for JSON: the same keys as the YAML, with variants as a list
// (JSON objects have no order), which the schema also allows.
type (
	jsonManifest struct {
		Name        string        `json:"name"`
		Description string        `json:"description,omitempty"`
		Source      string        `json:"source,omitempty"`
		Signed      bool          `json:"signed,omitempty"`
		Variants    []jsonVariant `json:"variants"`
	}
	jsonVariant struct {
		Name        string      `json:"name"`
		Description string      `json:"description,omitempty"`
		Entries     []jsonEntry `json:"entries"`
	}
	jsonEntry struct {
		Name     string `json:"name"`
		Path     string `json:"path,omitempty"`
		Version  string `json:"version,omitempty"`
		Size     int64  `json:"size"`
		Date     string `json:"date,omitempty"`
		Time     string `json:"time,omitempty"`
		Platform string `json:"platform,omitempty"`
		SHA256   string `json:"sha256,omitempty"`
		MD5      string `json:"md5,omitempty"`
	}
)

func (e *Entry) toJSON() jsonEntry {
	date, clock := e.dateTime()
	return jsonEntry{
		Name: e.Name, Path: e.Path, Version: e.Version, Size: e.Size, Date: date, Time: clock,
		Platform: e.Platform, SHA256: e.SHA256, MD5: e.MD5,
	}
}

// MarshalJSON writes an entry with the keys of the YAML format.
func (e Entry) MarshalJSON() ([]byte, error) { return json.Marshal(e.toJSON()) }

// MarshalJSON writes the manifest with the keys of the YAML format,
// variants as a list; Parse reads the result back.
func (m Manifest) MarshalJSON() ([]byte, error) {
	out := jsonManifest{Name: m.Name, Description: m.Description, Source: m.Source, Signed: m.Signed, Variants: []jsonVariant{}}
	for _, v := range m.Variants {
		jv := jsonVariant{Name: v.Name, Description: v.Description, Entries: []jsonEntry{}}
		for i := range v.Entries {
			jv.Entries = append(jv.Entries, v.Entries[i].toJSON())
		}
		out.Variants = append(out.Variants, jv)
	}
	return json.Marshal(out)
}
