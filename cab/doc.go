// Package cab reads Microsoft cabinet (CAB) files, as specified in
// [MS-CAB]: single cabinets, cabinets embedded in other files (search
// mode) and spanned sets whose folders and files continue from one cabinet
// to the next.
//
// The API is modelled on archive/zip: NewReader takes an io.ReaderAt and a
// size, Open takes a path, and every member is a *File whose Open method
// returns its bytes. A Reader is also an fs.FS whose directories come from
// the backslash-separated stored names.
//
// Cabinet folders are solid: a file's bytes can only be produced by
// decoding its folder from the start. Reader.Extract therefore decodes each
// folder once, in order, and hands every file's bytes to a callback as they
// are produced; File.Open reuses a decoder left at the right place by a
// previous File.Open on the same folder, so reading files in order is also
// a single pass.
//
// Every CFDATA checksum is verified unless SkipChecksums is given. Every
// count and size read from the file is bounded by what the format allows
// and by the file's size, so hostile input yields an error wrapping one of
// the sentinel errors (ErrFormat, ErrChecksum, ...) rather than a panic or
// a large allocation.
package cab
