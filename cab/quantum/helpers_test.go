package quantum

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"github.com/msikit/msikit/internal/testutil"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
)

// findCorpus returns the shared corpus folder dir (e.g. "libmspack-cabd"),
// which lives next to the module root.
func findCorpus(dir string) (string, error) {
	wd, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for d := wd; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			p := filepath.Join(d, "..", "shared", "corpus", dir)
			if _, err := os.Stat(p); err != nil {
				return "", err
			}
			return p, nil
		}
		if filepath.Dir(d) == d {
			return "", fmt.Errorf("no go.mod above %s", wd)
		}
	}
}

// corpusDir is findCorpus for tests, which skip when the corpus is absent.
func corpusDir(t testing.TB, dir string) string {
	t.Helper()
	p, err := findCorpus(dir)
	if err != nil {
		testutil.Skip(t, "shared corpus %s not available: %v", dir, err)
	}
	return p
}

// buildCab returns a single-folder, single-file cabinet holding blocks as
// the Quantum folder's CFDATA, for the peers to extract. Checksums are left
// at zero, which readers take as "not computed".
func buildCab(windowBits, level int, name string, blocks [][]byte, size int) []byte {
	le := binary.LittleEndian
	var b bytes.Buffer
	w16 := func(v int) { b.Write(le.AppendUint16(nil, uint16(v))) }
	w32 := func(v int) { b.Write(le.AppendUint32(nil, uint32(v))) }
	const hdr, folder = 36, 8
	file := 16 + len(name) + 1
	total := hdr + folder + file
	for _, blk := range blocks {
		total += 8 + len(blk)
	}
	b.WriteString("MSCF")
	w32(0)
	w32(total)
	w32(0)
	w32(hdr + folder) // coffFiles
	w32(0)
	b.Write([]byte{3, 1}) // version 1.3
	w16(1)                // cFolders
	w16(1)                // cFiles
	w16(0)                // flags
	w16(0x5154)           // setID
	w16(0)                // iCabinet
	w32(hdr + folder + file)
	w16(len(blocks))
	w16(2 | level<<4 | windowBits<<8)
	w32(size)
	w32(0)      // uoffFolderStart
	w16(0)      // iFolder
	w16(0x3021) // 1 January 2004
	w16(0x6000) // 12:00:00
	w16(0x20)   // archive
	b.WriteString(name)
	b.WriteByte(0)
	for i, blk := range blocks {
		w32(0)
		w16(len(blk))
		w16(min(frameSize, size-i*frameSize))
		b.Write(blk)
	}
	return b.Bytes()
}

// decodeBlocks runs a fresh decoder over blocks holding size bytes.
func decodeBlocks(windowBits int, blocks [][]byte, size int) ([]byte, error) {
	d, err := NewDecoder(windowBits)
	if err != nil {
		return nil, err
	}
	out := make([]byte, size)
	for i, blk := range blocks {
		s := i * frameSize
		if err := d.Decompress(out[s:min(s+frameSize, size)], blk); err != nil {
			return out[:s], fmt.Errorf("block %d: %w", i, err)
		}
	}
	return out, nil
}

// Test inputs. Each is deterministic for its seed.

func genText(r *rand.Rand, n int) []byte {
	words := []string{"the", "cabinet", "folder", "quantum", "window", "of", "a",
		"frame", "model", "arithmetic", "and", "match", "literal", "to", "in",
		"Installer", "patch", "MSI", "\n", "is", "data", "compression", "CAB"}
	var b bytes.Buffer
	for b.Len() < n {
		b.WriteString(words[r.IntN(len(words))])
		if r.IntN(9) == 0 {
			fmt.Fprintf(&b, " %d.", r.IntN(100000))
		}
		b.WriteByte(" \t,"[r.IntN(3)])
	}
	return b.Bytes()[:n]
}

func genRandom(r *rand.Rand, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

func genRuns(r *rand.Rand, n int) []byte {
	b := make([]byte, 0, n)
	for len(b) < n {
		c, k := byte(r.Uint32()), 1+r.IntN(600)
		for i := 0; i < k && len(b) < n; i++ {
			b = append(b, c)
		}
	}
	return b
}

// genRecords imitates binary tables: fixed-size records with small counters,
// so matches of every length at many distances occur.
func genRecords(r *rand.Rand, n int) []byte {
	b := make([]byte, 0, n+32)
	for i := 0; len(b) < n; i++ {
		b = binary.LittleEndian.AppendUint32(b, uint32(i))
		b = binary.LittleEndian.AppendUint16(b, uint16(r.IntN(40)))
		b = append(b, byte(r.IntN(256)), 0, 0, 0xFF, byte(i>>3))
	}
	return b[:n]
}

// genRepeat repeats a random block of exactly span bytes, which makes the
// encoder use the largest offsets the window allows.
func genRepeat(r *rand.Rand, n, span int) []byte {
	unit := genRandom(r, span)
	b := make([]byte, 0, n)
	for len(b) < n {
		b = append(b, unit[:min(span, n-len(b))]...)
	}
	return b
}

// genMixed concatenates the others, so models see changing statistics.
func genMixed(r *rand.Rand, n int) []byte {
	var b []byte
	for len(b) < n {
		k := 1 + r.IntN(20000)
		switch r.IntN(4) {
		case 0:
			b = append(b, genText(r, k)...)
		case 1:
			b = append(b, genRandom(r, k)...)
		case 2:
			b = append(b, genRuns(r, k)...)
		default:
			b = append(b, genRecords(r, k)...)
		}
	}
	return b[:n]
}

// genSlots follows a random prefix as long as the window with copies from
// the smallest and largest offset of every position slot: 3-byte copies for
// the slots of the 3-byte match model, 4-byte ones for the 4-byte model and
// longer ones for the general model, each followed by a random byte that
// ends the match.
func genSlots(r *rand.Rand, windowBits int) []byte {
	b := genRandom(r, 1<<windowBits)
	copyBack := func(offset, n int) {
		for i := 0; i < n; i++ {
			b = append(b, b[len(b)-offset])
		}
		b = append(b, byte(r.Uint32()))
	}
	slots := 2 * windowBits
	for _, m := range []struct{ slots, length int }{
		{min(slots, match3Slots), 3}, {min(slots, match4Slots), 4}, {slots, 0},
	} {
		for s := 0; s < m.slots; s++ {
			for _, off := range []uint32{positionBase[s] + 1, positionBase[s] + 1<<positionExtra[s]} {
				n := m.length
				if n == 0 {
					n = minLongLength + r.IntN(maxMatch-minLongLength+1)
				}
				copyBack(int(off), n)
			}
		}
	}
	return b
}
