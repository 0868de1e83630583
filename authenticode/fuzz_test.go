package authenticode

import (
	"bytes"
	"crypto"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/msikit/msikit/internal/pever"
	"github.com/msikit/msikit/internal/testutil"
)

// testdata/signed.cab is a small cabinet signed by osslsigncode with a
// throw-away CA, an ECDSA leaf and an RFC 3161 timestamp from its TSA.

// fuzzSeeds are the files the fuzz targets start from: the signed
// cabinet, an unsigned PE, and the signed corpus files when present.
func fuzzSeeds(f *testing.F) [][]byte {
	var out [][]byte
	b, err := os.ReadFile("testdata/signed.cab")
	must(f, err)
	out = append(out, b)
	pe, err := pever.Build(pever.Options{Machine: pever.MachineI386})
	must(f, err)
	out = append(out, pe)
	for _, name := range []string{"wix4/signed_cab1.cab", "lessmsi/SQL2008_AS.msp"} {
		p := filepath.Join(testutil.ModuleRoot(f), "..", "shared", "corpus", name)
		if b, err := os.ReadFile(p); err == nil && len(b) < 1<<20 {
			out = append(out, b)
		}
	}
	return out
}

// FuzzVerify runs the format detection, the PE, cabinet and compound file
// signature locators and digests, and the whole verification on hostile
// files: errors are fine, panics and unbounded work are not.
func FuzzVerify(f *testing.F) {
	for _, s := range fuzzSeeds(f) {
		f.Add(s)
	}
	opts := &Options{NoSystemRoots: true, Now: time.Date(2020, 6, 1, 0, 0, 0, 0, time.UTC)}
	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := Verify(bytes.NewReader(data), int64(len(data)), opts)
		if err == nil && res.Signed && res.Signature == nil {
			t.Fatal("signed without a signature")
		}
	})
}

// fixedFile is a signed file whose digest is fixed, to fuzz the PKCS#7
// parser alone.
type fixedFile struct{ der []byte }

func (f fixedFile) signature() ([]byte, error)           { return f.der, nil }
func (f fixedFile) digest(h crypto.Hash) ([]byte, error) { return make([]byte, h.Size()), nil }

// FuzzSignedData parses and checks hostile PKCS#7 SignedData: the
// signer, its attributes, timestamps, nested signatures and chains.
func FuzzSignedData(f *testing.F) {
	for _, s := range fuzzSeeds(f) {
		cf, err := openCAB(bytes.NewReader(s), int64(len(s)))
		if err != nil {
			continue
		}
		if der, err := cf.signature(); err == nil {
			f.Add(der)
		}
	}
	f.Add([]byte{0x30, 0x84, 0xff, 0xff, 0xff, 0xf0, 0x06, 0x09})
	f.Fuzz(func(t *testing.T, der []byte) {
		v := &verifier{file: fixedFile{der}, now: time.Date(2020, 6, 1, 0, 0, 0, 0, time.UTC)}
		v.check(der, 0)
	})
}
