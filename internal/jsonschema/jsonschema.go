// Package jsonschema makes JSON Schemas (draft 2020-12) from Go types and
// checks documents against them: the subset msikit's --json shapes use
// (type, properties, required, additionalProperties, items, oneOf,
// anyOf, $ref into $defs, format date-time, minimum). No allowed
// dependency validates schemas, and the subset is small.
package jsonschema

import (
	"encoding"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"time"
)

// Schema is a schema as its JSON decodes: maps, slices, strings, numbers.
type Schema = map[string]any

// Generator makes schemas from Go types, as encoding/json marshals them:
// a struct is an object of its exported fields under their json names,
// every field required unless its tag says omitempty, no other property;
// a pointer may also be null; a slice is an array (never null: the CLI
// prints [] for an empty list, and a null there is a bug the check
// catches); time.Time is an RFC 3339 string. Structs are put in $defs
// under their Go names and referred to, so recursive types work.
type Generator struct {
	defs map[string]Schema
}

// Document returns the schema of t with a title and the $defs used.
func (g *Generator) Document(title string, s Schema) Schema {
	doc := Schema{"$schema": "https://json-schema.org/draft/2020-12/schema", "title": title}
	for k, v := range s {
		doc[k] = v
	}
	if len(g.defs) > 0 {
		doc["$defs"] = g.defs
	}
	return doc
}

// Of returns the schema of values of type t.
func (g *Generator) Of(t reflect.Type) Schema {
	if g.defs == nil {
		g.defs = map[string]Schema{}
	}
	if t == reflect.TypeFor[time.Time]() {
		return Schema{"type": "string", "format": "date-time"}
	}
	if t.Kind() == reflect.Pointer {
		return Schema{"anyOf": []any{g.Of(t.Elem()), Schema{"type": "null"}}}
	}
	if t.Implements(reflect.TypeFor[json.Marshaler]()) || reflect.PointerTo(t).Implements(reflect.TypeFor[json.Marshaler]()) {
		return Schema{} // its own encoding: anything
	}
	if t.Implements(reflect.TypeFor[encoding.TextMarshaler]()) {
		return Schema{"type": "string"}
	}
	switch t.Kind() {
	case reflect.Bool:
		return Schema{"type": "boolean"}
	case reflect.String:
		return Schema{"type": "string"}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return Schema{"type": "integer"}
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return Schema{"type": "integer", "minimum": 0}
	case reflect.Float32, reflect.Float64:
		return Schema{"type": "number"}
	case reflect.Slice, reflect.Array:
		if t.Elem().Kind() == reflect.Uint8 {
			return Schema{"type": "string"} // base64
		}
		return Schema{"type": "array", "items": g.Of(t.Elem())}
	case reflect.Map:
		return Schema{"type": "object", "additionalProperties": g.Of(t.Elem())}
	case reflect.Interface:
		return Schema{}
	case reflect.Struct:
		name := t.Name()
		if name == "" {
			return g.object(t)
		}
		if _, ok := g.defs[name]; !ok {
			g.defs[name] = nil // in progress: a recursive reference finds it
			g.defs[name] = g.object(t)
		}
		return Schema{"$ref": "#/$defs/" + name}
	}
	return Schema{}
}

func (g *Generator) object(t reflect.Type) Schema {
	props := Schema{}
	var required []any
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			continue
		}
		if f.Anonymous && name == "" {
			inner := g.object(f.Type)
			for k, v := range inner["properties"].(Schema) {
				props[k] = v
			}
			required = append(required, inner["required"].([]any)...)
			continue
		}
		if name == "" {
			name = f.Name
		}
		props[name] = g.Of(f.Type)
		if !strings.Contains(opts, "omitempty") && !strings.Contains(opts, "omitzero") {
			required = append(required, name)
		}
	}
	sort.Slice(required, func(i, j int) bool { return required[i].(string) < required[j].(string) })
	if required == nil {
		required = []any{}
	}
	return Schema{"type": "object", "properties": props, "required": required, "additionalProperties": false}
}

// Validate checks doc (as encoding/json decodes into any) against the
// schema root, and returns every violation, each with its JSON path.
func Validate(root Schema, doc any) error {
	v := validator{root: root}
	v.check(root, doc, "$")
	return errors.Join(v.errs...)
}

type validator struct {
	root Schema
	errs []error
}

func (v *validator) fail(path, format string, a ...any) {
	v.errs = append(v.errs, fmt.Errorf("%s: %s", path, fmt.Sprintf(format, a...)))
}

func typeOf(x any) string {
	switch n := x.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case string:
		return "string"
	case float64:
		if n == float64(int64(n)) {
			return "integer"
		}
		return "number"
	case json.Number:
		if _, err := n.Int64(); err == nil {
			return "integer"
		}
		return "number"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return fmt.Sprintf("%T", x)
}

func (v *validator) check(s Schema, x any, path string) {
	if ref, ok := s["$ref"].(string); ok {
		name, ok := strings.CutPrefix(ref, "#/$defs/")
		defs, _ := v.root["$defs"].(map[string]any)
		target, found := defs[name].(map[string]any)
		if !ok || !found {
			v.fail(path, "unresolved $ref %s", ref)
			return
		}
		v.check(target, x, path)
		return
	}
	if t, ok := s["type"]; ok {
		got := typeOf(x)
		match := func(want string) bool { return want == got || want == "number" && got == "integer" }
		okType := false
		switch t := t.(type) {
		case string:
			okType = match(t)
		case []any:
			for _, w := range t {
				okType = okType || match(w.(string))
			}
		}
		if !okType {
			v.fail(path, "is %s, want %v", got, t)
			return
		}
	}
	for _, key := range []string{"oneOf", "anyOf"} {
		alts, ok := s[key].([]any)
		if !ok {
			continue
		}
		n := 0
		var first error
		for _, a := range alts {
			sub := validator{root: v.root}
			sub.check(a.(map[string]any), x, path)
			if len(sub.errs) == 0 {
				n++
			} else if first == nil {
				first = errors.Join(sub.errs...)
			}
		}
		if n == 0 || key == "oneOf" && n > 1 {
			v.fail(path, "matches %d of the %s alternatives (first mismatch: %v)", n, key, first)
		}
	}
	if en, ok := s["enum"].([]any); ok {
		found := false
		for _, e := range en {
			found = found || e == x
		}
		if !found {
			v.fail(path, "%v is not one of %v", x, en)
		}
	}
	if min, ok := s["minimum"]; ok {
		if f, ok := x.(float64); ok && f < toFloat(min) {
			v.fail(path, "%v is below %v", f, min)
		}
	}
	if s["format"] == "date-time" {
		if str, ok := x.(string); ok {
			if _, err := time.Parse(time.RFC3339Nano, str); err != nil {
				v.fail(path, "%q is not an RFC 3339 time", str)
			}
		}
	}
	switch x := x.(type) {
	case map[string]any:
		props, _ := s["properties"].(map[string]any)
		if req, ok := s["required"].([]any); ok {
			for _, r := range req {
				if _, ok := x[r.(string)]; !ok {
					v.fail(path, "lacks required %q", r)
				}
			}
		}
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if ps, ok := props[k].(map[string]any); ok {
				v.check(ps, x[k], path+"."+k)
				continue
			}
			switch ap := s["additionalProperties"].(type) {
			case bool:
				if !ap {
					v.fail(path, "has %q, which the schema does not list", k)
				}
			case map[string]any:
				v.check(ap, x[k], path+"."+k)
			}
		}
	case []any:
		if items, ok := s["items"].(map[string]any); ok {
			for i, e := range x {
				v.check(items, e, fmt.Sprintf("%s[%d]", path, i))
			}
		}
	}
}

func toFloat(x any) float64 {
	switch n := x.(type) {
	case float64:
		return n
	case int:
		return float64(n)
	}
	return 0
}
