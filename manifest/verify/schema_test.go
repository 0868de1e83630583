package verify

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
)

var updateSchema = flag.Bool("update-schemas", false, "rewrite docs/schema/verify.json from the report's Go types")

// verifySchema is the schema of WriteJSON's document, from the types it
// marshals, so the published schema cannot drift from the output.
func verifySchema() []byte {
	var g jsonschema.Generator
	doc := g.Document("msikit verify --format json", g.Of(reflect.TypeFor[jsonReport]()))
	b, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		panic(err)
	}
	return append(b, '\n')
}

// TestSchemaFile: docs/schema/verify.json is the schema of the report's
// types (-update-schemas rewrites it).
func TestSchemaFile(t *testing.T) {
	p := filepath.Join(testutil.ModuleRoot(t), "docs", "schema", "verify.json")
	want := verifySchema()
	if *updateSchema {
		if err := os.WriteFile(p, want, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	got, err := os.ReadFile(p)
	if err != nil || !bytes.Equal(got, want) {
		t.Errorf("%s is not the schema of the report's types (%v): go test ./manifest/verify -run TestSchemaFile -update-schemas", p, err)
	}
}

// checkSchema validates a WriteJSON document against docs/schema/verify.json.
func checkSchema(t *testing.T, doc []byte) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(testutil.ModuleRoot(t), "docs", "schema", "verify.json"))
	if err != nil {
		t.Fatal(err)
	}
	var schema jsonschema.Schema
	if err := json.Unmarshal(b, &schema); err != nil {
		t.Fatal(err)
	}
	var v any
	if err := json.Unmarshal(doc, &v); err != nil {
		t.Fatalf("%v\n%s", err, doc)
	}
	if err := jsonschema.Validate(schema, v); err != nil {
		t.Errorf("the report does not fit docs/schema/verify.json:\n%v\n%s", strings.ReplaceAll(err.Error(), "\n", "\n  "), doc)
	}
}
