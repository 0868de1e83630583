package authenticode

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"fmt"
	"math/big"
)

// Object identifiers of the structures and attributes read here.
var (
	oidSignedData       = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 2}
	oidIndirectData     = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 311, 2, 1, 4}
	oidTSTInfo          = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 16, 1, 4}
	oidMessageDigest    = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 4}
	oidSigningTime      = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 5}
	oidCounterSignature = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 6}
	oidNestedSignature  = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 311, 2, 4, 1}
	oidRFC3161Timestamp = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 311, 3, 3, 1}
	oidRSAPSS           = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 10}
)

// hashes maps digest algorithm identifiers to hashes. Signature
// algorithm identifiers that name a hash (sha256WithRSAEncryption, as
// some signers put in digestAlgorithm) are accepted too.
var hashes = []struct {
	oid  asn1.ObjectIdentifier
	hash crypto.Hash
}{
	{asn1.ObjectIdentifier{1, 3, 14, 3, 2, 26}, crypto.SHA1},
	{asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 1}, crypto.SHA256},
	{asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 2}, crypto.SHA384},
	{asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 3}, crypto.SHA512},
	{asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 5}, crypto.MD5},
	{asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 5}, crypto.SHA1},
	{asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 11}, crypto.SHA256},
	{asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 12}, crypto.SHA384},
	{asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 13}, crypto.SHA512},
	{asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 4}, crypto.MD5},
}

func hashOf(id asn1.ObjectIdentifier) (crypto.Hash, error) {
	for _, h := range hashes {
		if h.oid.Equal(id) {
			if !h.hash.Available() {
				break
			}
			return h.hash, nil
		}
	}
	return 0, fmt.Errorf("%w: unsupported digest algorithm %v", ErrMalformed, id)
}

// contentInfo is PKCS#7's ContentInfo; Content is the [0] wrapper, whose
// Bytes are the inner element.
type contentInfo struct {
	ContentType asn1.ObjectIdentifier
	Content     asn1.RawValue `asn1:"explicit,optional,tag:0"`
}

type signedData struct {
	Version          int
	DigestAlgorithms asn1.RawValue
	ContentInfo      contentInfo
	Certificates     asn1.RawValue `asn1:"optional,tag:0"`
	CRLs             asn1.RawValue `asn1:"optional,tag:1"`
	SignerInfos      asn1.RawValue
}

type signerInfo struct {
	Version            int
	SID                asn1.RawValue // IssuerAndSerialNumber, or [0] SubjectKeyIdentifier
	DigestAlgorithm    pkix.AlgorithmIdentifier
	AuthAttrs          asn1.RawValue `asn1:"optional,tag:0"`
	SignatureAlgorithm pkix.AlgorithmIdentifier
	Signature          []byte
	UnauthAttrs        asn1.RawValue `asn1:"optional,tag:1"`
}

type issuerAndSerial struct {
	Issuer asn1.RawValue
	Serial *big.Int
}

type attribute struct {
	Type   asn1.ObjectIdentifier
	Values asn1.RawValue
}

type digestInfo struct {
	Algorithm pkix.AlgorithmIdentifier
	Digest    []byte
}

type indirectData struct {
	Data          asn1.RawValue
	MessageDigest digestInfo
}

// parsed is one SignedData: its content and certificates decoded, its
// one signer.
type parsed struct {
	contentType asn1.ObjectIdentifier
	content     []byte // the inner element's content octets, what the signer's message digest covers
	certs       []*x509.Certificate
	certErrs    int // certificates that did not parse
	signer      signerInfo
}

// parseSignedData decodes a DER ContentInfo holding a SignedData with
// exactly one signer, as Authenticode and RFC 3161 tokens have.
func parseSignedData(der []byte) (*parsed, error) {
	var ci contentInfo
	if rest, err := asn1.Unmarshal(der, &ci); err != nil {
		return nil, fmt.Errorf("%w: ContentInfo: %v", ErrMalformed, err)
	} else if len(bytes.TrimRight(rest, "\x00")) > 0 {
		return nil, fmt.Errorf("%w: %d bytes after the ContentInfo", ErrMalformed, len(rest))
	}
	if !ci.ContentType.Equal(oidSignedData) {
		return nil, fmt.Errorf("%w: content type %v, not SignedData", ErrMalformed, ci.ContentType)
	}
	var sd signedData
	if _, err := asn1.Unmarshal(ci.Content.Bytes, &sd); err != nil {
		return nil, fmt.Errorf("%w: SignedData: %v", ErrMalformed, err)
	}
	p := &parsed{contentType: sd.ContentInfo.ContentType}
	var inner asn1.RawValue
	if _, err := asn1.Unmarshal(sd.ContentInfo.Content.Bytes, &inner); err != nil {
		return nil, fmt.Errorf("%w: signed content: %v", ErrMalformed, err)
	}
	p.content = inner.Bytes
	for rest := sd.Certificates.Bytes; len(rest) > 0; {
		var raw asn1.RawValue
		var err error
		if rest, err = asn1.Unmarshal(rest, &raw); err != nil {
			return nil, fmt.Errorf("%w: certificates: %v", ErrMalformed, err)
		}
		if c, err := x509.ParseCertificate(raw.FullBytes); err == nil {
			p.certs = append(p.certs, c)
		} else {
			p.certErrs++
		}
	}
	signers, err := elements(sd.SignerInfos.Bytes, "SignerInfos")
	if err != nil {
		return nil, err
	}
	if len(signers) != 1 {
		return nil, fmt.Errorf("%w: %d signers, Authenticode has one", ErrMalformed, len(signers))
	}
	if _, err := asn1.Unmarshal(signers[0], &p.signer); err != nil {
		return nil, fmt.Errorf("%w: SignerInfo: %v", ErrMalformed, err)
	}
	return p, nil
}

// elements splits the content of a SET OF or SEQUENCE OF into its
// elements' encodings.
func elements(b []byte, what string) ([][]byte, error) {
	var out [][]byte
	for len(b) > 0 {
		var raw asn1.RawValue
		rest, err := asn1.Unmarshal(b, &raw)
		if err != nil {
			return nil, fmt.Errorf("%w: %s: %v", ErrMalformed, what, err)
		}
		out = append(out, raw.FullBytes)
		b = rest
	}
	return out, nil
}

// attributes decodes an attribute set ([0] or [1] IMPLICIT SET OF
// Attribute) into the values of each type, in order.
func attributes(set asn1.RawValue) (map[string][][]byte, error) {
	out := map[string][][]byte{}
	all, err := elements(set.Bytes, "attributes")
	if err != nil {
		return nil, err
	}
	for _, e := range all {
		var a attribute
		if _, err := asn1.Unmarshal(e, &a); err != nil {
			return nil, fmt.Errorf("%w: attribute: %v", ErrMalformed, err)
		}
		vals, err := elements(a.Values.Bytes, "attribute values")
		if err != nil {
			return nil, err
		}
		out[a.Type.String()] = append(out[a.Type.String()], vals...)
	}
	return out, nil
}

// indirect decodes the SpcIndirectDataContent an Authenticode signature
// signs: the algorithm and digest of the file.
func (p *parsed) indirect() (crypto.Hash, []byte, error) {
	if !p.contentType.Equal(oidIndirectData) {
		return 0, nil, fmt.Errorf("%w: signed content type %v, not SpcIndirectDataContent", ErrMalformed, p.contentType)
	}
	// p.content is the SEQUENCE's content; decode its two elements.
	var id indirectData
	seq := append(asn1Header(0x30, len(p.content)), p.content...)
	if _, err := asn1.Unmarshal(seq, &id); err != nil {
		return 0, nil, fmt.Errorf("%w: SpcIndirectDataContent: %v", ErrMalformed, err)
	}
	h, err := hashOf(id.MessageDigest.Algorithm.Algorithm)
	if err != nil {
		return 0, nil, err
	}
	return h, id.MessageDigest.Digest, nil
}

// asn1Header encodes a DER tag and definite length.
func asn1Header(tag byte, n int) []byte {
	if n < 0x80 {
		return []byte{tag, byte(n)}
	}
	var l []byte
	for v := n; v > 0; v >>= 8 {
		l = append([]byte{byte(v)}, l...)
	}
	return append([]byte{tag, 0x80 | byte(len(l))}, l...)
}

// findSigner returns the certificate the signer info names.
func findSigner(si *signerInfo, certs []*x509.Certificate) (*x509.Certificate, error) {
	if si.SID.Class == asn1.ClassContextSpecific && si.SID.Tag == 0 {
		for _, c := range certs {
			if bytes.Equal(c.SubjectKeyId, si.SID.Bytes) {
				return c, nil
			}
		}
		return nil, fmt.Errorf("%w: no certificate has the signer's key identifier", ErrMalformed)
	}
	var ias issuerAndSerial
	if _, err := asn1.Unmarshal(si.SID.FullBytes, &ias); err != nil {
		return nil, fmt.Errorf("%w: signer identifier: %v", ErrMalformed, err)
	}
	for _, c := range certs {
		if bytes.Equal(c.RawIssuer, ias.Issuer.FullBytes) && c.SerialNumber.Cmp(ias.Serial) == 0 {
			return c, nil
		}
	}
	return nil, fmt.Errorf("%w: the signature does not carry the signer's certificate (serial %X)", ErrMalformed, ias.Serial)
}

// verifySigner checks a signer info over content: its message digest
// attribute against the content's digest, and its signature over the
// authenticated attributes (or over the content when it has none). It
// returns the signer's certificate and the decoded authenticated
// attributes. bare accepts an RSA signature of the bare digest, without
// its DigestInfo, as some time-stamping authorities made them (Symantec's
// "Time Stamping Services Signer - G4" countersignatures; Windows accepts
// them).
func verifySigner(si *signerInfo, content []byte, certs []*x509.Certificate, bare bool) (*x509.Certificate, map[string][][]byte, error) {
	cert, err := findSigner(si, certs)
	if err != nil {
		return nil, nil, err
	}
	h, err := hashOf(si.DigestAlgorithm.Algorithm)
	if err != nil {
		return cert, nil, err
	}
	contentSum := digest(h, content)
	signed := content
	var attrs map[string][][]byte
	if len(si.AuthAttrs.FullBytes) > 0 {
		if attrs, err = attributes(si.AuthAttrs); err != nil {
			return cert, nil, err
		}
		md := attrs[oidMessageDigest.String()]
		if len(md) != 1 {
			return cert, attrs, fmt.Errorf("%w: %d message digest attributes", ErrMalformed, len(md))
		}
		var got []byte
		if _, err := asn1.Unmarshal(md[0], &got); err != nil {
			return cert, attrs, fmt.Errorf("%w: message digest attribute: %v", ErrMalformed, err)
		}
		if !bytes.Equal(got, contentSum) {
			return cert, attrs, errors.New("the signed attributes' message digest does not match the signed content")
		}
		// The signature covers the attributes encoded as a SET, not
		// with their [0] IMPLICIT tag (RFC 5652 5.4).
		signed = append([]byte{0x31}, si.AuthAttrs.FullBytes[1:]...)
	}
	if si.SignatureAlgorithm.Algorithm.Equal(oidRSAPSS) {
		return cert, attrs, errors.New("RSASSA-PSS signatures are not supported")
	}
	sum := digest(h, signed)
	if err := checkSignature(cert.PublicKey, h, sum, si.Signature); err != nil {
		if k, ok := cert.PublicKey.(*rsa.PublicKey); !bare || !ok || rsa.VerifyPKCS1v15(k, 0, sum, si.Signature) != nil {
			return cert, attrs, fmt.Errorf("the signer's signature does not verify: %w", err)
		}
	}
	return cert, attrs, nil
}

// checkSignature checks an RSA (PKCS #1 v1.5) or ECDSA signature over a
// digest made with h.
func checkSignature(pub any, h crypto.Hash, sum, sig []byte) error {
	switch k := pub.(type) {
	case *rsa.PublicKey:
		return rsa.VerifyPKCS1v15(k, h, sum, sig)
	case *ecdsa.PublicKey:
		if !ecdsa.VerifyASN1(k, sum, sig) {
			return errors.New("ECDSA verification failed")
		}
		return nil
	}
	return fmt.Errorf("unsupported public key type %T", pub)
}

func digest(h crypto.Hash, b []byte) []byte {
	w := h.New()
	w.Write(b)
	return w.Sum(nil)
}
