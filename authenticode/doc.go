// Package authenticode verifies Authenticode signatures of Windows
// Installer packages (MSI, MSP, MST, MSM), cabinets and PE images
// (EXE, DLL), as Windows does and as osslsigncode's verify does.
//
// Verify finds the signature, computes the file's digest the way its
// format defines it, and checks, for the signature and each nested one:
//
//   - the digest signed (the SpcIndirectDataContent of the PKCS#7
//     SignedData) against the digest of the content (DigestMatches);
//   - the signer's signature over its authenticated attributes, and their
//     message digest over the signed content (SignerValid);
//   - a timestamp, RFC 3161 or a legacy countersignature (Timestamp);
//   - a certificate chain from the signer to a trusted root, built from
//     the certificates the signature carries, with the code-signing
//     extended key usage, valid at the time of a valid timestamp or at
//     the current time (Trusted).
//
// # Digests
//
//   - PE: the image from its start to the certificate table, without the
//     checksum field and the certificate table's directory entry
//     (Microsoft's "Windows Authenticode Portable Executable Signature
//     Format").
//   - CAB: the signature sits after the cabinet's data, located by the
//     20-byte header reserve; the header is hashed without the fields that
//     signing changes (the reserved field, iCabinet, the reserve sizes and
//     the signature's place), then everything up to the signature.
//   - Compound files: every stream's content and every storage, children
//     sorted by their UTF-16LE name bytes, each storage's CLSID after its
//     children, without \x05DigitalSignature and \x05MsiDigitalSignatureEx
//     at the root; with \x05MsiDigitalSignatureEx, the digest of the
//     entries' metadata (names, sizes, CLSIDs, state bits, times) comes
//     first, and that stream must hold it.
//
// # Trust
//
// Roots are the system's (Options.NoSystemRoots leaves them out) and
// Options.Roots. Chains are built and checked here rather than by
// crypto/x509, which refuses SHA-1 signatures: old Microsoft chains are
// signed with SHA-1, and RSA or ECDSA over SHA-1 is accepted in code-signing
// chains, as Windows accepts it. Microsoft's code-signing roots are not in
// Linux CA bundles; pass them in Options.Roots.
//
// # Parsing
//
// The PKCS#7 / CMS structures are decoded here with encoding/asn1:
// a signature must be checked over the exact bytes it signs (the
// authenticated attributes re-tagged as a SET, the content without its
// SEQUENCE header), nested signatures and timestamps live in unauthenticated
// attributes, and the chain needs the SHA-1 checks above.
// Every length is checked against the file before anything is read, nested
// signatures are followed to a fixed depth, and chains are built without
// revisiting a certificate, so hostile input cannot make Verify allocate
// without bound, loop or panic.
package authenticode
