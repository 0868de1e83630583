package authenticode

import (
	"bytes"
	"crypto"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"
)

// Format is the kind of file a signature was found in.
type Format string

// The formats Verify reads.
const (
	FormatPE  Format = "PE"  // EXE, DLL and other PE images
	FormatCAB Format = "CAB" // cabinets
	FormatMSI Format = "MSI" // compound files: MSI, MSP, MST, MSM
)

// maxNested bounds how deep nested signatures are followed.
const maxNested = 4

// Options says what to trust.
type Options struct {
	// Roots are trusted besides the system's (Microsoft's code-signing
	// roots, which Linux CA bundles lack, or a private CA).
	Roots []*x509.Certificate
	// NoSystemRoots trusts Roots only.
	NoSystemRoots bool
	// Now is the time certificates are checked at when there is no valid
	// timestamp; zero means the current time.
	Now time.Time
}

// Result is what Verify found in one file.
type Result struct {
	Format    Format
	Signed    bool
	Signature *Signature // the primary signature, nil when not signed
}

// OK reports whether the file is signed and every signature in it, nested
// ones included, matches the content, verifies and is trusted.
func (r *Result) OK() bool { return r.Signed && r.Signature != nil && r.Signature.OK() }

// Signature is one Authenticode signature and what was checked of it.
type Signature struct {
	DigestAlgorithm crypto.Hash
	SignedDigest    []byte // the digest the signature holds
	Digest          []byte // the digest computed from the file
	// DigestMatches is true when the two are equal (and, in a package
	// with \x05MsiDigitalSignatureEx, its metadata digest matches too).
	DigestMatches bool
	DigestError   error // a reason besides unequal digests, when there is one

	// SignerValid is true when the signer's signature over what it
	// signed verifies with its certificate's key.
	SignerValid  bool
	SignerError  error
	Signer       *x509.Certificate
	Certificates []*x509.Certificate // all the signature carries

	// Chain runs from the signer to a trusted root (or as far as it was
	// built when none was found); Trusted says whether it reached one,
	// Reason why not.
	Chain   []*x509.Certificate
	Trusted bool
	Reason  string
	// TrustedByTimestamp is true when the chain is trusted only because
	// its certificates were valid at the timestamp's time, not now.
	TrustedByTimestamp bool

	Timestamp *Timestamp   // nil when there is none
	Nested    []*Signature // further signatures (signtool /as), in order
}

// OK reports whether the signature and its nested ones match, verify and
// are trusted.
func (s *Signature) OK() bool {
	if !s.DigestMatches || !s.SignerValid || !s.Trusted {
		return false
	}
	for _, n := range s.Nested {
		if !n.OK() {
			return false
		}
	}
	return true
}

// signedFile is a format's view of a file: its signature and its digest.
type signedFile interface {
	signature() ([]byte, error) // the PKCS#7 ContentInfo, or ErrNotSigned
	digest(h crypto.Hash) ([]byte, error)
}

// errDigest marks a digest error that is a mismatch rather than a read
// failure (\x05MsiDigitalSignatureEx not matching the metadata).
type errDigest struct{ msg string }

func (e errDigest) Error() string { return e.msg }

// Detect tells the format of a file from its first bytes.
func Detect(r io.ReaderAt) (Format, error) {
	var b [8]byte
	if n, _ := r.ReadAt(b[:], 0); n < 2 {
		return "", ErrUnknownFormat
	}
	switch {
	case string(b[:2]) == "MZ":
		return FormatPE, nil
	case string(b[:4]) == "MSCF":
		return FormatCAB, nil
	case string(b[:]) == "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
		return FormatMSI, nil
	}
	return "", ErrUnknownFormat
}

// Verify checks the Authenticode signature of the file r holds (size
// bytes). A file without a signature gives a Result with Signed false and
// no error; a damaged one an error wrapping ErrMalformed, with the Result
// so far.
func Verify(r io.ReaderAt, size int64, opts *Options) (*Result, error) {
	if opts == nil {
		opts = &Options{}
	}
	format, err := Detect(r)
	if err != nil {
		return nil, err
	}
	res := &Result{Format: format}
	var f signedFile
	switch format {
	case FormatPE:
		f, err = openPE(r, size)
	case FormatCAB:
		f, err = openCAB(r, size)
	default:
		f, err = openMSI(r, size)
	}
	var der []byte
	if err == nil {
		der, err = f.signature()
	}
	if errors.Is(err, ErrNotSigned) {
		return res, nil
	}
	if err != nil {
		return res, err
	}
	res.Signed = true
	v := &verifier{file: f, now: opts.Now, roots: opts.Roots, system: !opts.NoSystemRoots && len(systemRoots()) == 0}
	if v.now.IsZero() {
		v.now = time.Now()
	}
	if !opts.NoSystemRoots {
		v.roots = append(append([]*x509.Certificate(nil), v.roots...), systemRoots()...)
	}
	res.Signature, err = v.check(der, 0)
	return res, err
}

var systemRoots = sync.OnceValue(SystemRoots)

type verifier struct {
	file    signedFile
	now     time.Time
	roots   []*x509.Certificate
	digests map[crypto.Hash][]byte // the file's, by algorithm: nested signatures often repeat one
	// system: the system's roots are wanted but not readable as a bundle
	// (Windows, macOS): a chain not found here is asked of crypto/x509.
	system bool
}

// chain builds a chain here and, failing that, where the system keeps its
// roots out of reach, with crypto/x509 (which refuses SHA-1 chains).
func (v *verifier) chain(leaf *x509.Certificate, pool []*x509.Certificate, usage x509.ExtKeyUsage, at time.Time) chainResult {
	r := buildChain(leaf, pool, v.roots, usage, at)
	if r.trusted || !v.system {
		return r
	}
	inter := x509.NewCertPool()
	for _, c := range pool {
		inter.AddCert(c)
	}
	chains, err := leaf.Verify(x509.VerifyOptions{Intermediates: inter, CurrentTime: at, KeyUsages: []x509.ExtKeyUsage{usage}})
	if err != nil || len(chains) == 0 {
		return r
	}
	return chainResult{chain: chains[0], trusted: true}
}

// check verifies one SignedData and, below depth maxNested, the
// signatures nested in it.
func (v *verifier) check(der []byte, depth int) (*Signature, error) {
	p, err := parseSignedData(der)
	if err != nil {
		return nil, err
	}
	s := &Signature{Certificates: p.certs}
	if s.DigestAlgorithm, s.SignedDigest, err = p.indirect(); err != nil {
		return s, err
	}
	if s.Digest, err = v.digest(s.DigestAlgorithm); err != nil {
		var mismatch errDigest
		if !errors.As(err, &mismatch) {
			return s, err
		}
		s.DigestError = err
	} else {
		s.DigestMatches = bytes.Equal(s.Digest, s.SignedDigest)
	}
	s.Signer, _, s.SignerError = verifySigner(&p.signer, p.content, p.certs, false)
	s.SignerValid = s.SignerError == nil
	unauth := map[string][][]byte{}
	if len(p.signer.UnauthAttrs.FullBytes) > 0 {
		if unauth, err = attributes(p.signer.UnauthAttrs); err != nil {
			return s, err
		}
	}
	s.Timestamp = readTimestamp(unauth, p.signer.Signature, p.certs)
	v.trust(s)
	for _, n := range unauth[oidNestedSignature.String()] {
		if depth+1 >= maxNested {
			return s, fmt.Errorf("%w: signatures nested more than %d deep", ErrMalformed, maxNested)
		}
		ns, err := v.check(n, depth+1)
		if err != nil {
			return s, fmt.Errorf("nested signature %d: %w", len(s.Nested)+1, err)
		}
		s.Nested = append(s.Nested, ns)
	}
	return s, nil
}

func (v *verifier) digest(h crypto.Hash) ([]byte, error) {
	if d, ok := v.digests[h]; ok {
		return d, nil
	}
	d, err := v.file.digest(h)
	if err == nil {
		if v.digests == nil {
			v.digests = map[crypto.Hash][]byte{}
		}
		v.digests[h] = d
	}
	return d, err
}

// trust builds the timestamp authority's chain and the signer's. The
// signer's certificates must be valid now, or at the time of a valid,
// trusted timestamp.
func (v *verifier) trust(s *Signature) {
	ts := s.Timestamp
	if ts != nil && ts.Authority != nil {
		r := v.chain(ts.Authority, append(ts.certs, s.Certificates...), x509.ExtKeyUsageTimeStamping, ts.Time)
		ts.Chain, ts.Trusted, ts.Reason = r.chain, r.trusted, r.reason
	}
	if s.Signer == nil {
		s.Reason = "the signer's certificate is missing"
		return
	}
	at := v.now
	if ts != nil && ts.Valid && ts.Trusted {
		at = ts.Time
	}
	r := v.chain(s.Signer, s.Certificates, x509.ExtKeyUsageCodeSigning, at)
	s.Chain, s.Trusted, s.Reason = r.chain, r.trusted, r.reason
	if r.trusted && !at.Equal(v.now) && checkValidity(r.chain, v.now) != nil {
		s.TrustedByTimestamp = true
	}
	if r.expired && ts != nil && at.Equal(v.now) {
		switch {
		case !ts.Valid:
			s.Reason += fmt.Sprintf("; the timestamp is not valid (%v)", ts.Err)
		case !ts.Trusted:
			s.Reason += "; the timestamp authority is not trusted: " + ts.Reason
		}
	}
}

// Summary says in one line what holds and what does not: the digest, the
// signer's signature, the signer and trust, nested signatures.
func (s *Signature) Summary() string {
	var parts []string
	if s.DigestMatches {
		parts = append(parts, s.DigestAlgorithm.String()+" digest matches")
	} else if s.DigestError != nil {
		parts = append(parts, "digest MISMATCH ("+s.DigestError.Error()+")")
	} else {
		parts = append(parts, s.DigestAlgorithm.String()+" digest MISMATCH (changed after signing)")
	}
	if !s.SignerValid {
		parts = append(parts, fmt.Sprintf("signature INVALID (%v)", s.SignerError))
	}
	who := "an unknown signer"
	if s.Signer != nil {
		who = fmt.Sprintf("%q", s.Signer.Subject.String())
	}
	switch {
	case s.Trusted && s.TrustedByTimestamp:
		parts = append(parts, "signed by "+who+", trusted at its timestamp ("+s.Timestamp.Time.UTC().Format(time.RFC3339)+")")
	case s.Trusted:
		parts = append(parts, "signed by "+who+", trusted")
	default:
		parts = append(parts, "signed by "+who+", NOT trusted: "+s.Reason)
	}
	for i, n := range s.Nested {
		if !n.OK() {
			parts = append(parts, fmt.Sprintf("nested signature %d: %s", i+1, n.Summary()))
		}
	}
	return strings.Join(parts, "; ")
}
