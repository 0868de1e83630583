package manifest

import _ "embed"

//go:embed schema.json
var schema []byte

// Schema returns the JSON Schema (draft 2020-12) of the manifest format,
// for editors: with the YAML language server, a first line of
// "# yaml-language-server: $schema=schema.json" gives completion and
// checks as one types. Parse stays the authority; the schema cannot say
// that entries are unique or that a path ends in the entry's name.
func Schema() []byte { return append([]byte(nil), schema...) }
