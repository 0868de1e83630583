package quantum

import (
	"bytes"
	"fmt"
	"github.com/msikit/msikit/internal/testutil"
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

var (
	cabextract = peer{"cabextract", func(cab, dir string) []string { return []string{"-q", "-d", dir, cab} }}
	sevenZip   = peer{"7z", func(cab, dir string) []string { return []string{"x", "-y", "-bd", "-o" + dir, cab} }}
	peers      = []peer{cabextract, sevenZip}
)

// extractWith has peer p extract a cabinet holding blocks as a Quantum folder
// of size bytes, and returns the file it writes, or its complaint.
func extractWith(t *testing.T, p peer, windowBits int, blocks [][]byte, size int) ([]byte, error) {
	t.Helper()
	dir := t.TempDir()
	cab := filepath.Join(dir, "t.cab")
	if err := os.WriteFile(cab, buildCab(windowBits, 4, "data.bin", blocks, size), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out")
	if msg, err := exec.Command(p.name, p.args(cab, out)...).CombinedOutput(); err != nil {
		return nil, fmt.Errorf("%s: %v\n%s", p.name, err, msg)
	}
	return os.ReadFile(filepath.Join(out, "data.bin"))
}

func TestPeersDecodeTestEncoder(t *testing.T) {
	for _, p := range peers {
		t.Run(p.name, func(t *testing.T) {
			if _, err := exec.LookPath(p.name); err != nil {
				testutil.Skip(t, "%s not installed", p.name)
			}
			for _, c := range roundTripCases() {
				if testing.Short() && c.large() {
					continue
				}
				t.Run(c.String(), func(t *testing.T) {
					t.Parallel()
					got, err := extractWith(t, p, c.windowBits, c.encoded().blocks, len(c.data))
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
		testutil.Skip(t, "cabextract not installed")
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
		want, err := extractWith(t, cabextract, c.windowBits, cut, len(c.data))
		if err != nil {
			t.Fatalf("%v: %v", c, err)
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
