package zipcrypt

import (
	"archive/zip"
	"bytes"
	"io"
	"testing"
	"time"
)

// FuzzOpen decrypts every entry of arbitrary archives: errors are fine,
// panics and unbounded output are not.
func FuzzOpen(f *testing.F) {
	for _, m := range []Method{Traditional, AES128, AES256} {
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		Create(zw, "a.msi", time.Date(2010, 1, 1, 0, 0, 0, 0, time.UTC), bytes.Repeat([]byte("msikit "), 50), []byte("pw"), m)
		zw.Close()
		f.Add(buf.Bytes(), []byte("pw"))
	}
	f.Fuzz(func(t *testing.T, archive, password []byte) {
		zr, err := zip.NewReader(bytes.NewReader(archive), int64(len(archive)))
		if err != nil {
			return
		}
		for _, file := range zr.File {
			rc, err := Open(file, password)
			if err != nil {
				continue
			}
			// checked never delivers more than the directory's size + 1.
			n, _ := io.Copy(io.Discard, io.LimitReader(rc, 1<<24))
			rc.Close()
			if uint64(n) > file.UncompressedSize64+1 {
				t.Fatalf("%d bytes from an entry of %d", n, file.UncompressedSize64)
			}
		}
	})
}
