package patch_test

import (
	"fmt"
	"io"
	"log"
	"os"
	"path/filepath"

	"github.com/msikit/msikit/msi"
	"github.com/msikit/msikit/msi/patch"
)

// extractReplica writes the files of the KB977203 replica whose keys are
// given into dir, by key, and returns their paths.
func extractReplica(dir string, keys ...string) []string {
	p, err := msi.Open("../../fixtures/kb977203/SCCM2007-SP2-KB977203-ENU.msi")
	if err != nil {
		log.Fatal(err)
	}
	defer p.Close()
	files, err := msi.FileList(p, msi.FileOptions{Layout: msi.LayoutFlat})
	if err != nil {
		log.Fatal(err)
	}
	var sel []*msi.File
	var out []string
	for _, k := range keys {
		for _, f := range files {
			if f.Key == k {
				sel = append(sel, f)
				out = append(out, filepath.Join(dir, f.Path))
			}
		}
	}
	_, err = p.ReadFiles(sel, msi.ReadOptions{CheckSize: true}, func(c msi.FileContent) error {
		b, err := io.ReadAll(c.Reader)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dir, c.File.Path), b, 0o644)
	})
	if err != nil {
		log.Fatal(err)
	}
	return out
}

// The KB977203 replica carries a client patch for the ccmsetup.msi it
// also carries: does it apply, and what does it hold?
func ExampleOpen() {
	dir, err := os.MkdirTemp("", "example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	paths := extractReplica(dir, "SCCM2007AC_SP2_KB977203_x86.msp", "ccmsetup.msi")

	pt, err := patch.Open(paths[0])
	if err != nil {
		log.Fatal(err)
	}
	defer pt.Close()
	fmt.Printf("%s %s %s %#x\n", pt.Code, pt.Classification(), pt.Transforms[0].Name, pt.Transforms[0].Validation.Checks)

	target, err := msi.Open(paths[1])
	if err != nil {
		log.Fatal(err)
	}
	defer target.Close()
	product, err := msi.ReadProductInfo(target)
	if err != nil {
		log.Fatal(err)
	}
	a := pt.Check(product)
	fmt.Println(a.Applies, a.Transforms[0].Checked)

	files, err := pt.Files(patch.FileOptions{Target: target, Layout: msi.LayoutAdmin})
	if err != nil {
		log.Fatal(err)
	}
	for _, f := range files {
		fmt.Println(f.Cabinet, f.Key, f.Member.Size, f.Named)
	}
	// Output:
	// {C7971B22-BC4D-5F4D-856F-6A3BC0B3C033} Hotfix CCMSetupKB977203 0x922
	// true [product code upgrade code version 4.00.6487 == 4.00.6487]
	// PCW_CAB_CCMSetupKB977203 KB977203.txt 433152 false
}

// An administrative image of ccmsetup.msi patched as msiexec /a
// ccmsetup.msi /p KB977203.msp patches it: the image's database takes the
// patch's transform; the files it carries would be written over the
// image (this patch carries only a member no File row names).
func ExampleApplyAdmin() {
	dir, err := os.MkdirTemp("", "example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	paths := extractReplica(dir, "SCCM2007AC_SP2_KB977203_x86.msp", "ccmsetup.msi")
	pt, err := patch.Open(paths[0])
	if err != nil {
		log.Fatal(err)
	}
	defer pt.Close()
	p, err := msi.Open(paths[1])
	if err != nil {
		log.Fatal(err)
	}
	defer p.Close()
	image, err := p.AdminDatabase()
	if err != nil {
		log.Fatal(err)
	}
	err = patch.ApplyAdmin(image, []*patch.Patch{pt}, msi.FileOptions{Layout: msi.LayoutAdmin}, func(res *patch.AdminResult) error {
		fmt.Println(res.Transforms, len(res.Files), "files to write")
		return res.Patch.ReadFiles(res.Files, msi.ReadOptions{CheckSize: true}, func(f *patch.File, r io.Reader) error {
			return nil // write r over the image at f.Path
		})
	})
	if err != nil {
		log.Fatal(err)
	}
	props, err := image.Table("Property")
	if err != nil {
		log.Fatal(err)
	}
	kb, ok := props.Lookup("KB977203")
	fmt.Println(ok, kb.String("Value"))
	// Output:
	// [CCMSetupKB977203] 0 files to write
	// true 1
}
