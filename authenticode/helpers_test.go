package authenticode

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/pem"
	"math/big"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/msikit/msikit/cab"
	"github.com/msikit/msikit/internal/cfb"
	"github.com/msikit/msikit/internal/pever"
	"github.com/msikit/msikit/internal/testutil"
)

// testPKI is a throw-away CA with a code-signing leaf and a time-stamping
// authority, written as PEM files for osslsigncode.
type testPKI struct {
	dir                    string
	ca, leaf, tsa          *x509.Certificate
	caPEM, certs, key      string // the CA alone; leaf + CA; the leaf's key
	tsaCerts, tsaKey       string
	otherCA                *x509.Certificate
	otherCAPEM             string
	leafNotBefore, leafEnd time.Time
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

var serial int64 = 100

func issue(t testing.TB, tmpl *x509.Certificate, parent *x509.Certificate, pub any, priv any) *x509.Certificate {
	t.Helper()
	serial++
	tmpl.SerialNumber = big.NewInt(serial)
	if parent == nil {
		parent = tmpl
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, pub, priv)
	must(t, err)
	c, err := x509.ParseCertificate(der)
	must(t, err)
	return c
}

func writePEM(t testing.TB, name string, blocks ...*pem.Block) string {
	t.Helper()
	var b bytes.Buffer
	for _, bl := range blocks {
		must(t, pem.Encode(&b, bl))
	}
	must(t, os.WriteFile(name, b.Bytes(), 0o600))
	return name
}

func certBlock(c *x509.Certificate) *pem.Block { return &pem.Block{Type: "CERTIFICATE", Bytes: c.Raw} }

func keyBlock(t testing.TB, k any) *pem.Block {
	der, err := x509.MarshalPKCS8PrivateKey(k)
	must(t, err)
	return &pem.Block{Type: "PRIVATE KEY", Bytes: der}
}

// newPKI makes the CA (RSA), a code-signing leaf (RSA, or ECDSA with
// ecLeaf) valid from leafFrom to leafTo, and a TSA valid for decades.
func newPKI(t testing.TB, ecLeaf bool, leafFrom, leafTo time.Time) *testPKI {
	t.Helper()
	p := &testPKI{dir: t.TempDir(), leafNotBefore: leafFrom, leafEnd: leafTo}
	caKey, err := rsa.GenerateKey(rand.Reader, 2048)
	must(t, err)
	long := func(cn string) *x509.Certificate {
		return &x509.Certificate{Subject: pkix.Name{CommonName: cn}, NotBefore: time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC),
			NotAfter: time.Date(2090, 1, 1, 0, 0, 0, 0, time.UTC), IsCA: true, BasicConstraintsValid: true,
			KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature}
	}
	p.ca = issue(t, long("msikit test root"), nil, &caKey.PublicKey, caKey)
	otherKey, err := rsa.GenerateKey(rand.Reader, 2048)
	must(t, err)
	p.otherCA = issue(t, long("msikit other root"), nil, &otherKey.PublicKey, otherKey)

	var leafPub, leafPriv any
	if ecLeaf {
		k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		must(t, err)
		leafPub, leafPriv = &k.PublicKey, k
	} else {
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		must(t, err)
		leafPub, leafPriv = &k.PublicKey, k
	}
	p.leaf = issue(t, &x509.Certificate{Subject: pkix.Name{CommonName: "msikit test signer", Organization: []string{"msikit"}},
		NotBefore: leafFrom, NotAfter: leafTo, KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageCodeSigning}}, p.ca, leafPub, caKey)
	tsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	must(t, err)
	tsaT := long("msikit test TSA")
	tsaT.IsCA, tsaT.KeyUsage = false, x509.KeyUsageDigitalSignature
	// OpenSSL wants a TSA's time-stamping usage alone and critical
	// (RFC 3161 2.3), which crypto/x509 does not mark by itself.
	eku, err := asn1.Marshal([]asn1.ObjectIdentifier{{1, 3, 6, 1, 5, 5, 7, 3, 8}})
	must(t, err)
	tsaT.ExtraExtensions = []pkix.Extension{{Id: asn1.ObjectIdentifier{2, 5, 29, 37}, Critical: true, Value: eku}}
	p.tsa = issue(t, tsaT, p.ca, &tsaKey.PublicKey, caKey)

	j := func(n string) string { return filepath.Join(p.dir, n) }
	p.caPEM = writePEM(t, j("ca.pem"), certBlock(p.ca))
	p.otherCAPEM = writePEM(t, j("other.pem"), certBlock(p.otherCA))
	p.certs = writePEM(t, j("certs.pem"), certBlock(p.leaf), certBlock(p.ca))
	p.key = writePEM(t, j("key.pem"), keyBlock(t, leafPriv))
	p.tsaCerts = writePEM(t, j("tsa.pem"), certBlock(p.tsa), certBlock(p.ca))
	p.tsaKey = writePEM(t, j("tsakey.pem"), keyBlock(t, tsaKey))
	return p
}

// sign runs osslsigncode sign on in, with extra arguments, and returns
// the signed file's path.
func (p *testPKI) sign(t testing.TB, in, out string, extra ...string) string {
	t.Helper()
	tool := testutil.Tool(t, "osslsigncode")
	args := append([]string{"sign", "-certs", p.certs, "-key", p.key}, extra...)
	args = append(args, "-in", in, "-out", out)
	if b, err := testutil.Run(t, nil, tool, args...); err != nil {
		t.Fatalf("osslsigncode %v: %v\n%s", args, err, b)
	}
	return out
}

// osslVerify runs osslsigncode verify with the CA as the only root and
// reports whether it succeeded.
func osslVerify(t testing.TB, file, caFile string) bool {
	t.Helper()
	tool := testutil.Tool(t, "osslsigncode")
	args := []string{"verify", "-CAfile", caFile, "-TSA-CAfile", caFile, "-in", file}
	_, err := testutil.Run(t, nil, tool, args...)
	return err == nil
}

// testPE builds a small PE image (pever.Build) to sign.
func testPE(t testing.TB, dir string) string {
	t.Helper()
	b, err := pever.Build(pever.Options{Machine: pever.MachineAMD64, FileVersion: pever.Version{Major: 1, Minor: 2, Build: 3, Revision: 4}, ProductName: "msikit test"})
	must(t, err)
	name := filepath.Join(dir, "test.exe")
	must(t, os.WriteFile(name, b, 0o644))
	return name
}

// testCAB writes a cabinet of a few files with our writer.
func testCAB(t testing.TB, dir string) string {
	t.Helper()
	name := filepath.Join(dir, "test.cab")
	f, err := os.Create(name)
	must(t, err)
	w := cab.NewWriter(f)
	for i, s := range []string{"hello.txt", "world.txt", "big.bin"} {
		fw, err := w.Create(s, time.Date(2020, 1, 2, 3, 4, 6, 0, time.UTC))
		must(t, err)
		_, err = fw.Write(bytes.Repeat([]byte(s), 1+i*20000))
		must(t, err)
	}
	must(t, w.Close())
	must(t, f.Close())
	return name
}

// testCompound writes a compound file with streams (mini and large) and
// nested storages with CLSIDs and state bits, names whose UTF-16LE byte
// order differs from their code-unit order, as an MSI package's packed
// names do.
func testCompound(t testing.TB, dir string) string {
	t.Helper()
	b := cfb.New()
	root := b.Root()
	root.SetCLSID(cfb.MustParseCLSID("{000C1084-0000-0000-C000-000000000046}"))
	must(t, root.AddStream("\x05SummaryInformation", bytes.Repeat([]byte{1}, 200)))
	must(t, root.AddStream("\u4840\u3f3f\u4577", bytes.Repeat([]byte("table"), 100)))
	must(t, root.AddStream("\u0100a", []byte("x")))
	must(t, root.AddStream("A", bytes.Repeat([]byte("big"), 5000)))
	sub, err := root.AddStorage("transform")
	must(t, err)
	sub.SetCLSID(cfb.MustParseCLSID("{000C1082-0000-0000-C000-000000000046}"))
	sub.SetStateBits(7)
	sub.SetTimes(time.Date(2021, 5, 6, 7, 8, 9, 0, time.UTC), time.Date(2022, 5, 6, 7, 8, 9, 0, time.UTC))
	must(t, sub.AddStream("inner", []byte("inside")))
	must(t, sub.AddStream("z", bytes.Repeat([]byte("z"), 9000)))
	// No storage inside a storage: osslsigncode 2.9 writes such a tree
	// with a wrong right sibling after the inner storage's subtree.
	name := filepath.Join(dir, "test.msi")
	f, err := os.Create(name)
	must(t, err)
	_, err = b.WriteTo(f)
	must(t, err)
	must(t, f.Close())
	return name
}

// verifyFile runs Verify on a file.
func verifyFile(t testing.TB, name string, opts *Options) *Result {
	t.Helper()
	f, err := os.Open(name)
	must(t, err)
	defer f.Close()
	st, err := f.Stat()
	must(t, err)
	res, err := Verify(f, st.Size(), opts)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return res
}
