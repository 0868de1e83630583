package quantum

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"os/exec"
	"strings"
	"testing"
)

// A folder's last block is usually shorter than its 32 KiB frame, and the
// frame's last match may run on past the block's end (the corpus's
// cve-2010-2801-qtm-flush.cab ends so). A match may not run past the end
// of its frame. These tests make such folders with the test encoder and
// compare our reading with the peers'.

// cutCase is a folder whose declared size ends inside a match the encoder
// coded: the blocks decode to data, of which only data[:size] is declared.
type cutCase struct {
	name   string
	bits   int
	data   []byte
	blocks [][]byte
	size   int
	m      codedMatch // the match the declared end cuts
}

func (c cutCase) String() string {
	return fmt.Sprintf("%s/w%d/match-%d+%d/size-%d", c.name, c.bits, c.m.at, c.m.length, c.size)
}

// refused reports whether libmspack fails the folder: it writes its output
// from the window and, when a match runs over the window's end, first writes
// everything up to that end, which it cannot do when the folder ends before
// it. Only windows smaller than a frame have an end inside a frame.
func (c cutCase) refused() bool {
	w := 1 << c.bits
	windowEnd := (c.m.at/w + 1) * w
	return c.m.at+c.m.length > windowEnd && windowEnd > c.size
}

// cutCases cuts folders inside matches of their last frame: just after a
// match starts, just before it ends, at random, and on either side of a
// window end the match runs over.
func cutCases() []cutCase {
	r := rand.New(rand.NewPCG(9, 9))
	var cs []cutCase
	for _, bits := range []int{10, 11, 12, 14, 15, 18, 21} {
		for _, in := range []struct {
			name string
			data []byte
		}{
			{"records", genRecords(r, 7000)},
			{"runs", genRuns(r, frameSize+9000)},
			// A full last frame ending in a match, as in the corpus file.
			{"zeros", make([]byte, 2*frameSize)},
		} {
			te := newTestEncoder(bits, 1)
			blocks := te.compress(in.data)
			last := (len(blocks) - 1) * frameSize
			var tail []codedMatch
			for _, m := range te.matches {
				if m.at >= last {
					tail = append(tail, m)
				}
			}
			if len(tail) == 0 {
				continue // TestMatchPastLastBlock counts the cases
			}
			picked := []codedMatch{tail[len(tail)-1], tail[r.IntN(len(tail))]}
			for _, m := range tail {
				if w := 1 << bits; m.at/w != (m.at+m.length-1)/w {
					picked = append(picked, m) // the first that runs over a window end
					break
				}
			}
			for _, m := range picked {
				end := m.at + m.length
				cuts := []int{m.at + 1, end - 1, m.at + 1 + r.IntN(m.length-1)}
				if e := (m.at>>bits + 1) << bits; e < end {
					cuts = append(cuts, e-1, e)
				}
				seen := map[int]bool{}
				for _, size := range cuts {
					if size > m.at && !seen[size] {
						seen[size] = true
						cs = append(cs, cutCase{in.name, bits, in.data, blocks, size, m})
					}
				}
			}
		}
	}
	return cs
}

func TestMatchPastLastBlock(t *testing.T) {
	var peersHere []peer
	for _, p := range peers {
		if _, err := exec.LookPath(p.name); err != nil {
			t.Logf("%s not installed: checked against the encoder's input only", p.name)
			continue
		}
		peersHere = append(peersHere, p)
	}
	refused, sevenZipRan, sevenZipRefused := 0, 0, 0
	cases := cutCases()
	for i, c := range cases {
		got, err := decodeBlocks(c.bits, c.blocks, c.size)
		if c.refused() {
			refused++
			if !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), "wraps the window") {
				t.Errorf("%v: got %v, want ErrCorrupt for a match wrapping the window past the end", c, err)
			}
		} else if err != nil || !bytes.Equal(got, c.data[:c.size]) {
			t.Errorf("%v: %v, output differs from the input at byte %d", c, err, mismatch(got, c.data[:c.size]))
		}
		for _, p := range peersHere {
			if p.name == sevenZip.name {
				// 7-Zip is slow to start and, ending every match
				// within its block, calls all of these a data
				// error: a sample shows whether that changes.
				if i%8 != 0 {
					continue
				}
				sevenZipRan++
			}
			theirs, perr := extractWith(t, p, c.bits, c.blocks, c.size)
			switch {
			case p.name == sevenZip.name && perr != nil:
				sevenZipRefused++
			case (perr != nil) != (err != nil):
				t.Errorf("%v: we give %v; %s gives %v", c, err, p.name, perr)
			case perr == nil && !bytes.Equal(theirs, got):
				t.Errorf("%v: %s output (%d bytes) differs from ours at byte %d",
					c, p.name, len(theirs), mismatch(theirs, got))
			}
		}
	}
	if refused == 0 || refused == len(cases) {
		t.Errorf("%d of %d cases wrap the window past the end; want some of each", refused, len(cases))
	}
	t.Logf("%d cases, %d refused; 7-Zip refused %d of %d", len(cases), refused, sevenZipRefused, sevenZipRan)
}

// fillFrame codes n (at least 1) bytes of 'a' in few symbols.
func fillFrame(te *testEncoder, n int) {
	te.literal('a')
	for n--; n > 0; {
		k := min(n, maxMatch)
		switch rest := n - k; {
		case k < 3:
			te.literal('a')
			n--
			continue
		case rest > 0 && rest < 3:
			k -= 3 // leave enough for a last match
		}
		te.match(k, 1)
		n -= k
	}
}

// A match running past the end of its frame is corrupt wherever it starts,
// whether the block ends with the frame or inside the match.
func TestMatchPastFrame(t *testing.T) {
	for _, length := range []int{3, 4, minLongLength, 100, maxMatch} {
		for _, before := range []int{1, 2, length / 2, length - 1} {
			at := frameSize - before
			if before < 1 || before >= length {
				continue
			}
			blk := frameFor(15, func(te *testEncoder) {
				fillFrame(te, at)
				te.match(length, 1)
			})
			for _, size := range []int{frameSize, at + 1} {
				if size == frameSize && at+1 == frameSize {
					continue // the same case twice
				}
				name := fmt.Sprintf("match-%d+%d/size-%d", at, length, size)
				_, err := decodeBlocks(15, [][]byte{blk}, size)
				if !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), "runs past the 32768-byte frame") {
					t.Errorf("%s: got %v, want ErrCorrupt for a match past the frame", name, err)
				}
				for _, p := range peers {
					if _, err := exec.LookPath(p.name); err != nil {
						continue
					}
					if out, err := extractWith(t, p, 15, [][]byte{blk}, size); err == nil {
						t.Errorf("%s: %s extracts %d bytes, want an error", name, p.name, len(out))
					}
				}
			}
		}
	}
	// The same frame, its last match ending on the frame's end, is sound.
	blk := frameFor(15, func(te *testEncoder) {
		fillFrame(te, frameSize-maxMatch)
		te.match(maxMatch, 1)
	})
	got, err := decodeBlocks(15, [][]byte{blk}, frameSize)
	if want := bytes.Repeat([]byte{'a'}, frameSize); err != nil || !bytes.Equal(got, want) {
		t.Fatalf("match ending on the frame's end: %v, output differs at byte %d", err, mismatch(got, want))
	}
}
