package msi_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log"
	"os"
	"strings"

	"github.com/msikit/msikit/msi"
)

func ExampleOpen() {
	p, err := msi.Open("../fixtures/hello.msi")
	if err != nil {
		log.Fatal(err)
	}
	defer p.Close()
	files, err := p.Table("File")
	if err != nil {
		log.Fatal(err)
	}
	for _, row := range files.Rows {
		size := row.Int("FileSize")
		fmt.Println(row.String("File"), row.String("FileName"), size)
	}
	// Output:
	// readme.txt readme.txt 20
	// data.bin data.bin 3000
	// guide.txt guide.txt 24
}

func ExampleTable_Lookup() {
	p, err := msi.Open("../fixtures/hello.msi")
	if err != nil {
		log.Fatal(err)
	}
	defer p.Close()
	props, err := p.Table("Property")
	if err != nil {
		log.Fatal(err)
	}
	row, ok := props.Lookup("ProductVersion")
	fmt.Println(ok, row.String("Value"))
	// Output: true 1.2.3
}

func ExamplePackage_WriteIDT() {
	p, err := msi.Open("../fixtures/hello.msi")
	if err != nil {
		log.Fatal(err)
	}
	defer p.Close()
	var idt strings.Builder
	if err := p.WriteIDT(&idt, "Media"); err != nil {
		log.Fatal(err)
	}
	// .idt lines end in CR LF, as on Windows.
	fmt.Print(strings.ReplaceAll(idt.String(), "\r\n", "\n"))
	// Output:
	// DiskId	LastSequence	DiskPrompt	Cabinet	VolumeLabel	Source
	// i2	i4	L64	S255	S32	S72
	// Media	DiskId
	// 1	3		#hello.cab
}

func ExamplePackage_FS() {
	p, err := msi.Open("../fixtures/hello.msi")
	if err != nil {
		log.Fatal(err)
	}
	defer p.Close()
	fsys, err := p.FS(msi.FileOptions{Layout: msi.LayoutAdmin})
	if err != nil {
		log.Fatal(err)
	}
	b, err := fs.ReadFile(fsys, "msikit Hello/readme.txt")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%q\n", b)
	// Output: "Hello from msikit.\r\n"
}

func ExamplePackage_ReadFiles() {
	p, err := msi.Open("../fixtures/hello.msi")
	if err != nil {
		log.Fatal(err)
	}
	defer p.Close()
	files, err := msi.FileList(p, msi.FileOptions{})
	if err != nil {
		log.Fatal(err)
	}
	_, err = p.ReadFiles(files, msi.ReadOptions{}, func(c msi.FileContent) error {
		n, err := io.Copy(io.Discard, c.Reader)
		fmt.Println(c.File.Path, n)
		return err
	})
	if err != nil {
		log.Fatal(err)
	}
	// Output:
	// msikit Hello/readme.txt 20
	// msikit Hello/data.bin 3000
	// msikit Hello/doc/guide.txt 24
}

// Each layout places the same files differently: the source tree of an
// administrative image, the tree an installation makes, or flat.
func ExampleFileList() {
	p, err := msi.Open("../fixtures/hello.msi")
	if err != nil {
		log.Fatal(err)
	}
	defer p.Close()
	for _, l := range []msi.Layout{msi.LayoutAdmin, msi.LayoutInstall, msi.LayoutFlat} {
		files, err := msi.FileList(p, msi.FileOptions{Layout: l})
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(l, files[2].Path, files[2].Media.CabinetName())
	}
	// Output:
	// admin msikit Hello/doc/guide.txt hello.cab
	// install Program Files/msikit Hello/doc/guide.txt hello.cab
	// flat guide.txt hello.cab
}

func ExampleParseLayout() {
	for _, name := range []string{"admin", "lessmsi", "flat", "tree"} {
		l, err := msi.ParseLayout(name)
		fmt.Println(l, err)
	}
	// Output:
	// admin <nil>
	// target <nil>
	// flat <nil>
	// admin invalid: layout "tree": admin, install, target or flat
}

// A database made in memory is read as a package is, through
// TableReader, before it is saved and after.
func ExampleNewDatabase() {
	db := msi.NewDatabase(1252)
	for _, kv := range [][2]string{{"ProductCode", "{8F1C3C3A-7C59-4E39-9D6A-0B1F5E2C4D11}"}, {"ProductVersion", "2.0.1"}} {
		if err := db.SetProperty(kv[0], kv[1]); err != nil {
			log.Fatal(err)
		}
	}
	db.Summary = &msi.SummaryInfo{Codepage: 1252, Title: "Installation Database", Template: "x64;1033"}
	before, err := msi.ReadProductInfo(db)
	if err != nil {
		log.Fatal(err)
	}
	var buf bytes.Buffer
	if err := db.Save(&buf); err != nil {
		log.Fatal(err)
	}
	p, err := msi.NewPackage(bytes.NewReader(buf.Bytes()), int64(buf.Len()), "new.msi")
	if err != nil {
		log.Fatal(err)
	}
	after, err := msi.ReadProductInfo(p)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(p.Kind(), before == after, after.ProductVersion, after.Platform)
	// Output: database true 2.0.1 x64
}

// Names are shown and typed in their printable form; the package takes
// it back wherever a stream is named.
func ExamplePrintableName() {
	shown := msi.PrintableName("\x05SummaryInformation")
	fmt.Println(shown)
	p, err := msi.Open("../fixtures/hello.msi")
	if err != nil {
		log.Fatal(err)
	}
	defer p.Close()
	fmt.Println(p.HasStream(shown))
	// Output:
	// \x05SummaryInformation
	// true
}

// Extract a package's files into a directory, safely: nothing outside
// it, no link followed, no partial file, existing files kept.
func ExamplePackage_ExtractTo() {
	p, err := msi.Open("../fixtures/hello.msi")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer p.Close()
	dir, _ := os.MkdirTemp("", "example")
	defer os.RemoveAll(dir)
	written, err := p.ExtractTo(dir, msi.ExtractOptions{
		Select: func(f *msi.File) bool { return f.LongName != "data.bin" },
	})
	fmt.Println(written, err)
	_, err = p.ExtractTo(dir, msi.ExtractOptions{})
	fmt.Println(errors.Is(err, fs.ErrExist))
	// Output:
	// [msikit Hello/readme.txt msikit Hello/doc/guide.txt] <nil>
	// true
}
