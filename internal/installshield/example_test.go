package installshield_test

import (
	"bytes"
	"fmt"
	"io"
	"log"

	"github.com/msikit/msikit/internal/installshield"
)

func Example() {
	// A launcher as InstallShield 2010 makes them: obfuscated by
	// 1024-byte blocks and compressed.
	overlay, err := installshield.Build(installshield.BuildOptions{Format: installshield.FormatInstallShield},
		[]installshield.BuildFile{
			{Name: "Setup.ini", Data: []byte("[Startup]\r\nPackageName=product.msi\r\n"), Flags: 6, Compress: true},
			{Name: "product.msi", Data: bytes.Repeat([]byte("MSI"), 1000), Flags: 6, Compress: true},
		})
	if err != nil {
		log.Fatal(err)
	}
	exe := installshield.BuildLauncher(overlay, nil)

	r, err := installshield.NewReader(bytes.NewReader(exe), int64(len(exe)))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(r.Format, len(r.File), "files")
	for _, f := range r.File {
		rc, err := f.Open()
		if err != nil {
			log.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			log.Fatal(err)
		}
		// Size is -1 until a compressed file is read: the records do
		// not give it.
		fmt.Printf("%s: size %d, read %d bytes starting %q\n", f.Name, f.Size, len(b), b[:9])
	}
	// Output:
	// InstallShield 2 files
	// Setup.ini: size -1, read 36 bytes starting "[Startup]"
	// product.msi: size -1, read 3000 bytes starting "MSIMSIMSI"
}
