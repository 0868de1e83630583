package main

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"encoding/pem"
	"os"
	"path/filepath"
	"testing"

	"github.com/msikit/msikit/authenticode"
	"github.com/msikit/msikit/internal/pever"
	"github.com/msikit/msikit/internal/testutil"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestSignature checks a cabinet signed by osslsigncode with a throw-away
// CA and an RFC 3161 timestamp (authenticode/testdata/signed.cab):
// untrusted without its root, trusted with --roots (because of the
// timestamp: the signer expired in 2021), caught after one changed byte.
func TestSignature(t *testing.T) {
	dir := t.TempDir()
	signed := filepath.Join("..", "..", "authenticode", "testdata", "signed.cab")
	data, err := os.ReadFile(signed)
	require.NoError(t, err)

	code, out, _ := msikit(t, "signature", "--no-system-roots", signed)
	assert.Equal(t, 1, code)
	assert.Contains(t, out, "signed.cab: CAB, FAILED: SHA-256 digest matches; signed by \"CN=msikit test signer,O=msikit\", NOT trusted: no chain to a trusted root")

	// The root is the last certificate of the chain the signature carries.
	res, err := authenticode.Verify(bytes.NewReader(data), int64(len(data)), &authenticode.Options{NoSystemRoots: true})
	require.NoError(t, err)
	root := res.Signature.Chain[len(res.Signature.Chain)-1]
	rootPEM := filepath.Join(dir, "root.pem")
	require.NoError(t, os.WriteFile(rootPEM, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: root.Raw}), 0o644))

	code, out, _ = msikit(t, "signature", "--no-system-roots", "--roots", rootPEM, "--json", signed)
	require.Equal(t, 0, code, out)
	var got []map[string]any
	require.NoError(t, json.Unmarshal([]byte(out), &got))
	require.Len(t, got, 1)
	g := got[0]
	assert.Equal(t, "CAB", g["format"])
	for _, k := range []string{"signed", "ok", "digest_matches", "signature_valid", "trusted", "trusted_by_timestamp"} {
		assert.Equal(t, true, g[k], k)
	}
	assert.Equal(t, "SHA-256", g["digest_algorithm"])
	assert.Equal(t, []any{"CN=msikit test signer,O=msikit", "CN=msikit test root"}, g["chain"])
	ts := g["timestamp"].(map[string]any)
	assert.Equal(t, "RFC3161", ts["kind"])
	assert.Equal(t, "2020-07-01T00:00:00Z", ts["time"])
	assert.Equal(t, "CN=msikit test TSA", ts["authority"])
	assert.Equal(t, true, ts["valid"])
	signer := g["signer"].(map[string]any)
	assert.Equal(t, "2021-01-01T00:00:00Z", signer["not_after"])

	code, out, _ = msikit(t, "signature", "-v", "--no-system-roots", "--roots", rootPEM, signed)
	assert.Equal(t, 0, code)
	assert.Contains(t, out, "signed.cab: CAB, OK: SHA-256 digest matches; signed by \"CN=msikit test signer,O=msikit\", trusted at its timestamp (2020-07-01T00:00:00Z; expired now)")
	assert.Contains(t, out, "  chain 1:   CN=msikit test root\n")
	assert.Contains(t, out, "  timestamp: RFC3161 2020-07-01T00:00:00Z by \"CN=msikit test TSA\", valid, trusted\n")

	// One byte of the last CFDATA block changed.
	tampered := filepath.Join(dir, "tampered.cab")
	bad := append([]byte(nil), data...)
	bad[binary.LittleEndian.Uint32(bad[44:])-1] ^= 1
	require.NoError(t, os.WriteFile(tampered, bad, 0o644))
	code, out, _ = msikit(t, "signature", "--json", "--no-system-roots", "--roots", rootPEM, tampered)
	assert.Equal(t, 1, code)
	got = nil
	require.NoError(t, json.Unmarshal([]byte(out), &got))
	assert.Equal(t, false, got[0]["digest_matches"])
	assert.Equal(t, true, got[0]["trusted"])

	pe, err := pever.Build(pever.Options{Machine: pever.MachineAMD64})
	require.NoError(t, err)
	exe := filepath.Join(dir, "unsigned.exe")
	require.NoError(t, os.WriteFile(exe, pe, 0o644))
	code, out, _ = msikit(t, "signature", exe)
	assert.Equal(t, 1, code)
	assert.Equal(t, exe+": PE, not signed\n", out)

	code, _, _ = msikit(t, "signature")
	assert.Equal(t, 2, code)
	code, out, errOut := msikit(t, "signature", "--json", filepath.Join(dir, "missing.cab"), exe, dir+"/../"+filepath.Base(dir)+"/root.pem")
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, "missing.cab")
	got = nil
	require.NoError(t, json.Unmarshal([]byte(out), &got))
	require.Len(t, got, 3)
	assert.Contains(t, got[0]["error"], "no such file")
	assert.Equal(t, false, got[1]["signed"])
	assert.Contains(t, got[2]["error"], "not a PE image, cabinet or compound file")
}

// TestInfoSignature: info says whether a signature is present, and checks
// it with --check-signature.
func TestInfoSignature(t *testing.T) {
	code, out, _ := msikit(t, "info", hello)
	require.Equal(t, 0, code)
	assert.Contains(t, out, "Signature:        none\n")

	msp := testutil.Corpus(t, "lessmsi", "SQL2008_AS.msp")
	code, out, _ = msikit(t, "info", msp)
	require.Equal(t, 0, code)
	assert.Contains(t, out, "Signature:        present (not checked: --check-signature or msikit signature checks it)\n")
	code, out, _ = msikit(t, "info", "--check-signature", "--json", msp)
	require.Equal(t, 0, code)
	var got map[string]any
	require.NoError(t, json.Unmarshal([]byte(out), &got))
	sig := got["signature"].(map[string]any)
	assert.Equal(t, true, sig["digest_matches"])
	assert.Equal(t, "SHA-1", sig["digest_algorithm"])
	assert.Equal(t, true, got["signed"])
}
