package lzx_test

import (
	"bytes"
	"github.com/msikit/msikit/internal/testutil"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/richardlehane/mscfb"

	"github.com/msikit/msikit/cab/internal/cabtest"
)

// TestMSICabinets decodes the ten cabinets embedded in vcredist.msi (real
// Microsoft LZX:21 and LZX:18 folders, one with reserve fields) and compares
// every member with what cabextract extracts from the same stream.
func TestMSICabinets(t *testing.T) {
	if _, err := exec.LookPath("cabextract"); err != nil {
		testutil.Skip(t, "cabextract not installed: skipping peer comparison")
	}
	f, err := os.Open(corpusFile(t, "lessmsi/vcredist.msi"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := mscfb.New(f)
	if err != nil {
		t.Fatal(err)
	}
	cabs, members := 0, 0
	for entry, err := doc.Next(); err == nil; entry, err = doc.Next() {
		if entry.Size < 4 || entry.Size > 1<<24 {
			continue
		}
		data := make([]byte, entry.Size)
		if _, err := io.ReadFull(entry, data); err != nil {
			t.Fatalf("stream %q: %v", entry.Name, err)
		}
		if !bytes.HasPrefix(data, []byte("MSCF")) {
			continue
		}
		cabs++
		folders, err := cabtest.Parse(data)
		if err != nil {
			t.Fatalf("cabinet %d: %v", cabs, err)
		}
		dir := t.TempDir()
		cab := filepath.Join(dir, "x.cab")
		if err := os.WriteFile(cab, data, 0o644); err != nil {
			t.Fatal(err)
		}
		out := filepath.Join(dir, "out")
		if msg, err := exec.Command("cabextract", "-q", "-d", out, cab).CombinedOutput(); err != nil {
			t.Fatalf("cabinet %d: cabextract: %v\n%s", cabs, err, msg)
		}
		for _, fo := range folders {
			if fo.TypeCompress&0xf != 3 {
				t.Fatalf("cabinet %d: folder type %#x, want LZX", cabs, fo.TypeCompress)
			}
			got, err := decodeFolder(t, fo)
			if err != nil {
				t.Fatalf("cabinet %d: %v", cabs, err)
			}
			for _, fi := range fo.Files {
				want, err := os.ReadFile(filepath.Join(out, filepath.FromSlash(strings.ReplaceAll(fi.Name, `\`, "/"))))
				if err != nil {
					t.Fatalf("cabinet %d: %v", cabs, err)
				}
				if fi.Offset+fi.Size > len(got) || !bytes.Equal(got[fi.Offset:fi.Offset+fi.Size], want) {
					t.Errorf("cabinet %d: %s differs from cabextract's", cabs, fi.Name)
				}
				members++
			}
		}
	}
	// The manifest's per-stream file counts: 13+16+8+31+7+4*5.
	if cabs != 10 || members != 95 {
		t.Errorf("%d cabinets, %d members; the manifest lists 10 and 95", cabs, members)
	}
}
