package quantum

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// The test encoder and the decoder share this package's reading of the
// format, so a round trip alone could hide a shared misreading. Here the
// peers decode the encoder's streams, wrapped in a cabinet.

type peer struct {
	name string
	args func(cab, dir string) []string
}

var peers = []peer{
	{"cabextract", func(cab, dir string) []string { return []string{"-q", "-d", dir, cab} }},
	{"7z", func(cab, dir string) []string { return []string{"x", "-y", "-bd", "-o" + dir, cab} }},
}

func TestPeersDecodeTestEncoder(t *testing.T) {
	for _, p := range peers {
		t.Run(p.name, func(t *testing.T) {
			if _, err := exec.LookPath(p.name); err != nil {
				t.Skipf("%s not installed", p.name)
			}
			for _, c := range roundTripCases() {
				if testing.Short() && c.large() {
					continue
				}
				t.Run(c.String(), func(t *testing.T) {
					t.Parallel()
					blocks := c.encoded().blocks
					dir := t.TempDir()
					cab := filepath.Join(dir, "t.cab")
					if err := os.WriteFile(cab, buildCab(c.windowBits, 4, "data.bin", blocks, len(c.data)), 0o644); err != nil {
						t.Fatal(err)
					}
					out := filepath.Join(dir, "out")
					if msg, err := exec.Command(p.name, p.args(cab, out)...).CombinedOutput(); err != nil {
						t.Fatalf("%s: %v\n%s", p.name, err, msg)
					}
					got, err := os.ReadFile(filepath.Join(out, "data.bin"))
					if err != nil {
						t.Fatal(err)
					}
					if !bytes.Equal(got, c.data) {
						t.Fatalf("%s output (%d bytes) differs from input (%d bytes) at byte %d",
							p.name, len(got), len(c.data), mismatch(got, c.data))
					}
				})
			}
		})
	}
}

// A final frame may end before the decoder's 16-bit look-ahead does, so its
// last symbols are decoded with the trailer byte and padding that libmspack
// supplies. Cutting the zero bytes off the end of our final blocks makes
// such frames; where we decode them, cabextract must decode the same bytes.
func TestFinalFrameReadsTrailer(t *testing.T) {
	if _, err := exec.LookPath("cabextract"); err != nil {
		t.Skip("cabextract not installed")
	}
	peeked := 0
	for _, c := range roundTripCases() {
		if c.large() {
			continue
		}
		blocks := c.encoded().blocks
		last := len(blocks) - 1
		if len(c.data)-last*frameSize == frameSize {
			continue // a full final frame must not read its trailer
		}
		cut := append([][]byte{}, blocks...)
		for k := 0; k < 2 && len(cut[last]) > 0 && cut[last][len(cut[last])-1] == 0; k++ {
			cut[last] = cut[last][:len(cut[last])-1]
		}
		d, err := NewDecoder(c.windowBits)
		if err != nil {
			t.Fatal(err)
		}
		got := make([]byte, len(c.data))
		for i, blk := range cut {
			if err = d.Decompress(got[i*frameSize:min((i+1)*frameSize, len(got))], blk); err != nil {
				break
			}
		}
		if err != nil || !bytes.Equal(got, c.data) || d.ac.br.consumed() <= len(cut[last])*8 {
			continue
		}
		peeked++
		dir := t.TempDir()
		cab := filepath.Join(dir, "t.cab")
		if err := os.WriteFile(cab, buildCab(c.windowBits, 1, "data.bin", cut, len(c.data)), 0o644); err != nil {
			t.Fatal(err)
		}
		if msg, err := exec.Command("cabextract", "-q", "-d", dir, cab).CombinedOutput(); err != nil {
			t.Fatalf("%v: cabextract: %v\n%s", c, err, msg)
		}
		want, err := os.ReadFile(filepath.Join(dir, "data.bin"))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("%v: we decode %d bytes, cabextract %d, differing at byte %d",
				c, len(got), len(want), mismatch(got, want))
		}
	}
	if peeked < 10 {
		t.Fatalf("only %d cases decode with their final zero bytes cut", peeked)
	}
	t.Logf("%d cases decoded with the trailer", peeked)
}
