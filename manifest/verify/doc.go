// Package verify checks packages, extracted folders and distribution-point
// trees against a manifest (package manifest): is every file the vendor's
// list names there, exactly once, with the listed size, version, platform,
// date and digests, and nothing else?
//
// # What is observed
//
// Every file's facts come from its bytes: the size; the MD5 (and the
// SHA-256 when the manifest has any); for a PE image the machine type and
// the VS_FIXEDFILEINFO file version, read from the version resource,
// the StringFileInfo FileVersion string (which must agree with the fixed
// version) and the optional header checksum (which, when set, must be
// that of the bytes: any change after linking shows). The time is the
// cabinet's date and time for a file in a package or cabinet, and the
// modification time of a loose file. Cabinets carry no time zone and
// extractors (msikit extract, cabextract, msiextract, 7-Zip) write their
// wall-clock time in the local zone, so both are compared as UTC
// wall-clock times: the cabinet's fields as they are, a loose file's
// modification time as read in Options.Location (time.Local by default).
// Some extractors (msiextract) and copies do not keep dates at all: when
// most loose files of a folder have times after every date of the variant
// and within an hour of one another, those times are the extraction's,
// their dates are not checked and a note says so; files dated otherwise
// are still checked (Options.StrictDates checks them all).
//
// A file of a package also has its File table row, and the row must
// agree with the bytes: FileSize, Version (a companion file's key is not
// a version and is skipped), Language, and the MsiFileHash MD5 of a file
// that has one. A PE image in a folder named after a platform (i386 or
// x86, x64 or amd64, ia64, arm64; the nearest such folder of its path)
// must be of that platform: this is how two platforms' builds of a DLL
// swapped between bin/i386 and bin/x64 show, since their names are the
// same and a KB list gives no paths.
//
// # Sources
//
// A source is a path given to Verify:
//
//   - A package (.msi): its files, decoded from its cabinets in memory,
//     never written anywhere. The package file itself is not a candidate.
//   - A cabinet (.cab): its members, likewise.
//   - A folder (an extracted package, a distribution point, a client
//     install folder): every regular file under it is a candidate, read
//     in parallel. A package or cabinet in the folder whose name no entry
//     of the manifest has (in any variant) is a container: it is opened
//     and its files are candidates too, named "inner.msi!bin/x.dll"; one
//     whose name an entry has (mcs.msi, ccmsetup-sup.cab, a hotfix .msp)
//     is itself the file to check and is not opened.
//
// # Matching
//
// Each entry of the variant is matched to exactly one file of its name
// (compared ignoring case). When several files have the name, the one
// whose path is the entry's path is taken first, then the one whose PE
// machine is the entry's platform (and whose folder agrees), then the one
// in a folder named after the entry's platform, then any: so a swapped
// pair is matched by what the bytes are, and each file is reported for
// the folder it is in. Among equals, the file with the fewest mismatches
// wins. An entry with no file is missing; a file matched to no entry is
// extra, and extra files fail verification unless Options.AllowExtra is
// set (they are still listed).
//
// # Patches
//
// Patch checks an administrative image against a patch rather than a
// manifest: each file the patch carries must be what the patch makes of
// it (its File row, MsiFileHash, the bytes in its cabinet, a PA19 delta's
// new size and CRC32), and one still as it was before the patch is
// StatusNotApplied. Its Report has the same shape, KindImage.
//
// # Reports
//
// Verify returns a Report per source; WriteText, WriteJSON and WriteJUnit
// render a list of them. The README's "msikit verify reports" section
// describes the text, JSON and JUnit shapes.
package verify
