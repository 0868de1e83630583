package quantum

import (
	"bytes"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"github.com/msikit/msikit/internal/testutil"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/msikit/msikit/cab/internal/cabtest"
)

// quantumFolder returns the path of a cabinet in the corpus folder corpus,
// and its one Quantum folder, which must have the given typeCompress.
func quantumFolder(t *testing.T, corpus, name string, typeCompress uint16) (string, cabtest.Folder) {
	t.Helper()
	path := filepath.Join(corpusDir(t, corpus), name)
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
	if len(q) != 1 || q[0].TypeCompress != typeCompress {
		t.Fatalf("%s: want one Quantum folder of type %#04x, got %+v", name, typeCompress, q)
	}
	return path, q[0]
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
	path, f := quantumFolder(t, "libmspack-cabd", "mszip_lzx_qtm.cab", 0x1222)
	if len(f.Files) != 1 {
		t.Fatalf("want one file in the Quantum folder, got %+v", f.Files)
	}
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
		testutil.Skip(t, "cabextract not installed; checked against the manifest's MD5 only")
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
	_, f := quantumFolder(t, "libmspack-cabd", "cve-2014-9556-qtm-infinite-loop.cab", 0x0C02)
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

// cve-2010-2801-qtm-flush.cab crashed old cabextract in the code that
// writes out the window. Its folder is 524159 zero bytes in 16 blocks; the
// last block holds 32639, and its last match runs on for 129 bytes more, to
// the end of the frame and of the 256 KiB window. cabextract extracts it
// (MD5 42e8928e055cded6e5f32491a281ce92, that of the zeros), and so must we.
func TestCorpusFlushCVE(t *testing.T) {
	_, f := quantumFolder(t, "libmspack-cabextract", "cve-2010-2801-qtm-flush.cab", 0x1222)
	if len(f.Blocks) != 16 || f.Blocks[15].USize != 32639 {
		t.Fatalf("want 16 blocks, the last of 32639 bytes; got %d", len(f.Blocks))
	}
	out, err := cabtest.DecodeFolder(newFolderDecoder(t, f), f)
	if err != nil {
		t.Fatal(err)
	}
	file := f.Files[0]
	if file.Name != "zeroes" || file.Offset != 0 || file.Size != 524159 || len(out) != file.Size {
		t.Fatalf("file %+v, %d bytes decoded; want zeroes, 524159 bytes at 0", file, len(out))
	}
	if zeros := make([]byte, len(out)); !bytes.Equal(out, zeros) {
		i := mismatch(out, zeros)
		t.Fatalf("byte %d of zeroes is %#x", i, out[i])
	}
}
