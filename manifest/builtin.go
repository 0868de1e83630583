package manifest

import (
	"bytes"
	"embed"
	"fmt"
	"sort"
	"strings"
)

// The built-in manifests, one YAML file each, named after the manifest.
//
//go:embed builtin/*.yaml
var builtinFS embed.FS

// Builtin returns a fresh copy of the built-in manifest of the given name,
// compared case-insensitively: "kb977203" is the file list of Microsoft
// Knowledge Base article 977203, with variants SP1 and SP2.
func Builtin(name string) (*Manifest, error) {
	for _, n := range BuiltinNames() {
		if strings.EqualFold(n, name) {
			b, err := builtinFS.ReadFile("builtin/" + n + ".yaml")
			if err != nil {
				return nil, err
			}
			m, err := parse(bytes.NewReader(b), "builtin/"+n+".yaml")
			if err != nil {
				// The files are checked by the tests; this is a build
				// that was given a broken one.
				return nil, fmt.Errorf("built-in manifest %s: %w", n, err)
			}
			return m, nil
		}
	}
	return nil, fmt.Errorf("%w: %q (built in: %s)", ErrNoManifest, name, strings.Join(BuiltinNames(), ", "))
}

// BuiltinNames lists the built-in manifests' names, sorted.
func BuiltinNames() []string {
	ents, _ := builtinFS.ReadDir("builtin")
	var names []string
	for _, e := range ents {
		names = append(names, strings.TrimSuffix(e.Name(), ".yaml"))
	}
	sort.Strings(names)
	return names
}
