package main

import (
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/msikit/msikit/authenticode"
	"github.com/msikit/msikit/internal/infile"
	"github.com/spf13/pflag"
)

func init() {
	register(&command{
		name: "signature", usage: "FILE... [--roots FILE.pem]... [--json] [-v]",
		summary: "Verify the Authenticode signatures of packages (MSI, MSP, MST, MSM), cabinets and PE files (exit 0 only when every file is signed, unchanged and trusted).",
		setup: func(fs *pflag.FlagSet) func(*context, []string) error {
			asJSON := fs.Bool("json", false, "print a JSON array, one object per file (see README)")
			verbose := fs.BoolP("verbose", "v", false, "print the signer, chain, timestamp and nested signatures under each file's line")
			rootFiles := fs.StringArray("roots", nil, "also trust the PEM certificates of this file (repeatable; Microsoft's code-signing roots are not in Linux CA bundles)")
			noSystem := fs.Bool("no-system-roots", false, "trust only the --roots certificates, not the system's CA bundle")
			return func(ctx *context, args []string) error {
				if err := needArgs(args, 1, -1); err != nil {
					return err
				}
				opts, err := trustOptions(*rootFiles, *noSystem)
				if err != nil {
					return err
				}
				out := []signatureJSON{}
				allOK := true
				var failed []error
				for _, name := range args {
					j, err := checkSignature(name, opts)
					if err != nil { // unreadable: on standard error, and {file, error} in JSON, as for info
						failed = append(failed, err)
						allOK = false
						if *asJSON {
							out = append(out, signatureJSON{File: name, Error: oneLine(err.Error())})
						}
						continue
					}
					allOK = allOK && j.OK
					out = append(out, j)
				}
				if *asJSON {
					if err := writeJSON(ctx.stdout, out); err != nil {
						return err
					}
				} else {
					for _, j := range out {
						writeSignatureText(ctx.stdout, j, *verbose)
					}
				}
				for _, err := range failed {
					fmt.Fprintf(ctx.stderr, "%s: %s\n", ctx.path, oneLine(err.Error()))
				}
				if !allOK {
					return exitCodeError{code: exitBad}
				}
				return nil
			}
		},
	})
}

// trustOptions reads the --roots files.
func trustOptions(rootFiles []string, noSystem bool) (*authenticode.Options, error) {
	opts := &authenticode.Options{NoSystemRoots: noSystem}
	for _, name := range rootFiles {
		// Read as a manifest is: a FIFO or <(…) is fine, one nothing
		// writes to is refused rather than waited on.
		r, err := infile.OpenStream(name)
		if err != nil {
			return nil, fmt.Errorf("--roots: %w", err) // a missing input, as --manifest: 1
		}
		data, err := io.ReadAll(io.LimitReader(r, 64<<20))
		r.Close()
		if err != nil {
			return nil, fmt.Errorf("--roots: %s: %w", name, err)
		}
		certs := authenticode.ParseRoots(data)
		if len(certs) == 0 {
			return nil, fmt.Errorf("--roots: %s: no PEM certificate", name)
		}
		opts.Roots = append(opts.Roots, certs...)
	}
	return opts, nil
}

// signatureJSON is one file's entry in `msikit signature --json`.
type signatureJSON struct {
	File   string `json:"file"`
	Format string `json:"format"`
	Signed bool   `json:"signed"`
	OK     bool   `json:"ok"` // signed, matching, verified and trusted, nested signatures included
	Error  string `json:"error"`
	*sigJSON
}

// sigJSON is one signature: the primary one, or a nested one.
type sigJSON struct {
	DigestAlgorithm    string         `json:"digest_algorithm"`
	DigestSigned       string         `json:"digest_signed"`
	DigestComputed     string         `json:"digest_computed"`
	DigestMatches      bool           `json:"digest_matches"`
	DigestError        string         `json:"digest_error"`
	SignatureValid     bool           `json:"signature_valid"`
	SignatureError     string         `json:"signature_error"`
	Signer             *certJSON      `json:"signer"`
	Chain              []string       `json:"chain"`
	Trusted            bool           `json:"trusted"`
	Reason             string         `json:"reason"`
	TrustedByTimestamp bool           `json:"trusted_by_timestamp"`
	Timestamp          *timestampJSON `json:"timestamp"`
	Nested             []*sigJSON     `json:"nested"`
}

type certJSON struct {
	Subject   string `json:"subject"`
	Issuer    string `json:"issuer"`
	Serial    string `json:"serial"`
	NotBefore string `json:"not_before"`
	NotAfter  string `json:"not_after"`
}

type timestampJSON struct {
	Kind      string   `json:"kind"`
	Time      string   `json:"time"`
	Authority string   `json:"authority"`
	Valid     bool     `json:"valid"`
	Error     string   `json:"error"`
	Chain     []string `json:"chain"`
	Trusted   bool     `json:"trusted"`
	Reason    string   `json:"reason"`
}

// checkSignature verifies one file. A file that cannot be read is an
// error; one of another format, or whose signature is damaged, is
// reported in its entry.
func checkSignature(name string, opts *authenticode.Options) (signatureJSON, error) {
	j := signatureJSON{File: name}
	f, err := infile.Open(name)
	if err != nil {
		return j, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return j, err
	}
	res, err := authenticode.Verify(f, st.Size(), opts)
	if res != nil {
		j.Format, j.Signed = string(res.Format), res.Signed
		if res.Signature != nil {
			j.sigJSON = signatureToJSON(res.Signature)
		}
		j.OK = err == nil && res.OK()
	}
	if err != nil {
		if errors.Is(err, authenticode.ErrUnknownFormat) {
			err = fmt.Errorf("%w (an MSI, MSP, MST, MSM, cabinet or PE file is expected)", err)
		}
		j.Error = err.Error()
	}
	return j, nil
}

func signatureToJSON(s *authenticode.Signature) *sigJSON {
	j := &sigJSON{
		DigestAlgorithm: s.DigestAlgorithm.String(),
		DigestSigned:    hex.EncodeToString(s.SignedDigest),
		DigestComputed:  hex.EncodeToString(s.Digest),
		DigestMatches:   s.DigestMatches,
		SignatureValid:  s.SignerValid,
		Chain:           subjects(s.Chain),
		Trusted:         s.Trusted, Reason: s.Reason, TrustedByTimestamp: s.TrustedByTimestamp,
	}
	if s.DigestError != nil {
		j.DigestError = s.DigestError.Error()
	}
	if s.SignerError != nil {
		j.SignatureError = s.SignerError.Error()
	}
	if c := s.Signer; c != nil {
		j.Signer = &certJSON{Subject: c.Subject.String(), Issuer: c.Issuer.String(), Serial: strings.ToUpper(c.SerialNumber.Text(16)),
			NotBefore: c.NotBefore.UTC().Format(time.RFC3339), NotAfter: c.NotAfter.UTC().Format(time.RFC3339)}
	}
	if ts := s.Timestamp; ts != nil {
		t := &timestampJSON{Kind: ts.Kind, Valid: ts.Valid, Chain: subjects(ts.Chain), Trusted: ts.Trusted, Reason: ts.Reason}
		if !ts.Time.IsZero() {
			t.Time = ts.Time.UTC().Format(time.RFC3339)
		}
		if ts.Authority != nil {
			t.Authority = ts.Authority.Subject.String()
		}
		if ts.Err != nil {
			t.Error = ts.Err.Error()
		}
		j.Timestamp = t
	}
	for _, n := range s.Nested {
		j.Nested = append(j.Nested, signatureToJSON(n))
	}
	return j
}

func subjects(chain []*x509.Certificate) []string {
	out := []string{}
	for _, c := range chain {
		out = append(out, c.Subject.String())
	}
	return out
}

// writeSignatureText prints one line per file and, with verbose, the
// details of each signature under it.
func writeSignatureText(w io.Writer, j signatureJSON, verbose bool) {
	switch {
	case j.sigJSON == nil && j.Error != "":
		fmt.Fprintf(w, "%s: FAILED: %s\n", j.File, oneLine(j.Error))
		return
	case !j.Signed:
		fmt.Fprintf(w, "%s: %s, not signed\n", j.File, j.Format)
		return
	}
	fmt.Fprintf(w, "%s: %s, %s\n", j.File, j.Format, j.verdict())
	if j.Error != "" {
		fmt.Fprintf(w, "  error: %s\n", oneLine(j.Error))
	}
	if verbose {
		writeSigDetail(w, j.sigJSON, "  ")
	}
}

// verdict is "OK: " or "FAILED: " and what holds and what does not.
func (j signatureJSON) verdict() string {
	if j.OK {
		return "OK: " + sigSummary(j.sigJSON)
	}
	return "FAILED: " + sigSummary(j.sigJSON)
}

// sigSummary says in one phrase what holds and what does not.
func sigSummary(s *sigJSON) string {
	var parts []string
	if s.DigestMatches {
		parts = append(parts, s.DigestAlgorithm+" digest matches")
	} else {
		why := "the content was changed after signing"
		if s.DigestError != "" {
			why = s.DigestError
		}
		parts = append(parts, s.DigestAlgorithm+" digest MISMATCH ("+why+")")
	}
	if !s.SignatureValid {
		parts = append(parts, "signature INVALID ("+s.SignatureError+")")
	}
	who := "unknown signer"
	if s.Signer != nil {
		who = s.Signer.Subject
	}
	switch {
	case s.Trusted && s.TrustedByTimestamp:
		parts = append(parts, fmt.Sprintf("signed by %q, trusted at its timestamp (%s; expired now)", who, s.Timestamp.Time))
	case s.Trusted:
		parts = append(parts, fmt.Sprintf("signed by %q, trusted", who))
	default:
		parts = append(parts, fmt.Sprintf("signed by %q, NOT trusted: %s", who, s.Reason))
	}
	if n := len(s.Nested); n > 0 {
		bad := 0
		for _, x := range s.Nested {
			if !x.DigestMatches || !x.SignatureValid || !x.Trusted {
				bad++
			}
		}
		parts = append(parts, fmt.Sprintf("%d nested signature(s), %d failing", n, bad))
	}
	return strings.Join(parts, "; ")
}

func writeSigDetail(w io.Writer, s *sigJSON, in string) {
	fmt.Fprintf(w, "%sdigest:    %s signed %s\n", in, s.DigestAlgorithm, s.DigestSigned)
	fmt.Fprintf(w, "%s           %s computed %s\n", in, strings.Repeat(" ", len(s.DigestAlgorithm)), s.DigestComputed)
	if c := s.Signer; c != nil {
		fmt.Fprintf(w, "%ssigner:    %s\n%sissuer:    %s\n%sserial:    %s\n%svalid:     %s to %s\n",
			in, c.Subject, in, c.Issuer, in, c.Serial, in, c.NotBefore, c.NotAfter)
	}
	for i, c := range s.Chain {
		fmt.Fprintf(w, "%schain %d:   %s\n", in, i, c)
	}
	if t := s.Timestamp; t != nil {
		state := "valid"
		if !t.Valid {
			state = "INVALID: " + t.Error
		}
		trust := "trusted"
		if !t.Trusted {
			trust = "not trusted: " + t.Reason
		}
		fmt.Fprintf(w, "%stimestamp: %s %s by %q, %s, %s\n", in, t.Kind, t.Time, t.Authority, state, trust)
	} else {
		fmt.Fprintf(w, "%stimestamp: none\n", in)
	}
	for i, n := range s.Nested {
		fmt.Fprintf(w, "%snested %d:  %s\n", in, i+1, sigSummary(n))
		writeSigDetail(w, n, in+"  ")
	}
}
