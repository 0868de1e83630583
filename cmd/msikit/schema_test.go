package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/msikit/msikit/internal/jsonschema"
	"github.com/msikit/msikit/internal/testutil"
	"github.com/stretchr/testify/require"
)

var updateSchemas = flag.Bool("update-schemas", false, "rewrite docs/schema/*.json from the Go types")

// A --json shape and where its schema comes from: the Go types the CLI
// marshals, so the schema cannot drift from the output.
type shape struct {
	name, title string
	schema      func(g *jsonschema.Generator) jsonschema.Schema
}

func of[T any](g *jsonschema.Generator) jsonschema.Schema { return g.Of(reflect.TypeFor[T]()) }

func arrayOf(s jsonschema.Schema) jsonschema.Schema {
	return jsonschema.Schema{"type": "array", "items": s}
}

// severalInputs is the shape of a command that takes several packages:
// what it prints for one, or for several an array of per-input objects
// (eachInput), the failed ones {file, error}.
func severalInputs[T any](g *jsonschema.Generator, key string) jsonschema.Schema {
	one := of[T](g)
	item := one
	if key != "" {
		item = jsonschema.Schema{"type": "object", "required": []any{"file", key}, "additionalProperties": false,
			"properties": jsonschema.Schema{"file": jsonschema.Schema{"type": "string"}, key: one}}
	}
	return jsonschema.Schema{"oneOf": []any{one, arrayOf(jsonschema.Schema{"oneOf": []any{item, of[jsonFailed](g)}})}}
}

var shapes = []shape{
	{"info", "msikit info --json", func(g *jsonschema.Generator) jsonschema.Schema { return severalInputs[infoReport](g, "") }},
	{"tables", "msikit tables --json", func(g *jsonschema.Generator) jsonschema.Schema { return severalInputs[[]tableJSON](g, "tables") }},
	{"files", "msikit files --json", func(g *jsonschema.Generator) jsonschema.Schema { return severalInputs[[]fileJSON](g, "files") }},
	{"media", "msikit media --json", func(g *jsonschema.Generator) jsonschema.Schema { return severalInputs[[]needJSON](g, "media") }},
	{"streams", "msikit streams --json", func(g *jsonschema.Generator) jsonschema.Schema { return severalInputs[[]streamJSON](g, "streams") }},
	{"cab-list", "msikit cab list --json", of[[]jsonCabinet]},
	{"cab-test", "msikit cab test --json", of[[]jsonTest]},
	{"cab-create", "msikit cab create --json", of[jsonCreated]},
	{"pe", "msikit pe --json", func(g *jsonschema.Generator) jsonschema.Schema {
		return arrayOf(jsonschema.Schema{"oneOf": []any{of[peJSON](g), of[jsonFailed](g)}})
	}},
	{"version", "msikit version --json", of[versionInfo]},
	{"diff", "msikit diff --json", of[diffJSON]},
	{"patch-info", "msikit patch info --json", of[patchReport]},
	{"patch-files", "msikit patch files --json", of[[]patchFileJSON]},
	{"patch-check", "msikit patch check --json", of[checkReport]},
	{"transform-info", "msikit transform info --json", of[transformInfoJSON]},
	{"signature", "msikit signature --json", of[[]signatureJSON]},
	{"delta-info", "msikit delta info --json", of[deltaJSON]},
	{"manifest-check", "msikit manifest check --json", of[[]manifestCheckJSON]},
	{"list", "msikit list --json", func(g *jsonschema.Generator) jsonschema.Schema { return severalInputs[[]jsonEntry](g, "entries") }},
}

func schemaDoc(s shape) []byte {
	var g jsonschema.Generator
	doc := g.Document(s.title, s.schema(&g))
	b, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		panic(err)
	}
	return append(b, '\n')
}

func loadSchema(t *testing.T, name string) jsonschema.Schema {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(testutil.ModuleRoot(t), "docs", "schema", name+".json"))
	if err != nil {
		t.Fatalf("schema %s: %v (go test ./cmd/msikit -run TestSchemaFiles -update-schemas writes it)", name, err)
	}
	var s jsonschema.Schema
	if err := json.Unmarshal(b, &s); err != nil {
		t.Fatalf("schema %s: %v", name, err)
	}
	return s
}

// TestSchemaFiles: docs/schema holds the schema of every shape, as the
// types give it (-update-schemas rewrites them).
func TestSchemaFiles(t *testing.T) {
	dir := filepath.Join(testutil.ModuleRoot(t), "docs", "schema")
	for _, s := range shapes {
		want := schemaDoc(s)
		p := filepath.Join(dir, s.name+".json")
		if *updateSchemas {
			if err := os.MkdirAll(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, want, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		got, err := os.ReadFile(p)
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("%s is not the schema of the types (%v): go test ./cmd/msikit -run TestSchemaFiles -update-schemas", p, err)
		}
	}
}

// checkJSON validates a command's --json output against its schema.
func checkShape(t *testing.T, name string, args ...string) {
	t.Helper()
	code, out, errOut := msikit(t, args...)
	if code != 0 && code != 1 {
		t.Fatalf("%v: exit %d: %s", args, code, errOut)
	}
	var doc any
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("%v: %v\n%s", args, err, out)
	}
	if err := jsonschema.Validate(loadSchema(t, name), doc); err != nil {
		t.Errorf("%v does not fit docs/schema/%s.json:\n%v", args, name, strings.ReplaceAll(err.Error(), "\n", "\n  "))
	}
}

// TestJSONShapes runs each --json command on real inputs (packages,
// cabinets, transforms, patches, PE files; one input and several) and
// checks the output against its schema.
func TestJSONShapes(t *testing.T) {
	dir := t.TempDir()
	root := testutil.ModuleRoot(t)
	sp2 := filepath.Join(root, "fixtures", "kb977203", "SCCM2007-SP2-KB977203-ENU.msi")
	missing := filepath.Join(dir, "missing.msi")
	v1 := buildVersion(t, filepath.Join(dir, "v1"), "v1.msi", map[string]string{"Demo/readme.txt": "one", "Demo/doc/guide.txt": "guide"})
	v2 := buildVersion(t, filepath.Join(dir, "v2"), "v2.msi", map[string]string{"Demo/readme.txt": "second", "Demo/doc/guide.txt": "guide", "Demo/extra.txt": "new"})
	msp, mst := filepath.Join(dir, "p.msp"), filepath.Join(dir, "t.mst")
	if code, _, e := msikit(t, "patch", "create", v1, v2, "-o", msp); code != 0 {
		t.Fatal(e)
	}
	if code, _, e := msikit(t, "transform", "create", v1, v2, "-o", mst); code != 0 {
		t.Fatal(e)
	}
	createCab(t, filepath.Join(dir, "c"), [][2]string{{"one.txt", "one"}, {"two.txt", "two"}})
	cab := filepath.Join(dir, "c.cab")
	_, delta := writeDelta(t, dir)
	if code, _, e := msikit(t, "extract", "-q", sp2, "--only", "CCMCertFix.exe", "-o", filepath.Join(dir, "x")); code != 0 {
		t.Fatal(e)
	}
	exe := filepath.Join(dir, "x", "Logs", "KB977203", "CCMCertFix.exe")

	for _, in := range [][]string{{hello}, {sp2}, {mst}, {msp}, {hello, sp2, missing}} {
		for _, c := range []string{"info", "tables", "files", "media", "streams"} {
			if c != "info" && c != "tables" && c != "streams" && (in[0] == mst || in[0] == msp) {
				continue
			}
			checkShape(t, c, append([]string{c, "--json"}, in...)...)
		}
	}
	checkShape(t, "streams", "streams", "--json", "--all", msp)
	checkShape(t, "cab-list", "cab", "list", "--json", cab, cab)
	checkShape(t, "cab-test", "cab", "test", "--json", "--md5", cab, cab)
	checkShape(t, "cab-create", "cab", "create", "--json", "-o", filepath.Join(dir, "new.cab"), filepath.Join(dir, "c"))
	checkShape(t, "pe", "pe", "--json", exe, hello)
	checkShape(t, "version", "version", "--json")
	checkShape(t, "diff", "diff", "--json", v1, v2)
	checkShape(t, "patch-info", "patch", "info", "--json", msp)
	checkShape(t, "patch-files", "patch", "files", "--json", msp)
	checkShape(t, "patch-check", "patch", "check", "--json", msp, v1)
	checkShape(t, "transform-info", "transform", "info", "--json", mst)
	checkShape(t, "signature", "signature", "--json", hello, exe)
	checkShape(t, "delta-info", "delta", "info", "--json", delta)
	badManifest := filepath.Join(dir, "bad.yaml")
	require.NoError(t, os.WriteFile(badManifest, []byte("name: x\nvariants:\n  SP1:\n    entries:\n      - name: [\n"), 0o644))
	checkShape(t, "manifest-check", "manifest", "check", "--json", filepath.Join(root, "manifest", "builtin", "kb977203.yaml"), badManifest)
	checkShape(t, "verify", "verify", "--json", "--manifest", "kb977203", sp2)
	checkShape(t, "list", "list", "--json", "-r", filepath.Join(root, "fixtures", "kb977203", "977203-SP2_ENU_i386_zip.exe"), sp2)
}
