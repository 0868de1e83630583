package msi_test

import (
	"fmt"
	"io"
	"io/fs"
	"log"
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
		size, _ := row.Int("FileSize")
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
