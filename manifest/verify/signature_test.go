package verify

import (
	"archive/zip"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/msikit/msikit/authenticode"
	"github.com/msikit/msikit/internal/testutil"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestSignatures: an unsigned package is reported, and fails only when
// the manifest says signed: true; one signed at test time by osslsigncode
// with a self-signed certificate matches, is untrusted without it as a
// root (reported, not failed) and trusted with it, in every report form.
func TestSignatures(t *testing.T) {
	pkg := sharedKB(t, "SP2")
	m := kbManifest(t)
	o := Options{Variant: "SP2", Signatures: true, Trust: &authenticode.Options{NoSystemRoots: true}}
	r, err := Verify(m, pkg, o)
	require.NoError(t, err)
	require.Len(t, r.Signatures, 1)
	assert.Equal(t, Signature{Path: pkg, Detail: "not signed"}, r.Signatures[0])
	assert.True(t, r.OK())

	m.Signed = true
	r, err = Verify(m, pkg, o)
	require.NoError(t, err)
	assert.True(t, r.Signatures[0].Fails())
	assert.False(t, r.OK())
	var b strings.Builder
	require.NoError(t, WriteText(&b, []*Report{r}))
	assert.Contains(t, b.String(), "SIG FAIL "+pkg+": not signed (the manifest requires signed packages)\n")
	b.Reset()
	require.NoError(t, WriteJUnit(&b, []*Report{r}))
	assert.Contains(t, b.String(), `<testsuite name="KB977203 SP2: `+pkg+`: signatures" tests="1" failures="1"`)

	// Sign a copy with a self-signed code-signing certificate.
	tool := testutil.Tool(t, "osslsigncode")
	dir := t.TempDir()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(7), Subject: pkix.Name{CommonName: "msikit verify test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageCodeSigning}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	require.NoError(t, err)
	certPEM := filepath.Join(dir, "cert.pem")
	require.NoError(t, os.WriteFile(certPEM, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600))
	kder, err := x509.MarshalPKCS8PrivateKey(key)
	require.NoError(t, err)
	keyPEM := filepath.Join(dir, "key.pem")
	require.NoError(t, os.WriteFile(keyPEM, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: kder}), 0o600))
	signed := filepath.Join(dir, filepath.Base(pkg))
	if out, err := testutil.Run(t, nil, tool, "sign", "-certs", certPEM, "-key", keyPEM, "-h", "sha256", "-in", pkg, "-out", signed); err != nil {
		t.Fatalf("osslsigncode: %v\n%s", err, out)
	}

	r, err = Verify(m, signed, o)
	require.NoError(t, err)
	s := r.Signatures[0]
	assert.True(t, s.Signed && s.Matches && !s.Trusted && !s.Fails(), "%+v", s)
	assert.True(t, r.OK())
	b.Reset()
	require.NoError(t, WriteJSON(&b, []*Report{r}))
	checkSchema(t, []byte(b.String()))
	assert.Contains(t, b.String(), `"signed": true,
          "matches": true,
          "trusted": false,`)

	// The same package inside a ZIP download: checked through the walker.
	zipped := filepath.Join(dir, "download.zip")
	zf, err := os.Create(zipped)
	require.NoError(t, err)
	zw := zip.NewWriter(zf)
	w, err := zw.Create(filepath.Base(signed))
	require.NoError(t, err)
	data, err := os.ReadFile(signed)
	require.NoError(t, err)
	_, err = w.Write(data)
	require.NoError(t, err)
	require.NoError(t, zw.Close())
	require.NoError(t, zf.Close())
	r, err = Verify(m, zipped, o)
	require.NoError(t, err)
	require.Len(t, r.Signatures, 1)
	s = r.Signatures[0]
	assert.True(t, s.Signed && s.Matches && !s.Fails(), "%+v", s)
	assert.Equal(t, filepath.Base(signed), s.Path)

	cert, err := x509.ParseCertificate(der)
	require.NoError(t, err)
	o.Trust.Roots = []*x509.Certificate{cert}
	r, err = Verify(m, signed, o)
	require.NoError(t, err)
	assert.True(t, r.Signatures[0].OK, "%+v", r.Signatures[0])
	b.Reset()
	require.NoError(t, WriteText(&b, []*Report{r}))
	assert.Contains(t, b.String(), "SIGNED   "+signed+": SHA-256 digest matches; signed by \"CN=msikit verify test\", trusted\n")
}
