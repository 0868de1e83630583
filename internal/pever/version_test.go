package pever

import (
	"errors"
	"testing"
)

func TestParseVersion(t *testing.T) {
	for _, c := range []struct {
		in   string
		want Version
	}{
		{"4.0.6487.2111", Version{4, 0, 6487, 2111}},
		{"8.00.50727.6195", Version{8, 0, 50727, 6195}},
		{"65535.65535.65535.65535", Version{65535, 65535, 65535, 65535}},
		{"3.1", Version{3, 1, 0, 0}},
		{"7", Version{7, 0, 0, 0}},
	} {
		got, err := ParseVersion(c.in)
		if err != nil || got != c.want {
			t.Errorf("ParseVersion(%q) = %v, %v; want %v", c.in, got, err, c.want)
		}
	}
	for _, in := range []string{"", "1.2.3.4.5", "1..2", "1.65536", "-1.0", "+1", "1.2 ", "a.b", "1.0x10"} {
		if v, err := ParseVersion(in); !errors.Is(err, ErrVersionSyntax) {
			t.Errorf("ParseVersion(%q) = %v, %v; want ErrVersionSyntax", in, v, err)
		}
	}
}

func TestVersionOrder(t *testing.T) {
	// SP1 and SP2 of KB977203, and parts that compare wrongly as strings.
	sp1, sp2 := Version{4, 0, 6221, 1193}, Version{4, 0, 6487, 2111}
	if sp1.Compare(sp2) != -1 || sp2.Compare(sp1) != 1 || sp1.Compare(sp1) != 0 {
		t.Errorf("Compare of %v and %v is wrong", sp1, sp2)
	}
	a, b := Version{1, 10, 0, 0}, Version{1, 9, 65535, 65535}
	if a.Compare(b) != 1 || a.Uint64() <= b.Uint64() {
		t.Errorf("%v should be newer than %v (%#x, %#x)", a, b, a.Uint64(), b.Uint64())
	}
	ms, ls := sp2.Parts()
	if ms != 0x00040000 || ls != 0x1957083F {
		t.Errorf("Parts(%v) = %#x, %#x", sp2, ms, ls)
	}
	if VersionFromParts(ms, ls) != sp2 || sp2.String() != "4.0.6487.2111" {
		t.Errorf("VersionFromParts(%#x, %#x) = %v", ms, ls, VersionFromParts(ms, ls))
	}
}

func TestMachineNames(t *testing.T) {
	for _, c := range []struct {
		m        Machine
		platform string
		plus     bool
	}{
		{MachineI386, "x86", false},
		{MachineAMD64, "x64", true},
		{MachineIA64, "IA-64", true},
		{MachineARMNT, "ARM", false},
		{MachineARM64, "ARM64", true},
		{Machine(0x166), "", false},
	} {
		if c.m.Platform() != c.platform || c.m.PE32Plus() != c.plus {
			t.Errorf("%#x: Platform %q PE32Plus %v; want %q %v", uint16(c.m), c.m.Platform(), c.m.PE32Plus(), c.platform, c.plus)
		}
		if c.platform == "" {
			if c.m.String() != "0x166" {
				t.Errorf("String of %#x = %q", uint16(c.m), c.m.String())
			}
			continue
		}
		if m, ok := ParsePlatform(c.platform); !ok || m.Platform() != c.platform {
			t.Errorf("ParsePlatform(%q) = %v, %v", c.platform, m, ok)
		}
	}
	for in, want := range map[string]Machine{"ia64": MachineIA64, "Intel64": MachineIA64, " X64 ": MachineAMD64, "amd64": MachineAMD64, "Intel": MachineI386, "i386": MachineI386, "aarch64": MachineARM64} {
		if m, ok := ParsePlatform(in); !ok || m != want {
			t.Errorf("ParsePlatform(%q) = %v, %v; want %v", in, m, ok, want)
		}
	}
	if m, ok := ParsePlatform("n/a"); ok {
		t.Errorf("ParsePlatform(n/a) = %v, true", m)
	}
}
