package container

import (
	"bytes"
	"io"
	"os"
	"testing"

	"github.com/msikit/msikit/internal/burn/bundle"
	"github.com/msikit/msikit/internal/installshield"
	"github.com/msikit/msikit/internal/zipcrypt"
)

// FuzzDetect: Detect, Open and a walk over arbitrary bytes never panic
// and end; every entry's bytes are read to the end.
func FuzzDetect(f *testing.F) {
	t := &testing.T{}
	f.Add([]byte("MZ"))
	f.Add(makeCab(t, "a.txt", "alpha"))
	f.Add(makeZip(t, []byte("MZ prefix"), "pw", zipcrypt.AES256, zipEntry{name: "a", data: []byte("alpha"), encrypted: true}))
	f.Add(makeZip(t, nil, "pw", zipcrypt.Traditional, zipEntry{name: "a", data: makeCab(t, "b", "c"), encrypted: true}))
	if b, err := bundle.Build(bundle.BuildSpec{UX: []bundle.BuildPayload{{ID: "u", FilePath: "u.txt", Data: []byte("u")}},
		Containers: []bundle.BuildContainer{{ID: "c", FilePath: "s.exe", Payloads: []bundle.BuildPayload{{ID: "p", FilePath: "p.txt", Data: []byte("p")}}}}}); err == nil {
		f.Add(b.Bundle)
	}
	if ov, err := installshield.Build(installshield.BuildOptions{Format: installshield.FormatSetupStream},
		[]installshield.BuildFile{{Name: "a.cab", Data: makeCab(t, "x", "y"), Flags: installshield.FlagObfuscated}}); err == nil {
		f.Add(installshield.BuildLauncher(ov, nil))
	}
	if b, err := os.ReadFile("../fixtures/hello.msi"); err == nil {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		r := bytes.NewReader(data)
		Detect(r, int64(len(data)))
		c, err := Open(r, int64(len(data)), "fuzz", &Options{Password: password("pw")})
		if err != nil {
			return
		}
		defer c.Close()
		Walk(c, 3, func(e *Entry, r io.Reader) error {
			if r != nil {
				io.Copy(io.Discard, r)
			}
			return nil
		})
	})
}
