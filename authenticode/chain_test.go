package authenticode

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"strings"
	"testing"
	"time"
)

// TestChainLoops: two authorities that certify each other (A issued by
// B, B issued by A, same names and keys) make a loop; the search ends,
// untrusted, with the chain it built and a reason.
func TestChainLoops(t *testing.T) {
	ka, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	must(t, err)
	kb, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	must(t, err)
	ca := func(cn string) *x509.Certificate {
		return &x509.Certificate{Subject: pkix.Name{CommonName: cn}, NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
			IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}
	}
	// B's certificate as issued by A, then A's as issued by B.
	bByA := issue(t, ca("B"), &x509.Certificate{Subject: pkix.Name{CommonName: "A"}}, &kb.PublicKey, ka)
	aByB := issue(t, ca("A"), &x509.Certificate{Subject: pkix.Name{CommonName: "B"}}, &ka.PublicKey, kb)
	leaf := issue(t, &x509.Certificate{Subject: pkix.Name{CommonName: "leaf"}, NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageCodeSigning}}, &x509.Certificate{Subject: pkix.Name{CommonName: "A"}}, &kb.PublicKey, ka)
	done := make(chan chainResult)
	go func() {
		done <- buildChain(leaf, []*x509.Certificate{bByA, aByB}, nil, x509.ExtKeyUsageCodeSigning, time.Now())
	}()
	select {
	case r := <-done:
		if r.trusted || len(r.chain) != 3 || !strings.Contains(r.reason, "no chain to a trusted root") {
			t.Errorf("trusted=%v chain of %d, reason %q", r.trusted, len(r.chain), r.reason)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the chain search does not end")
	}
}
