package burn

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

// FuzzManifest parses arbitrary bytes as a manifest: no input may panic;
// every error wraps ErrManifest; a manifest read has a namespace-free
// view of its references that holds: every embedded payload outside UX
// is in a container it lists, and every package's payloads exist.
func FuzzManifest(f *testing.F) {
	f.Add([]byte(manifestV3))
	f.Add([]byte(`<BurnManifest xmlns="http://wixtoolset.org/schemas/v4/2008/Burn"><UX><Payload Id="a" SourcePath="u0"/></UX></BurnManifest>`))
	f.Add([]byte(`<BurnManifest><Container Id="c" Attached="yes" AttachedIndex="1"/><Payload Id="p" Container="c" SourcePath="a0"/><Chain><MsiPackage Id="m"><PayloadRef Id="p"/></MsiPackage></Chain></BurnManifest>`))
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := ParseManifest(bytes.NewReader(b))
		if err != nil {
			if !errors.Is(err, ErrManifest) {
				t.Fatalf("error wraps no sentinel: %v", err)
			}
			return
		}
		containers := map[string]bool{}
		for _, c := range m.Containers {
			if c.ID == "" || containers[c.ID] || c.Attached && c.AttachedIndex < 1 || c.FileSize < 0 {
				t.Fatalf("container %+v", c)
			}
			containers[c.ID] = true
		}
		payloads := map[string]bool{}
		for _, p := range m.Payloads {
			if p.ID == "" || payloads[p.ID] || p.FileSize < 0 {
				t.Fatalf("payload %+v", p)
			}
			payloads[p.ID] = true
			if p.Embedded() && (p.SourcePath == "" || !p.UX && !containers[p.Container]) {
				t.Fatalf("embedded payload %+v has no place", p)
			}
		}
		for _, pk := range m.Packages {
			if !strings.HasSuffix(pk.Kind, "Package") || pk.ID == "" {
				t.Fatalf("package %+v", pk)
			}
			for _, id := range pk.Payloads {
				if !payloads[id] {
					t.Fatalf("package %s refers to %q", pk.ID, id)
				}
			}
		}
	})
}
