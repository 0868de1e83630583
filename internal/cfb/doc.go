// Package cfb writes compound files ([MS-CFB], "OLE structured storage"),
// the container of Windows Installer databases, patches and transforms.
//
// A Builder holds an in-memory tree: its Root storage, sub-storages
// (AddStorage; a patch holds its transforms so) and streams (AddStream
// for bytes, AddStreamReader and AddStreamFunc for sources read at write
// time). WriteTo writes a version 3 file (512-byte sectors), or version 4
// (4096-byte sectors) after SetVersion(4).
//
// # Names
//
// Names are stored as given: an MSI layer passes them already packed
// (msi/internal/streamname) and with their leading "\x05" where they have one.
// A name must be 1 to 31 UTF-16 code units, valid UTF-8, without '/', '\',
// ':', '!' or NUL; two names in one storage may not compare equal, and the
// comparison ignores case as [MS-CFB] 2.6.4 defines it (ErrDuplicate).
//
// # Layout and memory
//
// WriteTo lays the file out and writes it in one sequential pass:
//
//	header | DIFAT | FAT | MiniFAT | directory | mini stream | large streams
//
// Everything before the large streams depends only on names and sizes, so
// it is computed first, and the large streams (4096 bytes and more) are
// then copied straight from their sources, in directory order. A stream
// added from a reader is therefore never held in memory, whatever its
// size, and no temporary file or second pass is needed: memory grows with
// the number of entries and the total size of the small (mini) streams,
// not with the size of the file. The FAT is generated sector by sector.
//
// # Determinism
//
// The same tree gives the same bytes, whatever the order entries were
// added in: each storage's children are numbered in [MS-CFB] order, and
// each set of siblings becomes a red-black tree of fixed shape (split at
// the median, black except a partial deepest level, which is red). Times are zero unless set with Storage.SetTimes.
//
// Reading compound files is left to github.com/richardlehane/mscfb,
// except the directory's sibling trees, which mscfb walks but does not
// expose: ReadDirectory reads them and Lookup searches one as Windows
// does, to tell which of two entries with one name Windows opens.
package cfb
