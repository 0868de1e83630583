package authenticode

import (
	"bytes"
	"crypto/x509"
	"encoding/hex"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/msikit/msikit/internal/testutil"
)

// calculated reads the digest osslsigncode verify computes for a file
// ("Calculated message digest" for PE and CAB, "Calculated
// DigitalSignature" for packages).
var calculated = regexp.MustCompile(`Calculated (?:message digest|DigitalSignature)\s*:\s*([0-9A-F]+)`)

// TestCorpusDigests compares the digest computed for each signed file of
// the corpus with osslsigncode's, and whether it matches the signed one.
func TestCorpusDigests(t *testing.T) {
	tool := testutil.Tool(t, "osslsigncode")
	for _, name := range []string{
		"gcab/test-signed.cab", "wix4/signed_cab1.cab",
		"lessmsi/SQL2008_AS.msp", "lessmsi/WPF2_32.msp",
		"wix3/Hello_Reg_conditionalPass__hello_world.msi", "wix3/Hello_Reg_conditionalPass__hello_world2.msi",
		"wix3/Hello_Reg_conditionalPass__hello_world3.msi",
		"lessmsi/IviNetSharedComponents32_Fx20_1.3.0.msi", // SHA-256
		"lessmsi/putty-0.68-installer.msi",                // a nested SHA-256 signature
		"lessmsi/vcredist.msi",
	} {
		t.Run(filepath.Base(name), func(t *testing.T) {
			path := testutil.Corpus(t, strings.Split(name, "/")...)
			res := verifyFile(t, path, &Options{NoSystemRoots: true})
			if !res.Signed {
				t.Fatal("not signed")
			}
			out, _ := testutil.Run(t, nil, tool, "verify", "-in", path)
			m := calculated.FindSubmatch(out)
			if m == nil {
				t.Fatalf("no calculated digest in osslsigncode's output:\n%s", out)
			}
			want, _ := hex.DecodeString(string(m[1]))
			s := res.Signature
			if !bytes.Equal(s.Digest, want) {
				t.Errorf("digest %X, osslsigncode computes %X", s.Digest, want)
			}
			if osslMatch := !bytes.Contains(out, []byte("MISMATCH")); s.DigestMatches != osslMatch {
				t.Errorf("digest matches %v, osslsigncode %v", s.DigestMatches, osslMatch)
			}
			if s.Trusted {
				t.Errorf("trusted without roots")
			}
		})
	}
}

// TestMicrosoftSHA1Chain trusts only the self-signed root that
// SQL2008_AS.msp carries (Microsoft Root Certificate Authority): the SHA-1
// chain is checked here, and the expired signer is accepted because of its
// 2008 countersignature.
func TestMicrosoftSHA1Chain(t *testing.T) {
	path := testutil.Corpus(t, "lessmsi", "SQL2008_AS.msp")
	res := verifyFile(t, path, &Options{NoSystemRoots: true})
	s := res.Signature
	root := s.Chain[len(s.Chain)-1]
	if !bytes.Equal(root.RawIssuer, root.RawSubject) || !strings.Contains(root.Subject.CommonName, "Microsoft Root") {
		t.Fatalf("the chain ends at %v", root.Subject)
	}
	if s.Trusted || !strings.Contains(s.Reason, "self-signed") {
		t.Errorf("untrusted root: trusted=%v, reason %q", s.Trusted, s.Reason)
	}
	res = verifyFile(t, path, &Options{Roots: []*x509.Certificate{root}, NoSystemRoots: true})
	s = res.Signature
	if !res.OK() || !s.TrustedByTimestamp || len(s.Chain) != 3 {
		t.Fatalf("ok=%v by timestamp=%v chain %d: %s", res.OK(), s.TrustedByTimestamp, len(s.Chain), s.Reason)
	}
	ts := s.Timestamp
	if ts == nil || ts.Kind != "countersignature" || !ts.Valid || !ts.Trusted || !ts.Time.Equal(time.Date(2008, 6, 6, 20, 33, 7, 0, time.UTC)) {
		t.Errorf("timestamp %+v", ts)
	}
}

// TestCorpusUnsigned: files osslsigncode finds no signature in (the
// InstallShield wrappers, unsigned packages and cabinets) are not signed
// here either.
func TestCorpusUnsigned(t *testing.T) {
	tool := testutil.Tool(t, "osslsigncode")
	for _, name := range []string{"clamav/clam_IScab_int.exe", "clamav/clam_ISmsi_int.exe", "clamav/clam.cab", "osslsigncode/unsigned.msi", "lessmsi/NUnit-2.5.2.9222.msi"} {
		path := testutil.Corpus(t, strings.Split(name, "/")...)
		if res := verifyFile(t, path, nil); res.Signed {
			t.Errorf("%s: signed", name)
		}
		if out, err := testutil.Run(t, nil, tool, "verify", "-in", path); err == nil {
			t.Errorf("%s: osslsigncode verifies it:\n%s", name, out)
		}
	}
}

// TestCorpusCountersignatures: the legacy timestamps of signed packages
// verify, nested signatures' too (putty's SHA-256 one), including
// Symantec's G4 signer, which signs the bare SHA-1 digest.
func TestCorpusCountersignatures(t *testing.T) {
	for _, name := range []string{"lessmsi/putty-0.68-installer.msi", "lessmsi/vcredist.msi", "lessmsi/WPF2_32.msp", "lessmsi/IviNetSharedComponents32_Fx20_1.3.0.msi"} {
		path := testutil.Corpus(t, strings.Split(name, "/")...)
		s := verifyFile(t, path, &Options{NoSystemRoots: true}).Signature
		for _, sig := range append([]*Signature{s}, s.Nested...) {
			if ts := sig.Timestamp; ts == nil || ts.Kind != "countersignature" || !ts.Valid || ts.Time.Year() < 2007 {
				t.Errorf("%s: timestamp %+v", name, ts)
			}
		}
		if name == "lessmsi/putty-0.68-installer.msi" && (len(s.Nested) != 1 || !s.Nested[0].DigestMatches || !s.Nested[0].SignerValid) {
			t.Errorf("putty: nested %d", len(s.Nested))
		}
	}
}
