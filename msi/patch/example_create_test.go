package patch_test

import (
	"bytes"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"time"

	"github.com/msikit/msikit/msi"
	"github.com/msikit/msikit/msi/patch"
)

// The patch that takes hello.msi from 1.2.3 to 1.2.4.
func ExampleCreate() {
	old, err := msi.Open("../../fixtures/hello.msi")
	if err != nil {
		log.Fatal(err)
	}
	defer old.Close()
	// The new version: the same package with another ProductVersion.
	db, err := old.Database()
	if err != nil {
		log.Fatal(err)
	}
	if err := db.SetProperty("ProductVersion", "1.2.4"); err != nil {
		log.Fatal(err)
	}
	dir, err := os.MkdirTemp("", "example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	if err := db.SaveFile(filepath.Join(dir, "hello-1.2.4.msi")); err != nil {
		log.Fatal(err)
	}
	nw, err := msi.Open(filepath.Join(dir, "hello-1.2.4.msi"))
	if err != nil {
		log.Fatal(err)
	}
	defer nw.Close()

	b, err := patch.Create(old, nw, patch.CreateOptions{Classification: "Hotfix", Created: time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		log.Fatal(err)
	}
	defer b.Close()
	var msp bytes.Buffer
	if err := b.Save(&msp); err != nil {
		log.Fatal(err)
	}

	p, err := msi.NewPackage(bytes.NewReader(msp.Bytes()), int64(msp.Len()), "hello.msp")
	if err != nil {
		log.Fatal(err)
	}
	pt, err := patch.New(p)
	if err != nil {
		log.Fatal(err)
	}
	defer pt.Close()
	product, err := msi.ReadProductInfo(old)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(p.Kind(), pt.Classification(), len(b.Files), "files changed")
	fmt.Println(pt.Transforms[0].Name, pt.Transforms[0].Target.Version, "->", pt.Transforms[0].Target.NewVersion, pt.Check(product).Applies)
	// Output:
	// patch Hotfix 0 files changed
	// Target01 1.2.3 -> 1.2.4 true
}
