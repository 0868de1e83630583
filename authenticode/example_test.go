package authenticode_test

import (
	"crypto/x509"
	"fmt"
	"os"

	"github.com/msikit/msikit/authenticode"
)

// Verify a signed cabinet, trusting only its own root (a throw-away CA):
// the signer's certificate expired in 2021, but the RFC 3161 timestamp
// from 2020 keeps it trusted.
func ExampleVerify() {
	f, err := os.Open("testdata/signed.cab")
	if err != nil {
		panic(err)
	}
	defer f.Close()
	st, _ := f.Stat()
	res, err := authenticode.Verify(f, st.Size(), &authenticode.Options{NoSystemRoots: true})
	if err != nil {
		panic(err)
	}
	s := res.Signature
	fmt.Println(res.Format, res.Signed, s.DigestAlgorithm, s.DigestMatches, s.SignerValid, s.Trusted)

	root := s.Chain[len(s.Chain)-1]
	res, _ = authenticode.Verify(f, st.Size(), &authenticode.Options{Roots: []*x509.Certificate{root}, NoSystemRoots: true})
	s = res.Signature
	fmt.Println(res.OK(), s.TrustedByTimestamp, s.Timestamp.Kind, s.Timestamp.Time)
	fmt.Println(s.Summary())
	// Output:
	// CAB true SHA-256 true true false
	// true true RFC3161 2020-07-01 00:00:00 +0000 UTC
	// SHA-256 digest matches; signed by "CN=msikit test signer,O=msikit", trusted at its timestamp (2020-07-01T00:00:00Z)
}
