package cab_test

import (
	"bytes"
	"fmt"
	"io"
	"log"
	"time"

	"github.com/msikit/msikit/cab"
)

func ExampleWriter() {
	var buf bytes.Buffer
	w := cab.NewWriter(&buf) // MSZIP, one folder
	mod := time.Date(2024, 5, 1, 12, 0, 0, 0, time.Local)
	for _, f := range []struct{ name, body string }{
		{"hello.txt", "Hello, cabinet!\n"},
		{"docs/readme.txt", "Read me first.\n"}, // stored as docs\readme.txt
	} {
		fw, err := w.Create(f.name, mod)
		if err != nil {
			log.Fatal(err)
		}
		io.WriteString(fw, f.body)
	}
	if err := w.Close(); err != nil {
		log.Fatal(err)
	}

	r, err := cab.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		log.Fatal(err)
	}
	for _, f := range r.File {
		rc, _ := f.Open()
		b, _ := io.ReadAll(rc)
		fmt.Printf("%s %s %q\n", f.Name, f.Modified.Format("2006-01-02 15:04"), b)
	}
	// Output:
	// hello.txt 2024-05-01 12:00 "Hello, cabinet!\n"
	// docs\readme.txt 2024-05-01 12:00 "Read me first.\n"
}

func ExampleNewSetWriter() {
	parts := map[string]*bytes.Buffer{}
	create := func(name string) (io.WriteCloser, error) {
		parts[name] = new(bytes.Buffer)
		return nopCloser{parts[name]}, nil
	}
	// Cabinets of at most 20000 bytes: big.bin continues from one to the
	// next.
	w := cab.NewSetWriter("disk.cab", 20000, create, cab.WithCompression(cab.MethodNone))
	fw, _ := w.Create("big.bin", time.Date(2024, 5, 1, 12, 0, 0, 0, time.Local))
	fw.Write(bytes.Repeat([]byte{1, 2, 3, 4}, 12000))
	if err := w.Close(); err != nil {
		log.Fatal(err)
	}
	for _, name := range w.Parts() {
		fmt.Println(name, parts[name].Len())
	}
	// Output:
	// disk.cab 20000
	// disk2.cab 20000
	// disk3.cab 8279
}

type nopCloser struct{ io.Writer }

func (nopCloser) Close() error { return nil }
