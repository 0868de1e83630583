package authenticode

import (
	"bytes"
	"crypto"
	"crypto/x509"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/msikit/msikit/internal/testutil"
)

// inputs makes one unsigned file of each format.
func inputs(t *testing.T, dir string) map[string]string {
	in := map[string]string{
		"PE":       testPE(t, dir),
		"CAB":      testCAB(t, dir),
		"compound": testCompound(t, dir),
	}
	if !testing.Short() {
		if _, err := os.Stat(filepath.Join(testutil.ModuleRoot(t), "..", "shared", "corpus", "osslsigncode", "unsigned.msi")); err == nil {
			in["unsigned.msi"] = testutil.Corpus(t, "osslsigncode", "unsigned.msi")
		}
	}
	return in
}

// TestOsslsigncodeSigned signs each format with osslsigncode (SHA-1 and
// SHA-256, with and without MsiDigitalSignatureEx) and checks that the
// signature matches and is trusted with the CA as root, exactly when
// osslsigncode verify says so, and not trusted without it or with another
// root.
func TestOsslsigncodeSigned(t *testing.T) {
	p, dir := currentPKI(t)
	for kind, in := range inputs(t, dir) {
		for _, h := range []string{"sha1", "sha256"} {
			variants := [][]string{nil}
			if kind == "compound" || kind == "unsigned.msi" {
				variants = append(variants, []string{"-add-msi-dse"})
			}
			for _, extra := range variants {
				name := fmt.Sprintf("%s-%s-%s", kind, h, strings.Join(extra, ""))
				t.Run(name, func(t *testing.T) {
					out := p.sign(t, in, filepath.Join(dir, name+filepath.Ext(in)), append([]string{"-h", h}, extra...)...)
					res := verifyFile(t, out, &Options{Roots: rootsIn(t, p.caPEM), NoSystemRoots: true})
					s := res.Signature
					if !res.Signed || s == nil {
						t.Fatalf("not signed: %+v", res)
					}
					want := map[string]crypto.Hash{"sha1": crypto.SHA1, "sha256": crypto.SHA256}[h]
					if s.DigestAlgorithm != want || !s.DigestMatches || !s.SignerValid || !s.Trusted {
						t.Fatalf("%v matches=%v signer=%v (%v) trusted=%v (%s)", s.DigestAlgorithm, s.DigestMatches, s.SignerValid, s.SignerError, s.Trusted, s.Reason)
					}
					if got := osslVerify(t, out, p.caPEM); got != res.OK() {
						t.Errorf("osslsigncode verify says %v, we say %v", got, res.OK())
					}
					if s.Signer.Subject.CommonName != "msikit test signer" || len(s.Chain) != 2 || !s.Chain[1].Equal(p.ca) {
						t.Errorf("signer %v, chain of %d", s.Signer.Subject, len(s.Chain))
					}
					res = verifyFile(t, out, &Options{NoSystemRoots: true})
					if res.Signature.Trusted || res.Signature.Reason == "" || !res.Signature.DigestMatches {
						t.Errorf("without roots: trusted=%v reason %q", res.Signature.Trusted, res.Signature.Reason)
					}
					res = verifyFile(t, out, &Options{Roots: rootsIn(t, p.otherCAPEM), NoSystemRoots: true})
					if res.Signature.Trusted || !strings.Contains(res.Signature.Reason, "msikit test root") {
						t.Errorf("with another root: trusted=%v reason %q", res.Signature.Trusted, res.Signature.Reason)
					}
					if osslVerify(t, out, p.otherCAPEM) {
						t.Errorf("osslsigncode trusts the signature with another root")
					}
				})
			}
		}
	}
}

// currentPKI makes a PKI whose signer is valid now, and a folder for
// files, or skips the test without osslsigncode.
func currentPKI(t *testing.T) (*testPKI, string) {
	testutil.Tool(t, "osslsigncode")
	now := time.Now()
	return newPKI(t, false, now.Add(-time.Hour), now.Add(24*time.Hour)), t.TempDir()
}

// rootsIn reads the PEM certificates of a file.
func rootsIn(t testing.TB, name string) []*x509.Certificate {
	b, err := os.ReadFile(name)
	must(t, err)
	return ParseRoots(b)
}

// TestTampered changes one byte of signed content in each format (a PE
// section, a cabinet's CFDATA, a package's stream): the digest no longer
// matches, as osslsigncode finds too.
func TestTampered(t *testing.T) {
	p, dir := currentPKI(t)
	in := inputs(t, dir)
	for _, kind := range []string{"PE", "CAB", "compound"} {
		t.Run(kind, func(t *testing.T) {
			out := p.sign(t, in[kind], filepath.Join(dir, "tampered-"+filepath.Base(in[kind])), "-h", "sha256")
			data, err := os.ReadFile(out)
			must(t, err)
			var at int
			switch kind {
			case "PE":
				// The last byte before the certificate table: section data.
				f, err := openPE(bytes.NewReader(data), int64(len(data)))
				must(t, err)
				at = int(f.certOff) - 1
				for data[at] == 0 && at > int(f.dirent)+8 {
					at--
				}
			case "CAB":
				f, err := openCAB(bytes.NewReader(data), int64(len(data)))
				must(t, err)
				at = int(f.sigOff) - 1
			case "compound":
				at = bytes.Index(data, []byte("tabletable")) + 3
			}
			data[at] ^= 0x20
			must(t, os.WriteFile(out, data, 0o644))
			res := verifyFile(t, out, &Options{Roots: rootsIn(t, p.caPEM), NoSystemRoots: true})
			if res.Signature.DigestMatches || res.OK() {
				t.Fatalf("byte %d changed, digest still matches", at)
			}
			if !res.Signature.SignerValid || !res.Signature.Trusted {
				t.Errorf("the signature itself is untouched: signer=%v trusted=%v", res.Signature.SignerValid, res.Signature.Trusted)
			}
			if osslVerify(t, out, p.caPEM) {
				t.Errorf("osslsigncode still verifies it")
			}
		})
	}
}

// TestTimestampAndNested signs with an expired certificate and an RFC
// 3161 timestamp from its validity (osslsigncode's built-in TSA), then
// nests a SHA-1 signature: the chain is trusted because of the
// timestamp, and an expired certificate without one is not.
func TestTimestampAndNested(t *testing.T) {
	testutil.Tool(t, "osslsigncode")
	from := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	p := newPKI(t, true, from, from.AddDate(1, 0, 0))
	dir := t.TempDir()
	in := inputs(t, dir)
	signedAt := from.AddDate(0, 6, 0)
	for _, kind := range []string{"PE", "CAB", "compound"} {
		t.Run(kind, func(t *testing.T) {
			base := filepath.Join(dir, "ts-"+filepath.Base(in[kind]))
			one := p.sign(t, in[kind], base+".1", "-h", "sha256", "-time", fmt.Sprint(signedAt.Unix()),
				"-TSA-certs", p.tsaCerts, "-TSA-key", p.tsaKey, "-TSA-time", fmt.Sprint(signedAt.Unix()))
			res := verifyFile(t, one, &Options{Roots: rootsIn(t, p.caPEM), NoSystemRoots: true})
			s := res.Signature
			if s.Timestamp == nil || s.Timestamp.Kind != "RFC3161" || !s.Timestamp.Valid || !s.Timestamp.Trusted || !s.Timestamp.Time.Equal(signedAt) {
				t.Fatalf("timestamp %+v", s.Timestamp)
			}
			if !res.OK() || !s.TrustedByTimestamp {
				t.Fatalf("ok=%v by timestamp=%v: %s", res.OK(), s.TrustedByTimestamp, s.Reason)
			}
			if got := osslVerify(t, one, p.caPEM); got != res.OK() {
				t.Errorf("osslsigncode verify says %v, we say %v", got, res.OK())
			}

			// Without a timestamp, the expired certificate is not trusted.
			bare := p.sign(t, in[kind], base+".bare", "-h", "sha256")
			res = verifyFile(t, bare, &Options{Roots: rootsIn(t, p.caPEM), NoSystemRoots: true})
			if res.Signature.Trusted || !strings.Contains(res.Signature.Reason, "valid from") {
				t.Errorf("expired, no timestamp: trusted=%v reason %q", res.Signature.Trusted, res.Signature.Reason)
			}

			two := p.sign(t, one, base+".2", "-nest", "-h", "sha1")
			res = verifyFile(t, two, &Options{Roots: rootsIn(t, p.caPEM), NoSystemRoots: true})
			if len(res.Signature.Nested) != 1 {
				t.Fatalf("%d nested signatures", len(res.Signature.Nested))
			}
			n := res.Signature.Nested[0]
			if n.DigestAlgorithm != crypto.SHA1 || !n.DigestMatches || !n.SignerValid || n.Trusted {
				t.Errorf("nested: %v matches=%v signer=%v trusted=%v (expired, no timestamp)", n.DigestAlgorithm, n.DigestMatches, n.SignerValid, n.Trusted)
			}
			if res.OK() {
				t.Errorf("a file whose nested signature is untrusted is OK")
			}
		})
	}
}

// TestNotSigned: each format unsigned gives Signed false and no error.
func TestNotSigned(t *testing.T) {
	dir := t.TempDir()
	for kind, in := range inputs(t, dir) {
		res := verifyFile(t, in, nil)
		if res.Signed || res.OK() {
			t.Errorf("%s: signed=%v", kind, res.Signed)
		}
	}
	if _, err := Verify(bytes.NewReader([]byte("hello world")), 11, nil); !errors.Is(err, ErrUnknownFormat) {
		t.Errorf("text: %v", err)
	}
}

// TestHostileSizes: signature locations claiming sizes past the end of
// the file are errors, not allocations.
func TestHostileSizes(t *testing.T) {
	dir := t.TempDir()
	cabData, err := os.ReadFile(testCAB(t, dir))
	must(t, err)
	// Make the header say: a 20-byte reserve, a signature of 4 GiB.
	hostile := append([]byte(nil), cabData[:36]...)
	binary.LittleEndian.PutUint16(hostile[30:], binary.LittleEndian.Uint16(hostile[30:])|cabFlagReserve)
	hostile = append(hostile, make([]byte, 24)...)
	binary.LittleEndian.PutUint16(hostile[36:], cabSignedReserve)
	binary.LittleEndian.PutUint32(hostile[40:], 0x00100000)
	binary.LittleEndian.PutUint32(hostile[44:], 64)
	binary.LittleEndian.PutUint32(hostile[48:], 0xFFFFFFF0)
	hostile = append(hostile, cabData[36:]...)
	_, err = Verify(bytes.NewReader(hostile), int64(len(hostile)), nil)
	if !errors.Is(err, ErrMalformed) {
		t.Errorf("cabinet: %v", err)
	}

	pe, err := os.ReadFile(testPE(t, dir))
	must(t, err)
	f, err := openPE(bytes.NewReader(pe), int64(len(pe)))
	must(t, err)
	binary.LittleEndian.PutUint32(pe[f.dirent:], uint32(len(pe)))
	binary.LittleEndian.PutUint32(pe[f.dirent+4:], 0x7FFFFFFF)
	_, err = Verify(bytes.NewReader(pe), int64(len(pe)), nil)
	if !errors.Is(err, ErrMalformed) {
		t.Errorf("PE: %v", err)
	}
}

// TestMsiDigitalSignatureExMetadata changes only a storage's state bits
// in a package signed with \x05MsiDigitalSignatureEx: the content digest
// is unchanged, the metadata digest is not, and the signature fails, as
// osslsigncode finds.
func TestMsiDigitalSignatureExMetadata(t *testing.T) {
	p, dir := currentPKI(t)
	out := p.sign(t, testCompound(t, dir), filepath.Join(dir, "dse.msi"), "-h", "sha256", "-add-msi-dse")
	data, err := os.ReadFile(out)
	must(t, err)
	name := []byte{'t', 0, 'r', 0, 'a', 0, 'n', 0, 's', 0, 'f', 0, 'o', 0, 'r', 0, 'm', 0, 0, 0}
	at := bytes.Index(data, name)
	if at < 0 || at%128 != 0 {
		t.Fatalf("the storage's directory entry is not found (%d)", at)
	}
	data[at+96] ^= 0x10 // state bits
	must(t, os.WriteFile(out, data, 0o644))
	res := verifyFile(t, out, &Options{Roots: rootsIn(t, p.caPEM), NoSystemRoots: true})
	s := res.Signature
	if s.DigestMatches || s.DigestError == nil || !strings.Contains(s.DigestError.Error(), "MsiDigitalSignatureEx") {
		t.Errorf("matches=%v, error %v", s.DigestMatches, s.DigestError)
	}
	if osslVerify(t, out, p.caPEM) {
		t.Errorf("osslsigncode still verifies it")
	}
}
