// Package pever reads the facts a release engineer checks in a Windows PE
// image (EXE or DLL): the machine type and the platform name a KB file
// list uses for it (x86, x64, IA-64), whether the image is PE32 or PE32+,
// and the version resource (VS_VERSIONINFO): the fixed file and product
// versions, the StringFileInfo strings and the VarFileInfo translations.
// It also builds minimal valid PE images carrying a given version
// resource, padded to an exact size, for test fixtures.
//
// Headers and the section table come from debug/pe. debug/pe has no
// resource parser, so the resource directory and the version resource
// are decoded here from the PE/COFF specification and the documentation
// of VS_VERSIONINFO. Every offset, count and size read from the file is
// checked against the file, the section holding it and what the format
// allows, so damaged or hostile input yields an error wrapping ErrFormat
// (or ErrNoVersion when the image simply has no version resource), never
// a panic and never work beyond a bound set by the format.
package pever
