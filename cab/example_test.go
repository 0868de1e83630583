package cab_test

import (
	"fmt"
	"io"
	"io/fs"
	"log"

	"github.com/msikit/msikit/cab"
)

func ExampleOpen() {
	rc, err := cab.Open("testdata/example.cab")
	if err != nil {
		log.Fatal(err)
	}
	defer rc.Close()
	for _, f := range rc.File {
		fmt.Printf("%s %d %s %s\n", f.Name, f.Size, f.Modified.Format("2006-01-02 15:04"), rc.Folders[f.Folder].Compression)
	}
	// Output:
	// hello.txt 16 2024-05-01 12:00 MSZIP
	// docs\readme.txt 15 2024-05-01 12:00 MSZIP
}

func ExampleFile_Open() {
	rc, err := cab.Open("testdata/example.cab")
	if err != nil {
		log.Fatal(err)
	}
	defer rc.Close()
	r, err := rc.File[0].Open()
	if err != nil {
		log.Fatal(err)
	}
	defer r.Close()
	b, err := io.ReadAll(r)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%q\n", b)
	// Output:
	// "Hello, cabinet!\n"
}

func ExampleReader_Extract() {
	rc, err := cab.Open("testdata/example.cab")
	if err != nil {
		log.Fatal(err)
	}
	defer rc.Close()
	// Each folder is decoded once; files arrive in folder order.
	err = rc.Extract(nil, 1, func(f *cab.File, content io.Reader) error {
		n, err := io.Copy(io.Discard, content)
		fmt.Println(f.Name, n)
		return err
	})
	if err != nil {
		log.Fatal(err)
	}
	// Output:
	// hello.txt 16
	// docs\readme.txt 15
}

func Example_walkDir() {
	rc, err := cab.Open("testdata/example.cab")
	if err != nil {
		log.Fatal(err)
	}
	defer rc.Close()
	fs.WalkDir(rc, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		fmt.Println(path, d.IsDir())
		return nil
	})
	// Output:
	// . true
	// docs true
	// docs/readme.txt false
	// hello.txt false
}

func ExampleNameEncoding() {
	// The name in this cabinet is stored in code page 932 (Shift_JIS),
	// without the UTF-8 attribute, as Japanese Windows stores it. Read
	// as the default Windows-1252 it would be "•\‚¾‚æ\Š¿Žš.txt".
	enc, err := cab.NameEncoding("CP932")
	if err != nil {
		log.Fatal(err)
	}
	rc, err := cab.Open("testdata/cp932.cab", enc)
	if err != nil {
		log.Fatal(err)
	}
	defer rc.Close()
	for _, f := range rc.File {
		fmt.Println(f.Name, f.Path())
	}
	// Output:
	// 表だよ\漢字.txt 表だよ/漢字.txt
}
