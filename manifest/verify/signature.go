package verify

import (
	"errors"
	"io"

	"github.com/msikit/msikit/authenticode"
	"github.com/msikit/msikit/internal/infile"
)

// Signature is the Authenticode check of one package of a source (the
// source itself, or a package in its folder), with Options.Signatures.
type Signature struct {
	Path string // the source, or the package's path in the folder
	// Signed: the package has a signature. Matches: its content is what
	// was signed (the digest matches and the signer's signature
	// verifies). Trusted: the signer's chain reaches a trusted root. OK:
	// all three, for every signature the package holds.
	Signed, Matches, Trusted, OK bool
	// Required is the manifest's signed: true.
	Required bool
	// Detail says what holds and what does not, on one line.
	Detail string
	// Err is a signature that could not be read (damaged).
	Err string
}

// Fails reports whether the check fails the report: a signature that
// does not match the package or cannot be read, or none where the
// manifest requires one. A chain that reaches no trusted root does not
// fail it (Microsoft's roots are not in Linux CA bundles): it is reported.
func (s Signature) Fails() bool {
	return s.Err != "" || s.Signed && !s.Matches || s.Required && !s.Signed
}

// signature checks the package at path, named rel in the report.
func (c *collector) signature(path, rel string) {
	f, err := infile.Open(path)
	if err != nil {
		c.addSignature(rel, nil, err)
		return
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		c.addSignature(rel, nil, err)
		return
	}
	c.signatureAt(f, st.Size(), rel)
}

// signatureAt checks a package read from r (size bytes): one inside a
// download.
func (c *collector) signatureAt(r io.ReaderAt, size int64, rel string) {
	res, err := authenticode.Verify(r, size, c.opts.Trust)
	c.addSignature(rel, res, err)
}

func (c *collector) addSignature(rel string, res *authenticode.Result, err error) {
	s := Signature{Path: rel, Required: c.required}
	switch {
	case err != nil:
		s.Signed, s.Err = errors.Is(err, authenticode.ErrMalformed), err.Error()
	case res.Signature != nil:
		sig := res.Signature
		s.Signed, s.Matches, s.Trusted, s.OK = true, sig.DigestMatches && sig.SignerValid, sig.Trusted, res.OK()
		s.Detail = sig.Summary()
	default:
		s.Detail = "not signed"
	}
	c.mu.Lock()
	c.sigs = append(c.sigs, s)
	c.mu.Unlock()
}

// label is the signature's status word in the text report.
func (s Signature) label() string {
	switch {
	case s.Fails():
		return "SIG FAIL"
	case s.OK:
		return "SIGNED"
	case s.Signed:
		return "SIG WARN" // matches, but not trusted
	}
	return "UNSIGNED"
}

// text is what the signature's line says.
func (s Signature) text() string {
	t := s.Detail
	if s.Err != "" {
		t = s.Err
	}
	if s.Required && !s.Signed {
		t += " (the manifest requires signed packages)"
	}
	return t
}
