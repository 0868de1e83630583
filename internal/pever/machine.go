package pever

import (
	"fmt"
	"strings"
)

// Machine is the target CPU of an image, the Machine field of its COFF
// file header (IMAGE_FILE_MACHINE_*).
type Machine uint16

// Machine types a hotfix package carries, plus the ARM ones that newer
// packages do.
const (
	MachineUnknown Machine = 0x0
	MachineI386    Machine = 0x14c  // x86, PE32
	MachineIA64    Machine = 0x200  // Itanium, PE32+
	MachineAMD64   Machine = 0x8664 // x64, PE32+
	MachineARM     Machine = 0x1c0  // ARM (not Thumb-2), PE32
	MachineARMNT   Machine = 0x1c4  // ARM Thumb-2 (Windows RT), PE32
	MachineARM64   Machine = 0xaa64 // ARM64, PE32+
)

// Platform returns the platform name as Microsoft KB file lists write it
// ("x86", "x64", "IA-64", "ARM", "ARM64"), or "" for other machines.
func (m Machine) Platform() string {
	switch m {
	case MachineI386:
		return "x86"
	case MachineAMD64:
		return "x64"
	case MachineIA64:
		return "IA-64"
	case MachineARM, MachineARMNT:
		return "ARM"
	case MachineARM64:
		return "ARM64"
	}
	return ""
}

// String returns the platform name, or the hexadecimal machine value for
// machines without one.
func (m Machine) String() string {
	if p := m.Platform(); p != "" {
		return p
	}
	return fmt.Sprintf("0x%x", uint16(m))
}

// PE32Plus reports whether images for m use the PE32+ (64-bit) optional
// header.
func (m Machine) PE32Plus() bool {
	return m == MachineAMD64 || m == MachineIA64 || m == MachineARM64
}

// ParsePlatform maps a platform name, as KB tables, Windows Installer
// templates and build systems write it, to a machine. Case is ignored;
// "x86", "i386" and "Intel" give MachineI386, "x64", "amd64" and
// "x86_64" give MachineAMD64, "IA-64", "ia64", "Itanium" and "Intel64"
// give MachineIA64, "ARM" gives MachineARMNT and "ARM64" MachineARM64.
func ParsePlatform(s string) (Machine, bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "x86", "i386", "intel", "win32":
		return MachineI386, true
	case "x64", "amd64", "x86_64", "x86-64":
		return MachineAMD64, true
	// Windows Installer's Template property calls Itanium "Intel64".
	case "ia-64", "ia64", "itanium", "intel64":
		return MachineIA64, true
	case "arm", "armnt":
		return MachineARMNT, true
	case "arm64", "aarch64":
		return MachineARM64, true
	}
	return MachineUnknown, false
}
