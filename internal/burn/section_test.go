package burn

import (
	"bytes"
	"debug/pe"
	"encoding/hex"
	"errors"
	"github.com/msikit/msikit/internal/testutil"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// corpusFile returns the path of a file of the shared corpus, skipping the
// test when the corpus is absent.
func corpusFile(t *testing.T, rel string) string {
	t.Helper()
	p := filepath.Join("..", "..", "..", "shared", "corpus", rel)
	if _, err := os.Stat(p); err != nil {
		testutil.Skip(t, "shared corpus not found: %v", err)
	}
	return p
}

// TestReadSectionV3Bundle reads the section of a real WiX 3 bundle, whose
// values were read by hand from its .wixburn section (file offset
// 0x69600) and agree with the cabinets found in it: the bootstrapper
// application's at 463360, 108611 bytes, and the attached one right after.
func TestReadSectionV3Bundle(t *testing.T) {
	b, err := os.ReadFile(corpusFile(t, "wix4/v3bundle.exe"))
	if err != nil {
		t.Fatal(err)
	}
	s, err := ReadSection(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	if s.Version != 2 || s.StubSize != 463360 || s.Format != FormatCabinet {
		t.Errorf("version %d, stub %d, format %d; want 2, 463360, 1", s.Version, s.StubSize, s.Format)
	}
	if got := hex.EncodeToString(s.BundleID[:]); got != "db705a2135abc748be51d66eaac87177" {
		t.Errorf("bundle ID %s", got)
	}
	if !reflect.DeepEqual(s.ContainerSizes, []uint32{108611, 76426}) {
		t.Errorf("container sizes %v", s.ContainerSizes)
	}
	want := []Container{{0, 463360, 108611}, {1, 571971, 76426}}
	if got := s.Containers(); !reflect.DeepEqual(got, want) {
		t.Errorf("containers %v, want %v", got, want)
	}
	// The containers end where the file does, and each starts with a
	// cabinet.
	for _, c := range want {
		if string(b[c.Offset:c.Offset+4]) != "MSCF" {
			t.Errorf("container %d: no cabinet at %d", c.Index, c.Offset)
		}
	}
	if end := want[1].Offset + want[1].Size; end != int64(len(b)) {
		t.Errorf("containers end at %d, file at %d", end, len(b))
	}
	// Cut off, the file still yields its section: it is in the engine.
	s2, err := ReadSection(bytes.NewReader(b[:571971]), 571971)
	if err != nil || !reflect.DeepEqual(s2, s) {
		t.Errorf("cut at the attached container: %v, %+v", err, s2)
	}
}

func TestBuildStubRoundTrip(t *testing.T) {
	in := Section{
		BundleID:       [16]byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16},
		ContainerSizes: []uint32{1000, 2000, 3000},
	}
	b := BuildStub(in)
	s, err := ReadSection(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	want := in
	want.Version, want.Format, want.StubSize = 2, FormatCabinet, uint32(len(b))
	if !reflect.DeepEqual(*s, want) {
		t.Errorf("read %+v\nwant %+v", *s, want)
	}
	stub := int64(len(b))
	wantC := []Container{{0, stub, 1000}, {1, stub + 1000, 2000}, {2, stub + 3000, 3000}}
	if got := s.Containers(); !reflect.DeepEqual(got, wantC) {
		t.Errorf("containers %v, want %v", got, wantC)
	}
	// debug/pe sees the same image: one .wixburn section where ours is.
	f, err := pe.NewFile(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("debug/pe: %v", err)
	}
	sec := f.Section(".wixburn")
	if sec == nil || sec.Offset != fileAlign || sec.Size != fileAlign {
		t.Fatalf("debug/pe: section %+v", sec)
	}
	data, _ := sec.Data()
	if le.Uint32(data) != Magic || le.Uint32(data[44:]) != 3 {
		t.Errorf("debug/pe: section data % x", data[:48])
	}
	// Many containers take a larger section.
	many := make([]uint32, 300)
	for i := range many {
		many[i] = uint32(i + 1)
	}
	b = BuildStub(Section{ContainerSizes: many})
	s, err = ReadSection(bytes.NewReader(b), int64(len(b)))
	if err != nil || !reflect.DeepEqual(s.ContainerSizes, many) {
		t.Errorf("300 containers: %v, %d sizes", err, len(s.ContainerSizes))
	}
}

// TestEngineSize checks where the attached containers start, by the
// rules Burn follows: after the engine's original signature when the
// section records one, else after the file's own signature, else after
// container 0.
func TestEngineSize(t *testing.T) {
	sizes := []uint32{100, 200, 300}
	stub := uint32(len(BuildStub(Section{ContainerSizes: sizes})))
	for _, c := range []struct {
		name string
		s    Section
		want uint32 // where container 1 starts
	}{
		{"unsigned", Section{}, stub + 100},
		// The engine, signed alone, had its signature after container 0.
		{"signed engine", Section{OriginalSignatureOffset: stub + 100, OriginalSignatureSize: 64,
			SignatureOffset: stub + 700, SignatureSize: 32}, stub + 164},
		{"file signature", Section{SignatureOffset: stub + 100, SignatureSize: 32}, stub + 132},
	} {
		t.Run(c.name, func(t *testing.T) {
			c.s.ContainerSizes = sizes
			b := BuildStub(c.s)
			r, err := ReadSection(bytes.NewReader(b), int64(len(b)))
			if err != nil {
				t.Fatal(err)
			}
			if r.SignatureOffset != c.s.SignatureOffset || r.OriginalSignatureSize != c.s.OriginalSignatureSize {
				t.Errorf("signature fields %+v", r)
			}
			if got := r.EngineSize(); got != int64(c.want) {
				t.Errorf("engine size %d, want %d", got, c.want)
			}
			cs := r.Containers()
			w := int64(c.want)
			if cs[0].Offset != int64(stub) || cs[1].Offset != w || cs[2].Offset != w+200 || cs[2].Size != 300 {
				t.Errorf("containers %v (stub %d)", cs, stub)
			}
		})
	}
}

func TestReadSectionErrors(t *testing.T) {
	good := BuildStub(Section{ContainerSizes: []uint32{10, 20}})
	patch := func(off int, v uint32) []byte {
		b := bytes.Clone(good)
		le.PutUint32(b[off:], v)
		return b
	}
	noSection := bytes.Clone(good)
	copy(noSection[0x40+4+coffSize+optSizePE32:], ".rdata\x00\x00")
	for _, c := range []struct {
		name string
		b    []byte
		want error
		msg  string
	}{
		{"empty", nil, ErrNotBundle, "too short"},
		{"not MZ", append([]byte("ZM"), good[2:]...), ErrNotBundle, "no MZ"},
		{"PE offset past end", patch(lfanewField, 1<<30), ErrNotBundle, "beyond the end"},
		{"no PE signature", patch(0x40, 0), ErrNotBundle, "no PE signature"},
		{"no .wixburn", noSection, ErrNotBundle, "no .wixburn section"},
		{"section table cut", good[:0x40+4+coffSize+optSizePE32+20], ErrNotBundle, "section table"},
		{"bad magic", patch(fileAlign, 0x12345678), ErrFormat, "magic"},
		{"version 1", patch(fileAlign+4, 1), ErrFormat, "unsupported version 1"},
		{"too many containers", patch(fileAlign+44, 117), ErrFormat, "117 containers do not fit"},
		{"section cut", good[:fileAlign+100], ErrFormat, "runs past the end"},
		{"section too short", patch(0x40+4+coffSize+optSizePE32+16, 48), ErrFormat, "too short"},
	} {
		t.Run(c.name, func(t *testing.T) {
			s, err := ReadSection(bytes.NewReader(c.b), int64(len(c.b)))
			if !errors.Is(err, c.want) || !strings.Contains(err.Error(), c.msg) {
				t.Errorf("got %+v, %v; want %v mentioning %q", s, err, c.want, c.msg)
			}
		})
	}
}
