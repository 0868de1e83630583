//go:build unix

package safepath

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestOutputFIFO: a FIFO is written to; its reader gets the bytes and it
// stays a FIFO.
func TestOutputFIFO(t *testing.T) {
	p := filepath.Join(t.TempDir(), "fifo")
	if err := syscall.Mkfifo(p, 0o600); err != nil {
		t.Skip("mkfifo:", err)
	}
	got := make(chan string)
	go func() {
		b, _ := os.ReadFile(p)
		got <- string(b)
	}()
	want := strings.Repeat("through the pipe\n", 10000)
	if err := WriteOutput(p, nil, writeString(want)); err != nil {
		t.Fatal(err)
	}
	if s := <-got; s != want {
		t.Errorf("reader got %d bytes, want %d", len(s), len(want))
	}
	if fi, err := os.Lstat(p); err != nil || fi.Mode()&fs.ModeNamedPipe == 0 {
		t.Errorf("no longer a FIFO: %v %v", fi, err)
	}
}
