package pever

import (
	"bytes"
	"debug/pe"
	"errors"
	"fmt"
	"reflect"
	"testing"
)

// kbCase is a PE file of the KB977203 file list: its platform, version
// and exact size.
type kbCase struct {
	name    string
	machine Machine
	dll     bool
	version Version
	size    int64
}

// kbCases are rows of the KB977203 SP2 table (sizes as published), plus
// the smallest image of each machine.
var kbCases = []kbCase{
	{"CCMCertFix.exe", MachineI386, false, Version{4, 0, 6487, 2111}, 17768},
	{"ccmgencert.dll", MachineI386, true, Version{4, 0, 6487, 2111}, 130408},
	{"ccmgencert.dll", MachineAMD64, true, Version{4, 0, 6487, 2111}, 285032},
	{"ccmgencert.dll", MachineIA64, true, Version{4, 0, 6487, 2111}, 649576},
	{"mcsisapip.dll", MachineAMD64, true, Version{4, 0, 6221, 1193}, 480616},
	{"ccmcertfix.exe", MachineAMD64, false, Version{4, 0, 6221, 1193}, 17768},
	{"ccmcertfix.exe", MachineIA64, false, Version{4, 0, 6221, 1193}, 17768},
	{"tiny.dll", MachineI386, true, Version{1, 2, 3, 4}, 0},
	{"tiny.dll", MachineAMD64, true, Version{1, 2, 3, 4}, 0},
	{"tiny.dll", MachineIA64, true, Version{1, 2, 3, 4}, 0},
}

func (c kbCase) options() Options {
	return Options{
		Machine:          c.machine,
		DLL:              c.dll,
		FileVersion:      c.version,
		CompanyName:      "Microsoft Corporation",
		FileDescription:  "SMS " + c.name,
		OriginalFilename: c.name,
		ProductName:      "Systems Management Server",
		Size:             c.size,
	}
}

func (c kbCase) String() string { return fmt.Sprintf("%s-%v-%d", c.name, c.machine, c.size) }

func buildCase(t testing.TB, c kbCase) []byte {
	t.Helper()
	b, err := Build(c.options())
	if err != nil {
		t.Fatalf("%v: %v", c, err)
	}
	return b
}

func TestBuildReadBack(t *testing.T) {
	for _, c := range kbCases {
		t.Run(c.String(), func(t *testing.T) {
			b := buildCase(t, c)
			if c.size != 0 && int64(len(b)) != c.size {
				t.Fatalf("size %d, want %d", len(b), c.size)
			}
			f, err := NewFile(bytes.NewReader(b), int64(len(b)))
			if err != nil {
				t.Fatal(err)
			}
			if f.Machine != c.machine || f.PE32Plus != c.machine.PE32Plus() || f.IsDLL() != c.dll || f.Size != int64(len(b)) {
				t.Errorf("machine %v PE32+ %v DLL %v size %d", f.Machine, f.PE32Plus, f.IsDLL(), f.Size)
			}
			wantSub := uint16(3)
			if c.dll {
				wantSub = 2
			}
			if f.Subsystem != wantSub {
				t.Errorf("subsystem %d, want %d", f.Subsystem, wantSub)
			}
			sum, err := f.ComputeChecksum()
			if err != nil || sum != f.CheckSum || sum == 0 {
				t.Errorf("checksum stored %#x, computed %#x, %v", f.CheckSum, sum, err)
			}
			v, err := f.FileVersion()
			if err != nil || v != c.version {
				t.Errorf("FileVersion = %v, %v; want %v", v, err, c.version)
			}
			vi, err := f.VersionInfo()
			if err != nil {
				t.Fatal(err)
			}
			wantType := uint32(FileTypeApp)
			if c.dll {
				wantType = FileTypeDLL
			}
			want := &VersionInfo{
				Fixed: &FixedFileInfo{
					StrucVersion: 0x10000, FileVersion: c.version, ProductVersion: c.version,
					FlagsMask: 0x3F, OS: OSNTWindows32, Type: wantType,
				},
				StringTables: []StringTable{{
					Key:         "040904b0",
					Translation: Translation{0x409, 1200},
					Strings: []KeyValue{
						{"CompanyName", "Microsoft Corporation"},
						{"FileDescription", "SMS " + c.name},
						{"FileVersion", c.version.String()},
						{"OriginalFilename", c.name},
						{"ProductName", "Systems Management Server"},
						{"ProductVersion", c.version.String()},
					},
				}},
				Translations: []Translation{{0x409, 1200}},
				Language:     0x409,
			}
			if !reflect.DeepEqual(vi, want) {
				t.Errorf("version info\n got %+v\nwant %+v", vi, want)
			}
			if s, ok := vi.Lookup("OriginalFilename"); !ok || s != c.name {
				t.Errorf("Lookup(OriginalFilename) = %q, %v", s, ok)
			}
			res, err := f.Resources()
			if err != nil || len(res) != 1 || res[0].Type.ID != RTVersion || res[0].Name.ID != 1 || res[0].Language != 0x409 {
				t.Errorf("resources %+v, %v", res, err)
			}
			// debug/pe on its own, after the machine field, agrees on the
			// layout: the .rsrc section holds the resource directory.
			pf := f.PE()
			if pf.FileHeader.Machine != uint16(c.machine) || pf.Section(".rsrc") == nil {
				t.Errorf("debug/pe view: machine %#x, sections %d", pf.FileHeader.Machine, len(pf.Sections))
			}
			again := buildCase(t, c)
			if !bytes.Equal(b, again) {
				t.Error("two builds with the same options differ")
			}
		})
	}
}

func TestBuildOptions(t *testing.T) {
	b, err := Build(Options{
		Machine: MachineAMD64, FileVersion: Version{4, 0, 6487, 2111}, ProductVersion: Version{4, 0, 0, 0},
		FileVersionString: "4.00.6487.2111 (SMS_SP2.090929-1024)", ProductVersionString: "4.00.6487.2111",
		CompanyName: "Ünïcode Corp ☃", LegalCopyright: "© Microsoft", InternalName: "ccmsetup",
		Language: 0x407, CodePage: 1252, TimeDateStamp: 1264400820, Subsystem: 2,
	})
	if err != nil {
		t.Fatal(err)
	}
	f, err := NewFile(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	vi, err := f.VersionInfo()
	if err != nil {
		t.Fatal(err)
	}
	if f.TimeDateStamp != 1264400820 || f.Subsystem != 2 || f.IsDLL() || vi.Language != 0x407 {
		t.Errorf("timestamp %d subsystem %d DLL %v language %#x", f.TimeDateStamp, f.Subsystem, f.IsDLL(), vi.Language)
	}
	if vi.Fixed.ProductVersion != (Version{4, 0, 0, 0}) || vi.StringTables[0].Key != "040704e4" || vi.Translations[0] != (Translation{0x407, 1252}) {
		t.Errorf("fixed %+v tables %+v translations %+v", vi.Fixed, vi.StringTables, vi.Translations)
	}
	for k, want := range map[string]string{
		"FileVersion": "4.00.6487.2111 (SMS_SP2.090929-1024)", "ProductVersion": "4.00.6487.2111",
		"CompanyName": "Ünïcode Corp ☃", "LegalCopyright": "© Microsoft", "InternalName": "ccmsetup",
	} {
		if got, ok := vi.Lookup(k); !ok || got != want {
			t.Errorf("%s = %q, %v; want %q", k, got, ok, want)
		}
	}
	if _, ok := vi.Lookup("FileDescription"); ok {
		t.Error("an empty FileDescription was written")
	}
}

func TestBuildErrors(t *testing.T) {
	smallest, err := Build(Options{Machine: MachineI386})
	if err != nil {
		t.Fatal(err)
	}
	n := int64(len(smallest))
	if n != 3*fileAlign {
		t.Errorf("smallest x86 EXE is %d bytes, want 1536 (headers, .text, .rsrc)", n)
	}
	for _, o := range []Options{
		{Machine: 0x166},
		{Machine: MachineUnknown},
		{Machine: MachineI386, Size: n - 1},
		{Machine: MachineI386, Size: n + padMin - 1},
		{Machine: MachineI386, Size: 1},
		{Machine: MachineI386, Size: -1},
		{Machine: MachineI386, Size: 1 << 40},
		{Machine: MachineI386, CompanyName: "a\x00b"},
		{Machine: MachineI386, FileDescription: string(make([]rune, 40000))},
	} {
		if _, err := Build(o); !errors.Is(err, ErrBuild) {
			t.Errorf("Build(machine %v, size %d) = %v; want ErrBuild", o.Machine, o.Size, err)
		}
	}
	for _, size := range []int64{n, n + padMin, n + 512, n + padMin + 1} {
		b, err := Build(Options{Machine: MachineI386, Size: size})
		if err != nil || int64(len(b)) != size {
			t.Errorf("Build(size %d) = %d bytes, %v", size, len(b), err)
			continue
		}
		// The padding symbol table is visible to debug/pe as one symbol.
		pf, err := pe.NewFile(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		wantSyms := 1
		if size == n {
			wantSyms = 0
		}
		if len(pf.COFFSymbols) != wantSyms {
			t.Errorf("size %d: %d COFF symbols, want %d", size, len(pf.COFFSymbols), wantSyms)
		}
	}
}

func TestVersionInfoRoundTrip(t *testing.T) {
	vi := &VersionInfo{
		Fixed: &FixedFileInfo{StrucVersion: 0x10000, FileVersion: Version{1, 2, 3, 4}, ProductVersion: Version{5, 6, 7, 8},
			FlagsMask: 0x3F, Flags: 0x2, OS: OSNTWindows32, Type: FileTypeDLL, Subtype: 7, Date: 0x0102030405060708},
		StringTables: []StringTable{
			{Key: "040904b0", Translation: Translation{0x409, 1200}, Strings: []KeyValue{{"FileVersion", "1.2.3.4"}, {"Empty", ""}, {"", "no key"}}},
			{Key: "040704E4", Translation: Translation{0x407, 1252}, Strings: []KeyValue{{"CompanyName", "Fïrma"}}},
			{Key: "custom", Strings: nil},
		},
		Translations: []Translation{{0x409, 1200}, {0x407, 1252}},
	}
	b, err := vi.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	if len(b)%4 != 0 || int(b[0])|int(b[1])<<8 != len(b) {
		t.Errorf("length field %d for %d bytes", int(b[0])|int(b[1])<<8, len(b))
	}
	back, err := ParseVersionInfo(b)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back, vi) {
		t.Errorf("round trip\n got %+v\nwant %+v", back, vi)
	}
	// The first translation's table answers first, even where the other
	// table also has the key.
	if s, _ := back.Lookup("FileVersion"); s != "1.2.3.4" {
		t.Errorf("Lookup(FileVersion) = %q", s)
	}
	if s, _ := back.Lookup("CompanyName"); s != "Fïrma" {
		t.Errorf("Lookup(CompanyName) = %q", s)
	}
	noFixed := &VersionInfo{Translations: []Translation{{0, 1200}}}
	b, err = noFixed.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	back, err = ParseVersionInfo(b)
	if err != nil || back.Fixed != nil {
		t.Fatalf("%+v, %v", back, err)
	}
	if _, err := back.FileVersion(); !errors.Is(err, ErrNoVersion) {
		t.Errorf("FileVersion without fixed info: %v", err)
	}
}

func TestBuildARM(t *testing.T) {
	for _, m := range []Machine{MachineARMNT, MachineARM64} {
		b, err := Build(Options{Machine: m, DLL: true, FileVersion: Version{10, 0, 19041, 1}, Size: 4096})
		if err != nil {
			t.Fatal(err)
		}
		f, err := NewFile(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			t.Fatal(err)
		}
		v, err := f.FileVersion()
		if f.Machine != m || f.PE32Plus != (m == MachineARM64) || err != nil || v != (Version{10, 0, 19041, 1}) || len(b) != 4096 {
			t.Errorf("%v: machine %v PE32+ %v version %v, %v, %d bytes", m, f.Machine, f.PE32Plus, v, err, len(b))
		}
		// No entry code is written for ARM: the entry point is 0, which
		// the specification allows for DLLs.
		if f.PE().Section(".text") != nil {
			t.Errorf("%v: unexpected .text section", m)
		}
	}
}
