package authenticode

import (
	"bytes"
	"crypto/x509"
	"encoding/asn1"
	"errors"
	"fmt"
	"time"
)

// Timestamp is a countersignature that dates a signature: a time
// authority signed the signer's signature value at Time.
type Timestamp struct {
	Kind      string            // "RFC3161" or "countersignature" (PKCS #9, the legacy Authenticode form)
	Time      time.Time         // when the authority signed
	Authority *x509.Certificate // the authority's certificate, when the timestamp carries it
	// Valid is true when the authority's signature verifies and covers
	// this signature's value.
	Valid bool
	Err   error // why Valid is false
	// Chain, Trusted and Reason are the authority's chain, as for the signer.
	Chain   []*x509.Certificate
	Trusted bool
	Reason  string
	certs   []*x509.Certificate // the certificates to build the chain from
}

// readTimestamp finds a timestamp in the signer's unauthenticated
// attributes: an RFC 3161 token, else a legacy countersignature. certs
// are the signature's certificates (a countersigner's is among them).
func readTimestamp(unauth map[string][][]byte, sigValue []byte, certs []*x509.Certificate) *Timestamp {
	if tokens := unauth[oidRFC3161Timestamp.String()]; len(tokens) > 0 {
		return rfc3161(tokens[0], sigValue)
	}
	if cs := unauth[oidCounterSignature.String()]; len(cs) > 0 {
		return counterSignature(cs[0], sigValue, certs)
	}
	return nil
}

// rfc3161 checks a time-stamp token (RFC 3161): a SignedData over a
// TSTInfo whose message imprint is the digest of the signature value.
func rfc3161(token, sigValue []byte) *Timestamp {
	ts := &Timestamp{Kind: "RFC3161"}
	p, err := parseSignedData(token)
	if err != nil {
		ts.Err = err
		return ts
	}
	ts.certs = p.certs
	if !p.contentType.Equal(oidTSTInfo) {
		ts.Err = fmt.Errorf("%w: time-stamp token content %v, not TSTInfo", ErrMalformed, p.contentType)
		return ts
	}
	// TSTInfo ::= SEQUENCE { version, policy, messageImprint, serialNumber,
	// genTime, ... }: only the first five are needed. The signed content
	// is the OCTET STRING's, the TSTInfo's encoding.
	var seq asn1.RawValue
	if _, err := asn1.Unmarshal(p.content, &seq); err != nil || seq.Tag != asn1.TagSequence {
		ts.Err = fmt.Errorf("%w: TSTInfo is not a SEQUENCE", ErrMalformed)
		return ts
	}
	fields, err := elements(seq.Bytes, "TSTInfo")
	if err != nil || len(fields) < 5 {
		ts.Err = fmt.Errorf("%w: TSTInfo has too few fields", ErrMalformed)
		return ts
	}
	var imprint digestInfo
	if _, err := asn1.Unmarshal(fields[2], &imprint); err != nil {
		ts.Err = fmt.Errorf("%w: TSTInfo message imprint: %v", ErrMalformed, err)
		return ts
	}
	if _, err := asn1.UnmarshalWithParams(fields[4], &ts.Time, "generalized"); err != nil {
		ts.Err = fmt.Errorf("%w: TSTInfo time: %v", ErrMalformed, err)
		return ts
	}
	ts.Authority, _, err = verifySigner(&p.signer, p.content, p.certs, true)
	if err != nil {
		ts.Err = err
		return ts
	}
	h, err := hashOf(imprint.Algorithm.Algorithm)
	if err != nil {
		ts.Err = err
		return ts
	}
	if !bytes.Equal(imprint.Digest, digest(h, sigValue)) {
		ts.Err = errors.New("the timestamp covers another signature")
		return ts
	}
	ts.Valid = true
	return ts
}

// counterSignature checks a PKCS #9 countersignature: a signer info whose
// message digest is the digest of the signature value, with its time in
// a signing-time attribute.
func counterSignature(der, sigValue []byte, certs []*x509.Certificate) *Timestamp {
	ts := &Timestamp{Kind: "countersignature", certs: certs}
	var si signerInfo
	if _, err := asn1.Unmarshal(der, &si); err != nil {
		ts.Err = fmt.Errorf("%w: countersignature: %v", ErrMalformed, err)
		return ts
	}
	cert, attrs, err := verifySigner(&si, sigValue, certs, true)
	ts.Authority = cert
	if st := attrs[oidSigningTime.String()]; len(st) == 1 {
		if _, err := asn1.Unmarshal(st[0], &ts.Time); err != nil {
			ts.Err = fmt.Errorf("%w: signing time: %v", ErrMalformed, err)
			return ts
		}
	} else if err == nil {
		err = fmt.Errorf("%w: the countersignature has no signing time", ErrMalformed)
	}
	if err != nil {
		ts.Err = err
		return ts
	}
	ts.Valid = true
	return ts
}
