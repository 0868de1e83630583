package cab_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"log"
	"strings"
	"time"

	"github.com/msikit/msikit/cab"
)

// A self-extractor cut short inside its second cabinet: Search returns
// both cabinets and says what is missing; the files wholly present still
// read.
func ExampleSearch_truncated() {
	exe := []byte(strings.Repeat("MZ stub code ", 10))
	for _, body := range []string{"first cabinet\n", strings.Repeat("x", 70000)} {
		var buf bytes.Buffer
		w := cab.NewWriter(&buf, cab.WithCompression(cab.MethodNone))
		fw, _ := w.Create(fmt.Sprintf("file%d.txt", len(exe)), time.Date(2024, 5, 1, 12, 0, 0, 0, time.Local))
		io.WriteString(fw, body)
		if err := w.Close(); err != nil {
			log.Fatal(err)
		}
		exe = append(exe, buf.Bytes()...)
	}
	exe = exe[:len(exe)-1000]

	rs, err := cab.Search(bytes.NewReader(exe), int64(len(exe)))
	var te *cab.TruncatedError
	if errors.As(err, &te) {
		fmt.Println(te)
	}
	for _, r := range rs {
		for _, f := range r.File {
			rc, _ := f.Open()
			state := "read"
			if _, err := io.Copy(io.Discard, rc); err != nil {
				state = "cut off"
			}
			fmt.Printf("cabinet at %d: %s %s\n", r.Offset, f.Name, state)
		}
	}
	// Output:
	// cabinet at offset 224 is truncated: 1000 of its 70096 bytes are missing
	// cabinet at 130: file130.txt read
	// cabinet at 224: file224.txt cut off
}
