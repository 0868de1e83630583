package container_test

import (
	"fmt"
	"io"
	"log"
	"os"
	"path/filepath"
	"strings"

	"github.com/msikit/msikit/container"
)

// Walk goes from a download (a self-extracting, password-protected ZIP)
// down through the package inside to the utility.
func ExampleWalk() {
	c, err := container.OpenFile("../fixtures/kb977203/977203-SP2_ENU_i386_zip.exe", &container.Options{
		Password: func(archive string) ([]byte, error) { return []byte("KB977203-replica"), nil },
	})
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	err = container.Walk(c, 0, func(e *container.Entry, r io.Reader) error {
		if e.Err != nil {
			fmt.Println("cannot read", e.Path, e.Err)
		}
		if e.Kind.IsContainer() || strings.HasSuffix(e.Path, "/CCMCertFix.exe") {
			fmt.Println(e.Depth, e.Kind, e.Size, e.Path)
		}
		return nil
	})
	if err != nil {
		log.Fatal(err)
	}
	// Output:
	// 0 zip 94734 977203-SP2_ENU_i386_zip.exe
	// 1 msi 212992 977203-SP2_ENU_i386_zip.exe/SCCM2007-SP2-KB977203-ENU.msi
	// 2 file 17768 977203-SP2_ENU_i386_zip.exe/SCCM2007-SP2-KB977203-ENU.msi/Logs/KB977203/CCMCertFix.exe
	// 2 msi 7204864 977203-SP2_ENU_i386_zip.exe/SCCM2007-SP2-KB977203-ENU.msi/bin/i386/mcs.msi
	// 2 msi 9180672 977203-SP2_ENU_i386_zip.exe/SCCM2007-SP2-KB977203-ENU.msi/bin/i386/mp.msi
	// 2 msi 1662976 977203-SP2_ENU_i386_zip.exe/SCCM2007-SP2-KB977203-ENU.msi/Client/i386/ccmsetup.msi
	// 2 cab 253016 977203-SP2_ENU_i386_zip.exe/SCCM2007-SP2-KB977203-ENU.msi/Client/i386/ccmsetup-sup.cab
	// 2 msp 444928 977203-SP2_ENU_i386_zip.exe/SCCM2007-SP2-KB977203-ENU.msi/Client/i386/hotfix/KB977203/SCCM2007AC-SP2-KB977203-x86.msp
}

// A container is an fs.FS of its members: read one by name.
func ExampleContainer_Open() {
	c, err := container.OpenFile("../fixtures/kb977203/977203-SP2_ENU_i386_zip.exe", &container.Options{
		Password: func(string) ([]byte, error) { return []byte("KB977203-replica"), nil },
	})
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	for _, m := range c.Members {
		fmt.Println(m.Name, m.Size)
	}
	f, err := c.Open("SCCM2007-SP2-KB977203-ENU.msi")
	if err != nil {
		log.Fatal(err)
	}
	defer f.Close()
	// The opened member can be read at random: open it in turn.
	inner, err := container.Open(f.(io.ReaderAt), 212992, "SCCM2007-SP2-KB977203-ENU.msi", nil)
	if err != nil {
		log.Fatal(err)
	}
	defer inner.Close()
	fmt.Println(inner.Kind, len(inner.Members), "files")
	// Output:
	// SCCM2007-SP2-KB977203-ENU.msi 212992
	// msi 13 files
}

// Detect tells what a file is from its bytes, whatever its name says.
func ExampleDetect() {
	for _, name := range []string{
		"../fixtures/kb977203/977203-SP2_ENU_i386_zip.exe",
		"../fixtures/kb977203/SCCM2007-SP2-KB977203-ENU.msi",
		"../fixtures/kb977203/README.md",
	} {
		f, err := os.Open(name)
		if err != nil {
			log.Fatal(err)
		}
		st, _ := f.Stat()
		kind, err := container.Detect(f, st.Size())
		f.Close()
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(filepath.Base(name), kind, kind.IsContainer())
	}
	// Output:
	// 977203-SP2_ENU_i386_zip.exe zip true
	// SCCM2007-SP2-KB977203-ENU.msi msi true
	// README.md file false
}
