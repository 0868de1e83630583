// Package container opens what users download, whatever wraps it, as one
// tree of files. It recognises a file by its content, not its name:
//
//   - compound files: Windows Installer databases (MSI), merge modules
//     (MSM), patches (MSP) and transforms (MST), read with package msi;
//   - cabinets, at the start of a file or embedded at any offset of a
//     Windows executable (self-extracting cabinets);
//   - ZIP archives, also behind a prefix (self-extracting ZIP files such
//     as Microsoft's hotfix downloads), with entries encrypted the
//     traditional PKWARE way or with WinZip AES;
//   - WiX Burn bundles (a .wixburn section): their payloads under the
//     names the bundle's manifest gives (Payload/@FilePath), from the
//     attached containers and from detached containers beside the bundle;
//   - InstallShield setup launchers: the files of their overlay.
//
// Open (or OpenFile) opens one container and lists its members, like
// archive/zip's Reader; Walk goes down through the members that are
// containers in turn, to a bounded depth, handing each entry of the tree
// (its path, kind and size) and its bytes to a function. A member that
// cannot be read (a detached container that is not there, a ZIP entry
// compressed with a method not supported, a container cut short) is an
// entry with an error naming it, never skipped in silence.
//
// Nested containers are spooled (in memory when small, otherwise to an
// unnamed temporary file) so that they can be read at random, as every
// format here needs; memory does not grow with the input.
package container
