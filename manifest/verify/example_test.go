package verify_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/msikit/msikit/manifest"
	"github.com/msikit/msikit/manifest/verify"
)

// Verify a folder against a manifest of one variant: one file is as
// listed, the other has been cut short.
func Example() {
	m, err := manifest.Parse(strings.NewReader(`
name: tools
variants:
  v1:
    entries:
      - name: readme.txt
        size: 6
        version: n/a
        platform: n/a
        timestamp: 2010-01-25T06:27Z
      - name: notes.txt
        size: 10
`))
	if err != nil {
		panic(err)
	}
	dir, _ := os.MkdirTemp("", "verify-example")
	defer os.RemoveAll(dir)
	when := time.Date(2010, 1, 25, 6, 27, 0, 0, time.UTC)
	os.WriteFile(filepath.Join(dir, "README.TXT"), []byte("hello\n"), 0o644)
	os.Chtimes(filepath.Join(dir, "README.TXT"), when, when)
	os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("short"), 0o644)

	r, err := verify.Verify(m, dir, verify.Options{Location: time.UTC})
	if err != nil {
		panic(err)
	}
	for _, res := range r.Results {
		fmt.Println(res.Entry.Name, res.Status, res.Mismatches)
	}
	fmt.Println("ok:", r.OK())
	// Output:
	// readme.txt ok []
	// notes.txt fail [size: expected 10 bytes, found 5]
	// ok: false
}
