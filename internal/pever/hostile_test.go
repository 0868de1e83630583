package pever

import (
	"bytes"
	"encoding/binary"
	"errors"
	"strings"
	"testing"
)

// Offsets in the smallest x86 EXE Build makes: headers, .text at 0x200,
// .rsrc at 0x400 (RVA 0x2000). In .rsrc: the type directory at 0 with
// its entry at 16, the name directory at 24 (entry at 40), the language
// directory at 48 (entry at 64), the data entry at 72, the data at 88.
const (
	tinyRsrc    = 0x400
	tinyRsrcRVA = 0x2000
	peOff       = 0x40
	sect0       = peOff + 4 + coffHeaderSize + 96 + 8*numDataDirs
)

func tinyImage(t testing.TB) []byte {
	t.Helper()
	b, err := Build(Options{Machine: MachineI386, FileVersion: Version{1, 2, 3, 4}, CompanyName: "C"})
	if err != nil {
		t.Fatal(err)
	}
	if binary.LittleEndian.Uint32(b[sect0+40+20:]) != tinyRsrc {
		t.Fatalf("layout changed: .rsrc is not at %#x", tinyRsrc)
	}
	return b
}

func put32(b []byte, off int, v uint32) { binary.LittleEndian.PutUint32(b[off:], v) }
func put16(b []byte, off int, v uint16) { binary.LittleEndian.PutUint16(b[off:], v) }

// withResources returns an x86 image whose .rsrc section holds exactly
// rsrc, so tests can lay out any resource directory.
func withResources(t testing.TB, rsrc []byte) []byte {
	t.Helper()
	size := int64(tinyRsrc + len(rsrc) + padMin + fileAlign)
	b, err := Build(Options{Machine: MachineI386, Size: size})
	if err != nil {
		t.Fatal(err)
	}
	put32(b, peOff+4+8, 0) // drop the padding symbol table
	put32(b, peOff+4+12, 0)
	h := sect0 + 40
	put32(b, h+8, uint32(len(rsrc)))  // VirtualSize
	put32(b, h+16, uint32(len(rsrc))) // SizeOfRawData
	copy(b[tinyRsrc:], rsrc)
	opt := peOff + 4 + coffHeaderSize
	put32(b, opt+96+8*resourceDirSlot+4, uint32(len(rsrc)))
	return b
}

// readAll runs every reader on b and returns the first error.
func readAll(b []byte) (*VersionInfo, error) {
	f, err := NewFile(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		return nil, err
	}
	if _, err := f.Resources(); err != nil {
		return nil, err
	}
	if _, err := f.ComputeChecksum(); err != nil {
		return nil, err
	}
	return f.VersionInfo()
}

func TestHostileHeaders(t *testing.T) {
	for _, c := range []struct {
		name string
		edit func(b []byte) []byte
		msg  string
	}{
		{"empty", func(b []byte) []byte { return nil }, "too short"},
		{"no MZ", func(b []byte) []byte { b[0] = 'Z'; return b }, "no MZ"},
		{"e_lfanew beyond the file", func(b []byte) []byte { put32(b, lfanewOffset, 0xFFFFFFF0); return b }, "beyond the end"},
		{"e_lfanew at the end", func(b []byte) []byte { put32(b, lfanewOffset, uint32(len(b)-8)); return b }, "beyond the end"},
		{"no PE signature", func(b []byte) []byte { b[peOff+1] = 'X'; return b }, "no PE signature"},
		{"COFF object, no optional header", func(b []byte) []byte { put16(b, peOff+4+16, 0); return b }, "not an image"},
		{"ROM optional header", func(b []byte) []byte { put16(b, peOff+24, 0x107); return b }, "not an image"},
		{"65535 sections", func(b []byte) []byte { put16(b, peOff+4+2, 0xFFFF); return b }, "section headers end"},
		{"optional header size disagrees with directory count", func(b []byte) []byte { put32(b, peOff+24+92, 17); return b }, "invalid or damaged"},
		{"symbol table beyond the file", func(b []byte) []byte { put32(b, peOff+4+8, 0x7FFFFFFF); put32(b, peOff+4+12, 1); return b }, "invalid or damaged"},
		{"huge symbol count", func(b []byte) []byte { put32(b, peOff+4+8, 0x200); put32(b, peOff+4+12, 0x7FFFFFFF); return b }, "invalid or damaged"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := readAll(c.edit(tinyImage(t)))
			if !errors.Is(err, ErrFormat) || !strings.Contains(err.Error(), c.msg) {
				t.Errorf("error %v; want ErrFormat saying %q", err, c.msg)
			}
		})
	}
}

func TestHostileResourceDirectory(t *testing.T) {
	r := tinyRsrc
	for _, c := range []struct {
		name string
		edit func(b []byte)
		msg  string
	}{
		{"type entry points at its own directory", func(b []byte) { put32(b, r+20, 0x80000000) }, "contains itself"},
		{"language entry loops to the type directory", func(b []byte) { put32(b, r+68, 0x80000000) }, "contains itself"},
		{"language entry loops to the name directory", func(b []byte) { put32(b, r+68, 0x80000018) }, "contains itself"},
		{"fourth level", func(b []byte) { put32(b, r+68, 0x80000058) }, "deeper than"},
		{"data entry at the name level", func(b []byte) { put32(b, r+44, 0x48) }, "above the language level"},
		{"misaligned directory", func(b []byte) { put32(b, r+20, 0x8000001A) }, "not 32-bit aligned"},
		{"misaligned data entry", func(b []byte) { put32(b, r+68, 0x4A) }, "not 32-bit aligned"},
		{"directory beyond the section", func(b []byte) { put32(b, r+20, 0x80100000) }, "runs past the resource section"},
		{"65535 entries", func(b []byte) { put16(b, r+14, 0xFFFF) }, "runs past the resource section"},
		{"named type beyond the section", func(b []byte) { put32(b, r+16, 0x80100000) }, "past the section"},
		{"named type of 65535 characters", func(b []byte) { put32(b, r+16, 0x80000058); put16(b, r+0x58, 0xFFFF) }, "runs past the section"},
		{"named language", func(b []byte) { put32(b, r+64, 0x80000058); put16(b, r+0x58, 1); put16(b, r+0x5A, 'X') }, "not a LANGID"},
		{"data RVA in no section", func(b []byte) { put32(b, r+72, 0x7FFF0000) }, "in no section"},
		{"data RVA in the headers", func(b []byte) { put32(b, r+72, 0x10) }, "in no section"},
		{"data size beyond the section", func(b []byte) { put32(b, r+76, 0x7FFFFFF0) }, "past the section's file data"},
		{"data RVA in .text", func(b []byte) { put32(b, r+72, 0x1000) }, "block at 0x0"},
		{"resource directory RVA in no section", func(b []byte) { put32(b, peOff+24+96+16, 0x00700000) }, "in no section"},
		{"resource directory in uninitialised data", func(b []byte) {
			put32(b, sect0+40+8, 0x1000) /* VirtualSize */
			put32(b, peOff+24+96+16, tinyRsrcRVA+0x300)
		}, "uninitialised"},
		{"section beyond the file", func(b []byte) { put32(b, sect0+40+20, 0x00100000) }, "beyond the end"},
	} {
		t.Run(c.name, func(t *testing.T) {
			b := tinyImage(t)
			c.edit(b)
			_, err := readAll(b)
			if !errors.Is(err, ErrFormat) || errors.Is(err, ErrNoVersion) || !strings.Contains(err.Error(), c.msg) {
				t.Errorf("error %v; want ErrFormat saying %q", err, c.msg)
			}
		})
	}
}

// Subdirectories shared by every entry make a tree of 1024³ leaves in
// 25 KB; the entry budget stops the walk.
func TestHostileSharedSubdirectories(t *testing.T) {
	const n = 1024
	dirSize := dirHeaderSize + n*dirEntrySize
	rsrc := make([]byte, 3*dirSize+dataEntrySize)
	for level := 0; level < 3; level++ {
		at := level * dirSize
		put16(rsrc, at+14, n)
		for i := 0; i < n; i++ {
			e := at + dirHeaderSize + i*dirEntrySize
			put32(rsrc, e, uint32(i+1))
			if level < 2 {
				put32(rsrc, e+4, 0x80000000|uint32(at+dirSize))
			} else {
				put32(rsrc, e+4, uint32(3*dirSize))
			}
		}
	}
	f, err := NewFile(bytes.NewReader(withResources(t, rsrc)), int64(len(withResources(t, rsrc))))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Resources(); !errors.Is(err, ErrFormat) || !strings.Contains(err.Error(), "more than 131072") {
		t.Errorf("error %v; want the entry budget", err)
	}
	// Sharing itself is allowed: two types over one name directory.
	small := make([]byte, 256)
	put16(small, 14, 2)
	put32(small, 16, 16)
	put32(small, 20, 0x80000020)
	put32(small, 24, 24)
	put32(small, 28, 0x80000020)
	put16(small, 0x20+14, 1) // name directory at 0x20
	put32(small, 0x30, 7)
	put32(small, 0x34, 0x80000040)
	put16(small, 0x40+14, 1) // language directory at 0x40
	put32(small, 0x50, 0x409)
	put32(small, 0x54, 0x60)
	put32(small, 0x60, tinyRsrcRVA+0x80) // data entry at 0x60
	put32(small, 0x64, 4)
	f, err = NewFile(bytes.NewReader(withResources(t, small)), int64(len(withResources(t, small))))
	if err != nil {
		t.Fatal(err)
	}
	res, err := f.Resources()
	if err != nil || len(res) != 2 || res[0].Type.ID != 16 || res[1].Type.ID != 24 || res[1].Name.ID != 7 || res[1].RVA != tinyRsrcRVA+0x80 {
		t.Errorf("resources %+v, %v", res, err)
	}
	if _, err := f.VersionInfo(); !errors.Is(err, ErrFormat) {
		t.Errorf("a 4-byte version resource: %v", err)
	}
}

func TestHostileVersionInfo(t *testing.T) {
	good, err := buildVersionInfo(&Options{FileVersion: Version{1, 2, 3, 4}, CompanyName: "C"})
	if err != nil {
		t.Fatal(err)
	}
	b, err := good.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	// Offsets in b: root header, key "VS_VERSION_INFO" (32 bytes) and
	// padding, fixed info at 40, StringFileInfo at 92.
	const sfi = 40 + fixedFileInfoSize
	for _, c := range []struct {
		name string
		edit func(b []byte) []byte
		msg  string
	}{
		{"empty", func(b []byte) []byte { return nil }, "block header"},
		{"root length 0", func(b []byte) []byte { put16(b, 0, 0); return b }, "less than its header"},
		{"root length beyond the data", func(b []byte) []byte { put16(b, 0, 0xFFFF); return b }, "runs past"},
		{"wrong root key", func(b []byte) []byte { b[6+2*14] = 'X'; return b }, "not VS_VERSION_INFO"},
		{"key without NUL", func(b []byte) []byte {
			for i := 6; i < len(b); i += 2 {
				b[i] = 'A'
			}
			return b
		}, "not NUL-terminated"},
		{"bad signature", func(b []byte) []byte { b[40] ^= 1; return b }, "signature"},
		{"short fixed info", func(b []byte) []byte { put16(b, 2, 20); return b }, "does not fit"},
		{"fixed info past the block", func(b []byte) []byte { put16(b, 0, 60); return b[:60] }, "does not fit"},
		{"child length 2", func(b []byte) []byte { put16(b, sfi, 2); return b }, "less than its header"},
		{"child past its parent", func(b []byte) []byte { put16(b, sfi, 0xFFF0); return b }, "runs past"},
		{"truncated", func(b []byte) []byte { return b[:len(b)/2] }, "runs past"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := ParseVersionInfo(c.edit(bytes.Clone(b)))
			if !errors.Is(err, ErrFormat) || !strings.Contains(err.Error(), c.msg) {
				t.Errorf("error %v; want ErrFormat saying %q", err, c.msg)
			}
		})
	}
	// Trailing zeros after the last child are padding, not a block.
	padded := append(bytes.Clone(b), make([]byte, 12)...)
	put16(padded, 0, uint16(len(padded)))
	if vi, err := ParseVersionInfo(padded); err != nil || vi.Fixed.FileVersion != (Version{1, 2, 3, 4}) {
		t.Errorf("zero padding: %+v, %v", vi, err)
	}
}

// Every prefix of an image and every single-byte change in its headers
// and resources gives a result or an error wrapping ErrFormat: never a
// panic, and never ErrNoVersion for a damaged version resource.
func TestHostileSweep(t *testing.T) {
	b := tinyImage(t)
	for n := 0; n < len(b); n++ {
		if _, err := readAll(b[:n]); !errors.Is(err, ErrFormat) {
			t.Fatalf("prefix of %d bytes: %v", n, err)
		}
	}
	for i := 0; i < len(b); i++ {
		if i >= 0x200 && i < tinyRsrc { // .text: code, not read
			continue
		}
		for _, x := range []byte{0x01, 0x80, 0xFF} {
			m := bytes.Clone(b)
			m[i] ^= x
			vi, err := readAll(m)
			if err != nil && !errors.Is(err, ErrFormat) && !errors.Is(err, ErrNoVersion) {
				t.Fatalf("byte %#x ^ %#x: error %v wraps no sentinel", i, x, err)
			}
			if err == nil && vi == nil {
				t.Fatalf("byte %#x ^ %#x: no error and no version info", i, x)
			}
		}
	}
}
