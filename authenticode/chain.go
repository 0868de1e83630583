package authenticode

import (
	"bytes"
	"crypto"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"os"
	"time"
)

// maxChain bounds a chain's length: no real code-signing chain is longer,
// and the search stays small whatever certificates a signature carries.
const maxChain = 8

// chainResult is the outcome of building a chain.
type chainResult struct {
	chain   []*x509.Certificate // leaf first, root last; the longest tried when none is trusted
	trusted bool
	reason  string // why not trusted
	expired bool   // the chain was found, but a certificate is not valid at the time checked
}

// buildChain looks for a chain from leaf through pool to one of roots,
// with usage in every certificate's extended key usage that lists any,
// each certificate valid at at. When no chain is valid at at but one is
// at alt (the current time, or the timestamp's), that is said.
func buildChain(leaf *x509.Certificate, pool, roots []*x509.Certificate, usage x509.ExtKeyUsage, at time.Time) chainResult {
	var best []*x509.Certificate
	var why error
	var found []*x509.Certificate
	var walk func(path []*x509.Certificate) bool
	walk = func(path []*x509.Certificate) bool {
		cur := path[len(path)-1]
		if len(path) > len(best) {
			best = append([]*x509.Certificate(nil), path...)
		}
		for _, r := range roots {
			if cur.Equal(r) {
				found = path
				return true
			}
			if bytes.Equal(r.RawSubject, cur.RawIssuer) && signedBy(cur, r) == nil {
				found = append(path, r)
				return true
			}
		}
		if len(path) >= maxChain {
			why = fmt.Errorf("no root within %d certificates", maxChain)
			return false
		}
		for _, c := range pool {
			if !bytes.Equal(c.RawSubject, cur.RawIssuer) || onPath(path, c) {
				continue // a certificate met again would loop
			}
			if err := signedBy(cur, c); err != nil {
				why = err
				continue
			}
			if walk(append(path, c)) {
				return true
			}
		}
		return false
	}
	if !walk([]*x509.Certificate{leaf}) {
		reason := "no chain to a trusted root"
		if len(best) > 0 {
			top := best[len(best)-1]
			if bytes.Equal(top.RawIssuer, top.RawSubject) {
				reason = fmt.Sprintf("%s: %q (self-signed) is not a trusted root", reason, top.Subject.String())
			} else {
				reason = fmt.Sprintf("%s: the issuer of %q, %q, is not among the signature's certificates or the trusted roots", reason, top.Subject.String(), top.Issuer.String())
			}
		}
		if why != nil {
			reason += " (" + why.Error() + ")"
		}
		return chainResult{chain: best, reason: reason}
	}
	res := chainResult{chain: found}
	if err := checkUsage(found, usage); err != nil {
		res.reason = err.Error()
		return res
	}
	if err := checkValidity(found, at); err != nil {
		res.reason, res.expired = err.Error(), true
		return res
	}
	res.trusted = true
	return res
}

func onPath(path []*x509.Certificate, c *x509.Certificate) bool {
	for _, p := range path {
		if p.Equal(c) {
			return true
		}
	}
	return false
}

// signedBy checks that parent's key signed c. crypto/x509 refuses SHA-1;
// code-signing chains accept it, so RSA and ECDSA over SHA-1 are checked
// here.
func signedBy(c, parent *x509.Certificate) error {
	if parent.BasicConstraintsValid && !parent.IsCA {
		return fmt.Errorf("%q is not a certificate authority", parent.Subject.String())
	}
	switch c.SignatureAlgorithm {
	case x509.SHA1WithRSA, x509.ECDSAWithSHA1:
		return checkSignature(parent.PublicKey, crypto.SHA1, digest(crypto.SHA1, c.RawTBSCertificate), c.Signature)
	}
	return parent.CheckSignature(c.SignatureAlgorithm, c.RawTBSCertificate, c.Signature)
}

// checkUsage requires usage in the leaf's extended key usage, and in each
// issuer's that lists any (a root's is not checked: trusting it is the
// user's choice).
func checkUsage(chain []*x509.Certificate, usage x509.ExtKeyUsage) error {
	for i, c := range chain {
		if i == len(chain)-1 && i > 0 {
			break
		}
		if len(c.ExtKeyUsage) == 0 && len(c.UnknownExtKeyUsage) == 0 {
			if i == 0 {
				return fmt.Errorf("%q has no extended key usage (%s wanted)", c.Subject.String(), usageName(usage))
			}
			continue
		}
		ok := false
		for _, u := range c.ExtKeyUsage {
			ok = ok || u == usage || u == x509.ExtKeyUsageAny
		}
		if !ok {
			return fmt.Errorf("%q is not for %s", c.Subject.String(), usageName(usage))
		}
	}
	return nil
}

func usageName(u x509.ExtKeyUsage) string {
	if u == x509.ExtKeyUsageTimeStamping {
		return "time stamping"
	}
	return "code signing"
}

// checkValidity requires every certificate to be valid at t.
func checkValidity(chain []*x509.Certificate, t time.Time) error {
	for _, c := range chain {
		if t.Before(c.NotBefore) || t.After(c.NotAfter) {
			return fmt.Errorf("%q is valid from %s to %s, not at %s", c.Subject.String(),
				c.NotBefore.UTC().Format(time.RFC3339), c.NotAfter.UTC().Format(time.RFC3339), t.UTC().Format(time.RFC3339))
		}
	}
	return nil
}

// ParseRoots returns the certificates of PEM data, for Options.Roots.
// Blocks of other types, and certificates that do not parse (a negative
// serial number, say), are left out.
func ParseRoots(data []byte) []*x509.Certificate {
	var out []*x509.Certificate
	for {
		var b *pem.Block
		b, data = pem.Decode(data)
		if b == nil {
			return out
		}
		if b.Type != "CERTIFICATE" {
			continue
		}
		if c, err := x509.ParseCertificate(b.Bytes); err == nil {
			out = append(out, c)
		}
	}
}

// systemRootFiles are where Linux and the BSDs keep their CA bundle
// (crypto/x509 reads the same files, but a CertPool does not list the
// certificates it holds, and the chain is built here).
var systemRootFiles = []string{
	"/etc/ssl/certs/ca-certificates.crt",
	"/etc/pki/tls/certs/ca-bundle.crt",
	"/etc/ssl/ca-bundle.pem",
	"/etc/pki/tls/cacert.pem",
	"/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem",
	"/etc/ssl/cert.pem",
	"/usr/local/etc/ssl/cert.pem",
}

// SystemRoots reads the system's CA bundle: $SSL_CERT_FILE, else the
// first bundle found. It returns none where the system keeps its roots
// elsewhere (Windows, macOS).
func SystemRoots() []*x509.Certificate {
	files := systemRootFiles
	if f := os.Getenv("SSL_CERT_FILE"); f != "" {
		files = []string{f}
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		if certs := ParseRoots(data); len(certs) > 0 {
			return certs
		}
	}
	return nil
}
