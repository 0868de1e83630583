package jsonschema

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"
)

type node struct {
	Name     string    `json:"name"`
	When     time.Time `json:"when"`
	Size     uint16    `json:"size"`
	Note     string    `json:"note,omitempty"`
	Children []node    `json:"children"`
	Parent   *node     `json:"parent"`
}

func TestValidate(t *testing.T) {
	var g Generator
	doc := g.Document("node", g.Of(reflect.TypeFor[node]()))
	b, _ := json.Marshal(doc)
	var schema Schema
	json.Unmarshal(b, &schema) // as a file gives it

	good := `{"name":"a","when":"2026-12-02T01:00:00Z","size":3,"children":[{"name":"b","when":"2026-12-02T01:00:00+01:00","size":0,"children":[],"parent":null}],"parent":null}`
	for doc, want := range map[string]string{
		good: "",
		`{"name":"a","when":"2026-12-02T01:00:00Z","size":3,"children":null,"parent":null}`:               "$.children: is null, want array",
		`{"name":"a","when":"2026-12-02T01:00:00","size":3,"children":[],"parent":null}`:                  `$.when: "2026-12-02T01:00:00" is not an RFC 3339 time`,
		`{"name":"a","when":"2026-12-02T01:00:00Z","size":-1,"children":[],"parent":null}`:                "$.size: -1 is below 0",
		`{"name":"a","when":"2026-12-02T01:00:00Z","children":[],"parent":null}`:                          `$: lacks required "size"`,
		`{"name":"a","when":"2026-12-02T01:00:00Z","size":1,"children":[],"parent":null,"extra":true}`:    `$: has "extra", which the schema does not list`,
		`{"name":"a","when":"2026-12-02T01:00:00Z","size":1,"children":[],"parent":{"name":1}}`:           "$.parent: matches 0 of the anyOf alternatives",
		`{"name":"a","when":"2026-12-02T01:00:00Z","size":1.5,"children":[],"parent":null,"note":"fine"}`: "$.size: is number, want integer",
		`{"name":"a","when":"2026-12-02T01:00:00Z","size":1,"children":[{"name":"x"}],"parent":null}`:     `$.children[0]: lacks required "when"`,
	} {
		var v any
		if err := json.Unmarshal([]byte(doc), &v); err != nil {
			t.Fatal(err)
		}
		err := Validate(schema, v)
		switch {
		case want == "" && err != nil:
			t.Errorf("%s: %v", doc, err)
		case want != "" && (err == nil || !strings.Contains(err.Error(), want)):
			t.Errorf("%s: %v, want %q", doc, err, want)
		}
	}
}
