package peversion_test

import (
	"bytes"
	"fmt"

	"github.com/msikit/msikit/internal/pever"
	"github.com/msikit/msikit/peversion"
)

// Read an image's platform and file version, here of an IA-64 DLL built
// for the example.
func ExampleRead() {
	b, _ := pever.Build(pever.Options{Machine: pever.MachineIA64, DLL: true, FileVersion: pever.Version{Major: 4, Build: 6487, Revision: 2111}, Size: 4096})
	in, err := peversion.Read(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(in.Platform, in.DLL, in.FileVersion)
	// Output: ia64 true 4.0.6487.2111
}
