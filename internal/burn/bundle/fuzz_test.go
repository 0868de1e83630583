package bundle

import (
	"bytes"
	"errors"
	"io"
	"testing"

	"github.com/msikit/msikit/cab"
	"github.com/msikit/msikit/internal/burn"
)

// FuzzOpen stores arbitrary bytes as the manifest of a bundle whose
// containers are fixed, and opens it: no input may panic; every error
// wraps a sentinel; every embedded payload is mapped to a container of
// the bundle under its member name, and reading it either succeeds or
// fails with a sentinel.
func FuzzOpen(f *testing.F) {
	built, err := Build(spec(burn.NamespaceV3))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(built.Manifest)
	built4, _ := Build(spec(burn.NamespaceV4))
	f.Add(built4.Manifest)
	f.Fuzz(func(t *testing.T, manifest []byte) {
		s := spec(burn.NamespaceV3)
		s.Manifest = manifest
		built, err := Build(s)
		if err != nil {
			t.Fatal(err)
		}
		b, err := Open(bytes.NewReader(built.Bundle), int64(len(built.Bundle)))
		if err != nil {
			if !errors.Is(err, burn.ErrManifest) && !errors.Is(err, burn.ErrFormat) {
				t.Fatalf("error wraps no sentinel: %v", err)
			}
			return
		}
		for _, p := range b.Payloads {
			if p.Embedded() != (p.Container != nil) || p.Container != nil && p.Container.Payloads[p.SourcePath] != p {
				t.Fatalf("payload %+v is not mapped", p.Payload)
			}
			rc, err := b.OpenPayload(p)
			if err == nil {
				_, err = io.Copy(io.Discard, rc)
				rc.Close()
			}
			if err != nil && !errors.Is(err, ErrMismatch) && !errors.Is(err, ErrNotStored) && !errors.Is(err, cab.ErrTruncated) {
				t.Fatalf("%s: %v wraps no sentinel", p.FilePath, err)
			}
		}
	})
}
