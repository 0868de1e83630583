// Package installshield reads the files an InstallShield setup launcher
// (setup.exe) carries after its last PE section: the "overlay" that the
// launcher unpacks to a temporary folder before running the setup proper.
// It reads the layouts that public write-ups of the format describe:
//
//   - FormatInstallShield: a 46-byte header starting "InstallShield\0"
//     (signature, file count, a type field and fields of unknown use),
//     then per file a 312-byte record (a NUL-terminated ANSI name in a
//     260-byte field, flags, the stored length, a compression flag) and
//     the file's stored bytes.
//   - FormatSetupStream: the same header starting "ISSetupStream\0", then
//     per file a 24-byte record (name length, flags, stored length,
//     compression flag), 24 more bytes when the header's type is 4, the
//     UTF-16LE name and the stored bytes.
//   - FormatPlain: no header; per file four NUL-terminated strings (name,
//     path on the source medium, version, decimal length) and the bytes,
//     unobfuscated, until the overlay ends.
//   - FormatPlainWide: a 32-bit file count, then the same four strings in
//     UTF-16LE per file.
//
// In the two header formats a file's bytes may be obfuscated with a key
// made from its name: each name byte XORed with 13 35 86 07 repeated, and
// each data byte decoded as NOT(key XOR (byte with its nibbles swapped)).
// Flag 4 restarts the key at every 1024-byte block of the stored data;
// flag 2 alone runs it over the whole file. A file whose compression flag
// is set holds a zlib stream (after that decoding), whose decoded length
// the records do not give: File.Size is then -1 until Measure is called.
//
// The overlay may start with a CodeView debug record ("NB10" or "RSDS" and
// a PDB path) that the launcher's linker left there, and a signed launcher
// keeps its Authenticode certificate table at the very end of the file:
// both are skipped. Every length read from the file is checked against the
// overlay before use, so damaged or hostile input yields an error wrapping
// ErrNotInstallShield, ErrFormat or ErrUnsupported, never a panic or an
// allocation larger than the file.
package installshield
