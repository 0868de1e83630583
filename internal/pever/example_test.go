package pever_test

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/msikit/msikit/internal/pever"
)

// Build a replica of the IA-64 ccmgencert.dll of KB977203 SP2 and read
// back what a release engineer checks.
func ExampleBuild() {
	b, err := pever.Build(pever.Options{
		Machine:          pever.MachineIA64,
		DLL:              true,
		FileVersion:      pever.Version{Major: 4, Build: 6487, Revision: 2111},
		CompanyName:      "Microsoft Corporation",
		OriginalFilename: "ccmgencert.dll",
		Size:             649576,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	f, err := pever.NewFile(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		fmt.Println(err)
		return
	}
	vi, err := f.VersionInfo()
	if err != nil {
		fmt.Println(err)
		return
	}
	name, _ := vi.Lookup("OriginalFilename")
	fmt.Println(len(b), f.Machine.Platform(), f.PE32Plus, f.IsDLL(), vi.Fixed.FileVersion, name)
	// Output: 649576 IA-64 true true 4.0.6487.2111 ccmgencert.dll
}

func ExampleOpen() {
	dir, err := os.MkdirTemp("", "pever")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "CCMCertFix.exe")
	b, _ := pever.Build(pever.Options{Machine: pever.MachineI386, FileVersion: pever.Version{Major: 4, Build: 6221, Revision: 1193}, Size: 17768})
	if err := os.WriteFile(path, b, 0o644); err != nil {
		fmt.Println(err)
		return
	}

	f, err := pever.Open(path)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer f.Close()
	v, err := f.FileVersion()
	if errors.Is(err, pever.ErrNoVersion) {
		fmt.Println("unversioned")
		return
	} else if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%s %s %#x %d bytes\n", v, f.Machine, uint16(f.Machine), f.Size)
	// Output: 4.0.6221.1193 x86 0x14c 17768 bytes
}

func ExampleFile_Resources() {
	b, _ := pever.Build(pever.Options{Machine: pever.MachineAMD64, DLL: true, Language: 0x407})
	f, _ := pever.NewFile(bytes.NewReader(b), int64(len(b)))
	res, err := f.Resources()
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, r := range res {
		fmt.Printf("type %v name %v language %#x, %d bytes\n", r.Type, r.Name, r.Language, r.Size)
	}
	// Output: type #16 name #1 language 0x407, 320 bytes
}

func ExampleParseVersion() {
	sp1, _ := pever.ParseVersion("4.0.6221.1193")
	sp2, _ := pever.ParseVersion("4.00.6487.2111")
	fmt.Println(sp1.Compare(sp2), sp2, sp2.Uint64() > sp1.Uint64())
	_, err := pever.ParseVersion("4.0.70000")
	fmt.Println(errors.Is(err, pever.ErrVersionSyntax))
	// Output:
	// -1 4.0.6487.2111 true
	// true
}

func ExampleParsePlatform() {
	for _, s := range []string{"x86", "x64", "IA-64", "Intel64"} {
		m, _ := pever.ParsePlatform(s)
		fmt.Printf("%s=%#x ", s, uint16(m))
	}
	fmt.Println()
	// Output: x86=0x14c x64=0x8664 IA-64=0x200 Intel64=0x200
}
