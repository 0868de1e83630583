package manifest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	yaml "go.yaml.in/yaml/v3"
)

// A small validator for the part of JSON Schema 2020-12 that schema.json
// uses. It refuses keywords it does not implement, so the schema cannot
// grow a constraint this test silently ignores.
type schemaChecker struct{ root map[string]any }

var implemented = map[string]bool{
	"$schema": true, "$id": true, "title": true, "description": true, "examples": true, "$defs": true,
	"type": true, "properties": true, "additionalProperties": true, "required": true, "minProperties": true,
	"propertyNames": true, "dependentRequired": true, "items": true, "minItems": true, "minLength": true,
	"maxLength": true, "pattern": true, "minimum": true, "maximum": true, "oneOf": true, "anyOf": true,
	"not": true, "$ref": true,
}

// ecmaToRE2 turns the \uXXXX escapes JSON Schema patterns use (ECMA-262)
// into RE2's \x{XXXX}.
var uEscape = regexp.MustCompile(`\\u([0-9a-fA-F]{4})`)

func (c *schemaChecker) validate(s map[string]any, v any, at string) []string {
	var errs []string
	fail := func(f string, a ...any) { errs = append(errs, at+": "+fmt.Sprintf(f, a...)) }
	for k := range s {
		if !implemented[k] {
			fail("schema keyword %q not implemented by the test's checker", k)
		}
	}
	if ref, ok := s["$ref"].(string); ok {
		def := c.root["$defs"].(map[string]any)[strings.TrimPrefix(ref, "#/$defs/")]
		errs = append(errs, c.validate(def.(map[string]any), v, at)...)
	}
	if t, ok := s["type"].(string); ok {
		okType := false
		switch x := v.(type) {
		case map[string]any:
			okType = t == "object"
		case []any:
			okType = t == "array"
		case string:
			okType = t == "string"
		case float64:
			okType = t == "number" || t == "integer" && x == float64(int64(x))
		case bool:
			okType = t == "boolean"
		}
		if !okType {
			fail("%v is not of type %s", v, t)
			return errs
		}
	}
	num := func(k string) (float64, bool) { f, ok := s[k].(float64); return f, ok }
	switch x := v.(type) {
	case map[string]any:
		props, _ := s["properties"].(map[string]any)
		for k, pv := range x {
			if ps, ok := props[k]; ok {
				errs = append(errs, c.validate(ps.(map[string]any), pv, at+"."+k)...)
			} else if ap, ok := s["additionalProperties"]; ok {
				switch ap := ap.(type) {
				case bool:
					if !ap {
						fail("property %q not allowed", k)
					}
				case map[string]any:
					errs = append(errs, c.validate(ap, pv, at+"."+k)...)
				}
			}
			if pn, ok := s["propertyNames"].(map[string]any); ok {
				errs = append(errs, c.validate(pn, k, at+" key "+k)...)
			}
		}
		req, _ := s["required"].([]any)
		for _, r := range req {
			if _, ok := x[r.(string)]; !ok {
				fail("required property %q missing", r)
			}
		}
		if n, ok := num("minProperties"); ok && float64(len(x)) < n {
			fail("fewer than %v properties", n)
		}
		if dr, ok := s["dependentRequired"].(map[string]any); ok {
			for k, deps := range dr {
				if _, has := x[k]; has {
					for _, d := range deps.([]any) {
						if _, ok := x[d.(string)]; !ok {
							fail("%q requires %q", k, d)
						}
					}
				}
			}
		}
	case []any:
		if n, ok := num("minItems"); ok && float64(len(x)) < n {
			fail("fewer than %v items", n)
		}
		if it, ok := s["items"].(map[string]any); ok {
			for i, e := range x {
				errs = append(errs, c.validate(it, e, at+"["+strconv.Itoa(i)+"]")...)
			}
		}
	case string:
		n := float64(utf8.RuneCountInString(x))
		if m, ok := num("minLength"); ok && n < m {
			fail("%q shorter than %v", x, m)
		}
		if m, ok := num("maxLength"); ok && n > m {
			fail("%q longer than %v", x, m)
		}
		if p, ok := s["pattern"].(string); ok && !regexp.MustCompile(uEscape.ReplaceAllString(p, `\x{$1}`)).MatchString(x) {
			fail("%q does not match %s", x, p)
		}
	case float64:
		if m, ok := num("minimum"); ok && x < m {
			fail("%v below %v", x, m)
		}
		if m, ok := num("maximum"); ok && x > m {
			fail("%v above %v", x, m)
		}
	}
	if one, ok := s["oneOf"].([]any); ok {
		n := 0
		for _, sub := range one {
			if len(c.validate(sub.(map[string]any), v, at)) == 0 {
				n++
			}
		}
		if n != 1 {
			fail("matches %d of oneOf's schemas, not exactly one", n)
		}
	}
	if any_, ok := s["anyOf"].([]any); ok {
		n := 0
		for _, sub := range any_ {
			if len(c.validate(sub.(map[string]any), v, at)) == 0 {
				n++
			}
		}
		if n == 0 {
			fail("matches none of anyOf's schemas")
		}
	}
	if not, ok := s["not"].(map[string]any); ok && len(c.validate(not, v, at)) == 0 {
		fail("matches a schema it must not")
	}
	return errs
}

func loadSchema(t *testing.T) *schemaChecker {
	t.Helper()
	var root map[string]any
	if err := json.Unmarshal(Schema(), &root); err != nil {
		t.Fatalf("schema.json is not JSON: %v", err)
	}
	if root["$schema"] != "https://json-schema.org/draft/2020-12/schema" {
		t.Fatalf("$schema is %v", root["$schema"])
	}
	return &schemaChecker{root: root}
}

// yamlValue turns a YAML document into the JSON value an editor's schema
// check sees: every scalar by its YAML tag, so `size: "1"` is a string.
func yamlValue(t *testing.T, src []byte) any {
	t.Helper()
	var doc yaml.Node
	if err := yaml.Unmarshal(src, &doc); err != nil {
		t.Fatal(err)
	}
	var conv func(n *yaml.Node) any
	conv = func(n *yaml.Node) any {
		switch n.Kind {
		case yaml.DocumentNode:
			return conv(n.Content[0])
		case yaml.MappingNode:
			m := map[string]any{}
			for i := 0; i+1 < len(n.Content); i += 2 {
				m[n.Content[i].Value] = conv(n.Content[i+1])
			}
			return m
		case yaml.SequenceNode:
			a := []any{}
			for _, c := range n.Content {
				a = append(a, conv(c))
			}
			return a
		}
		switch n.ShortTag() {
		case "!!int", "!!float":
			f, _ := strconv.ParseFloat(n.Value, 64)
			return f
		case "!!bool":
			return n.Value == "true"
		case "!!null":
			return nil
		}
		return n.Value
	}
	return conv(&doc)
}

func TestSchemaAcceptsBuiltinAndOutputs(t *testing.T) {
	c := loadSchema(t)
	src, _ := builtinFS.ReadFile("builtin/kb977203.yaml")
	var w bytes.Buffer
	if err := Write(&w, richManifest()); err != nil {
		t.Fatal(err)
	}
	js, _ := json.Marshal(richManifest())
	var jv any
	json.Unmarshal(js, &jv)
	for name, v := range map[string]any{
		"builtin": yamlValue(t, src), "rich yaml": yamlValue(t, w.Bytes()), "rich json": jv,
		"list form": yamlValue(t, []byte(listForm)), "map form": yamlValue(t, []byte(mapForm)),
		"small": yamlValue(t, mustRead(t, "testdata/small.yaml")),
	} {
		if errs := c.validate(c.root, v, "$"); len(errs) > 0 {
			t.Errorf("%s: schema refuses it:\n%s", name, strings.Join(errs, "\n"))
		}
	}
}

// The schema and Parse refuse the same mistakes (those a schema can
// express).
func TestSchemaRefusesWhatParseRefuses(t *testing.T) {
	c := loadSchema(t)
	head := "name: x\nvariants:\n  SP1:\n    entries:\n"
	for _, in := range []string{
		"name: x\nvariant: {}\n",
		head + "      - {name: a, size: 1, verison: 1.2.3.4}\n",
		head + "      - {name: a, size: 1, version: 4.0.6221}\n",
		head + "      - {name: a, size: 1, version: 4.0}\n",
		head + "      - {name: a, size: \"17,768\"}\n",
		head + "      - {name: a, size: -1}\n",
		head + "      - {name: a}\n",
		head + "      - {name: a, size: 1, date: 25-Jan-2010}\n",
		head + "      - {name: a, size: 1, time: \"06:27\"}\n",
		head + "      - {name: a, size: 1, date: 2010-01-25, timestamp: 2010-01-25T06:27Z}\n",
		head + "      - {name: a, size: 1, platform: Intel64}\n",
		head + "      - {name: a, size: 1, sha256: abc}\n",
		head + "      - {name: bin/a, size: 1}\n",
		head + "      []\n",
		"name: x\nvariants: {}\n",
		"name: \"\"\nvariants: {A: {entries: [{name: a, size: 1}]}}\n",
		"name: x\nvariants: [{entries: [{name: a, size: 1}]}]\n",
		"name: x\nvariants: {A: {entries: [{name: a, size: 1}], notes: x}}\n",
	} {
		if _, err := Parse(strings.NewReader(in)); err == nil {
			t.Errorf("Parse accepts %q", in)
		}
		if errs := c.validate(c.root, yamlValue(t, []byte(in)), "$"); len(errs) == 0 {
			t.Errorf("schema accepts %q", in)
		}
	}
}

// Every key the parser knows is a property of the schema, and the other
// way round; the JSON output's struct tags are the same words.
func TestSchemaKeysMatchFormat(t *testing.T) {
	c := loadSchema(t)
	props := func(s any) []string {
		var out []string
		for k := range s.(map[string]any)["properties"].(map[string]any) {
			out = append(out, k)
		}
		sort.Strings(out)
		return out
	}
	defs := c.root["$defs"].(map[string]any)
	sorted := func(s []string) []string { s = append([]string(nil), s...); sort.Strings(s); return s }
	tags := func(v any) []string {
		var out []string
		rt := reflect.TypeOf(v)
		for i := 0; i < rt.NumField(); i++ {
			out = append(out, strings.Split(rt.Field(i).Tag.Get("json"), ",")[0])
		}
		sort.Strings(out)
		return out
	}
	for _, tc := range []struct {
		what        string
		schema, got []string
	}{
		{"manifest", props(c.root), sorted(manifestKeys)},
		{"variant", props(defs["variant"]), sorted(variantKeys)},
		{"named variant", props(defs["namedVariant"]), sorted(listVariantKeys)},
		{"entry", props(defs["entry"]), sorted(entryKeys)},
		{"manifest JSON", props(c.root), tags(jsonManifest{})},
		{"variant JSON", props(defs["namedVariant"]), tags(jsonVariant{})},
		{"entry JSON (no timestamp: Write splits it)", without(props(defs["entry"]), "timestamp"), tags(jsonEntry{})},
	} {
		if !reflect.DeepEqual(tc.schema, tc.got) {
			t.Errorf("%s: schema has %v, code %v", tc.what, tc.schema, tc.got)
		}
	}
}

func without(s []string, x string) []string {
	var out []string
	for _, v := range s {
		if v != x {
			out = append(out, v)
		}
	}
	return out
}
