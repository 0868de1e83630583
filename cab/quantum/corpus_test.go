package quantum

import (
	"bytes"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/msikit/msikit/cab/internal/cabtest"
)

// quantumFolders returns the Quantum folders of a corpus cabinet.
func quantumFolders(t *testing.T, path string) []cabtest.Folder {
	t.Helper()
	folders, err := cabtest.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var q []cabtest.Folder
	for _, f := range folders {
		if f.TypeCompress&0xF == 2 {
			q = append(q, f)
		}
	}
	return q
}

func newFolderDecoder(t *testing.T, f cabtest.Folder) *Decoder {
	t.Helper()
	d, err := NewDecoder(int(f.TypeCompress>>8) & 0x1F)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// mszip_lzx_qtm.cab holds the one Quantum stream in the corpus written by
// Microsoft's own compressor: folder #2, Quantum level 2, window 18.
func TestCorpusMixed(t *testing.T) {
	path := filepath.Join(corpusDir(t, "libmspack-cabd"), "mszip_lzx_qtm.cab")
	folders := quantumFolders(t, path)
	if len(folders) != 1 || folders[0].TypeCompress != 0x1222 || len(folders[0].Files) != 1 {
		t.Fatalf("want one Quantum:2:18 folder with one file, got %+v", folders)
	}
	f := folders[0]
	out, err := cabtest.DecodeFolder(newFolderDecoder(t, f), f)
	if err != nil {
		t.Fatal(err)
	}
	file := f.Files[0]
	if file.Name != "qtm.txt" || file.Offset+file.Size > len(out) {
		t.Fatalf("file %+v does not fit the %d decoded bytes", file, len(out))
	}
	got := out[file.Offset : file.Offset+file.Size]
	// MD5 from the corpus MANIFEST (cabextract -t).
	sum := md5.Sum(got)
	if hex.EncodeToString(sum[:]) != "98fcfa4962a0f169a3c7fdbcb445cf17" {
		t.Errorf("qtm.txt md5 %x, want 98fcfa4962a0f169a3c7fdbcb445cf17; content %q", sum, got)
	}
	if want := "If you can read this, the Quantum decompressor is working!\n"; string(got) != want {
		t.Errorf("qtm.txt = %q, want %q", got, want)
	}

	if _, err := exec.LookPath("cabextract"); err != nil {
		t.Skip("cabextract not installed; checked against the manifest's MD5 only")
	}
	dir := t.TempDir()
	if msg, err := exec.Command("cabextract", "-q", "-d", dir, "-F", "qtm.txt", path).CombinedOutput(); err != nil {
		t.Fatalf("cabextract: %v\n%s", err, msg)
	}
	want, err := os.ReadFile(filepath.Join(dir, "qtm.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("qtm.txt = %q, cabextract gives %q", got, want)
	}
}

// cve-2014-9556-qtm-infinite-loop.cab made old libmspack loop forever. Its
// one block is plain text labelled Quantum:0:12; cabextract fails the file
// ("error in CAB data format"), and so must we, at once.
func TestCorpusInfiniteLoopCVE(t *testing.T) {
	path := filepath.Join(corpusDir(t, "libmspack-cabd"), "cve-2014-9556-qtm-infinite-loop.cab")
	folders := quantumFolders(t, path)
	if len(folders) != 1 || folders[0].TypeCompress != 0x0C02 {
		t.Fatalf("want one Quantum:0:12 folder, got %+v", folders)
	}
	f := folders[0]
	d := newFolderDecoder(t, f)
	done := make(chan error, 1)
	go func() {
		_, err := cabtest.DecodeFolder(d, f)
		done <- err
	}()
	select {
	case err := <-done:
		if !errors.Is(err, ErrCorrupt) {
			t.Fatalf("got %v, want an error wrapping ErrCorrupt", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("decoder still running after 10s")
	}
}
