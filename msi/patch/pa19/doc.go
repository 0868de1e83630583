// Package pa19 reads and applies PatchAPI binary deltas (the "PA19" format
// of mspatchc.dll and mspatcha.dll): the way Windows Installer patches
// (.msp) carry a changed file as the difference from the file already
// installed, and the way hotfixes ship some of their files.
//
// A delta holds a header and, for each old file it applies to, an LZX DELTA
// stream ([MS-PATCH]) that decodes to the new file with the old one as the
// window's starting content. The header names each old file by size and
// CRC32, with ranges of it that do not count (ignored) or that carry over to
// the new file unchanged (retained), and the new file by size, CRC32 and,
// optionally, time stamp. A header-only delta (ExtractPatchHeaderToFile)
// has no streams: it tells whether a file fits, and nothing more.
//
// The package sits under msi/patch because patches are where msikit meets
// the format, and it is its own package because the format is not the MSP's:
// it travels alone too, and it depends on nothing of msi (only on cab/lzx
// for the decoding).
//
// The transforms PatchAPI applies to 32-bit PE images before comparing and
// decoding (rebasing, unbinding imports, normalising lock prefixes, resource
// time stamps, the i386 call/jump transforms) and interleaved streams are
// not implemented: such deltas are refused with ErrUnsupported, never
// decoded into wrong bytes. The new file's CRC32 is always checked before
// Apply returns.
package pa19
