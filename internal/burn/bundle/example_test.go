package bundle_test

import (
	"bytes"
	"fmt"
	"io"
	"log"

	"github.com/msikit/msikit/internal/burn/bundle"
)

func Example() {
	built, err := bundle.Build(bundle.BuildSpec{
		UX: []bundle.BuildPayload{{ID: "ba", FilePath: "wixstdba.dll", Data: []byte("MZ...")}},
		Containers: []bundle.BuildContainer{{ID: "WixAttachedContainer", FilePath: "setup.exe",
			Payloads: []bundle.BuildPayload{{ID: "product", FilePath: "product.msi", Data: []byte("an MSI")}}}},
	})
	if err != nil {
		log.Fatal(err)
	}
	b, err := bundle.Open(bytes.NewReader(built.Bundle), int64(len(built.Bundle)))
	if err != nil {
		log.Fatal(err)
	}
	for _, p := range b.Payloads {
		rc, err := b.OpenPayload(p)
		if err != nil {
			log.Fatal(err)
		}
		data, err := io.ReadAll(rc) // checks the size and hash at the end
		rc.Close()
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("%s/%s -> %s (%d bytes)\n", p.Container.ID, p.Member(), p.FilePath, len(data))
	}
	// Output:
	// WixUXContainer/u0 -> wixstdba.dll (5 bytes)
	// WixAttachedContainer/a0 -> product.msi (6 bytes)
}
