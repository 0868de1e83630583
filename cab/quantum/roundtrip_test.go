package quantum

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
)

type roundTripCase struct {
	name       string
	windowBits int
	data       []byte
	skip, cut  float64 // testEncoder.skipProb, shortenProb
	encoded    func() encoded
}

// encoded is a case's compressed form, computed once and shared by the
// tests, and what the encoder exercised while making it.
type encoded struct {
	blocks [][]byte
	used   map[modelKey]map[int]bool // symbols coded
	sorts  map[string]int            // frequency re-sorts, per kind of model
	halves map[string]int            // plain rescales, per kind of model
}

// modelKey names a model by its role and number of symbols.
type modelKey struct {
	role string
	n    int
}

// roundTripCases returns the shared test inputs, generated once.
var roundTripCases = sync.OnceValue(func() []*roundTripCase {
	r := rand.New(rand.NewPCG(7, 7))
	var cs []*roundTripCase
	add := func(name string, bits int, data []byte) {
		cs = append(cs, &roundTripCase{name: name, windowBits: bits, data: data})
	}
	for bits := minWindowBits; bits <= maxWindowBits; bits++ {
		add("text", bits, genText(r, 70000))
		add("random", bits, genRandom(r, 40000))
		add("runs", bits, genRuns(r, 50000))
		add("records", bits, genRecords(r, 66000))
		add("repeat-window", bits, genRepeat(r, min(3<<bits, 5*frameSize), 1<<bits))
		add("slots", bits, genSlots(r, bits))
	}
	for _, n := range []int{1, 2, 3, 5, 100, frameSize - 1, frameSize, frameSize + 1, 2 * frameSize} {
		add(fmt.Sprintf("text-%d", n), 15, genText(r, n))
	}
	add("zeros", 16, make([]byte, 3*frameSize))
	all := make([]byte, 256*40)
	for i := range all {
		all[i] = byte(i * 7)
	}
	add("all-bytes", 12, all)
	// Long inputs: many rescales and re-sorts of every model.
	add("mixed-long", 21, genMixed(r, 1<<20))
	add("mixed-long", 17, genMixed(r, 600000))
	add("text-long", 18, genText(r, 400000))
	cs = append(cs, &roundTripCase{name: "text-short-matches", windowBits: 16,
		data: genText(r, 600000), cut: 1})
	// Inefficient choices reach the 3- and 4-byte selectors with all slots.
	for bits := minWindowBits; bits <= maxWindowBits; bits += 3 {
		cs = append(cs, &roundTripCase{name: "mixed-short-matches", windowBits: bits,
			data: genMixed(r, 200000), skip: 0.2, cut: 0.6})
	}
	for _, c := range cs {
		c.encoded = sync.OnceValue(c.encode)
	}
	return cs
})

// large reports whether -short skips the case.
func (c *roundTripCase) large() bool { return len(c.data) > 300000 }

func (c *roundTripCase) String() string {
	return fmt.Sprintf("%s/w%d/%d", c.name, c.windowBits, len(c.data))
}

func (c *roundTripCase) encode() encoded {
	te := newTestEncoder(c.windowBits, uint64(len(c.data)))
	te.skipProb, te.shortenProb = c.skip, c.cut
	st := &encoderStats{used: map[*model]map[int]bool{}, sorts: map[*model]int{}, halves: map[*model]int{}}
	te.ac.stats = st
	e := encoded{blocks: te.compress(c.data), used: map[modelKey]map[int]bool{},
		sorts: map[string]int{}, halves: map[string]int{}}
	d := te.dec
	roles := map[*model]string{&d.selector: "selector", &d.match3: "match3", &d.match4: "match4",
		&d.longPos: "longPos", &d.longLen: "longLen"}
	for i := range d.literal {
		roles[&d.literal[i]] = "literal"
	}
	for m, syms := range st.used {
		k := modelKey{roles[m], m.n}
		if e.used[k] == nil {
			e.used[k] = map[int]bool{}
		}
		for s := range syms {
			e.used[k][s] = true
		}
	}
	for m, n := range st.sorts {
		e.sorts[roles[m]] = max(e.sorts[roles[m]], n)
	}
	for m, n := range st.halves {
		e.halves[roles[m]] = max(e.halves[roles[m]], n)
	}
	return e
}

func TestRoundTrip(t *testing.T) {
	for _, c := range roundTripCases() {
		if testing.Short() && c.large() {
			continue
		}
		t.Run(c.String(), func(t *testing.T) {
			got, err := decodeBlocks(c.windowBits, c.encoded().blocks, len(c.data))
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, c.data) {
				t.Fatalf("output differs from input at byte %d", mismatch(got, c.data))
			}
		})
	}
}

func mismatch(a, b []byte) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

// TestRoundTripCoverage checks that the round-trip cases reach every
// selector, slot and literal, and make models rescale and re-sort, so that a
// misreading of any of them would show in TestRoundTrip and the peer tests.
func TestRoundTripCoverage(t *testing.T) {
	if testing.Short() {
		t.Skip("the slot and re-sort coverage needs the large cases")
	}
	used := map[modelKey]map[int]bool{}
	sorts, halves := map[string]int{}, map[string]int{}
	for _, c := range roundTripCases() {
		e := c.encoded()
		for k, syms := range e.used {
			if used[k] == nil {
				used[k] = map[int]bool{}
			}
			for s := range syms {
				used[k][s] = true
			}
		}
		for role, n := range e.sorts {
			sorts[role] = max(sorts[role], n)
		}
		for role, n := range e.halves {
			halves[role] = max(halves[role], n)
		}
	}
	want := map[modelKey]int{{"selector", numSelectors}: numSelectors, {"literal", literalSyms}: 256,
		{"longLen", numLengthSlots}: numLengthSlots}
	for bits := minWindowBits; bits <= maxWindowBits; bits++ {
		want[modelKey{"longPos", 2 * bits}] = 2 * bits
		want[modelKey{"match3", min(2*bits, match3Slots)}] = min(2*bits, match3Slots)
		want[modelKey{"match4", min(2*bits, match4Slots)}] = min(2*bits, match4Slots)
	}
	for k, n := range want {
		if got := len(used[k]); got != n {
			t.Errorf("%s model with %d entries: %d symbols used, want %d", k.role, k.n, got, n)
		}
	}
	// The second re-sort comes 50 rescales after the first.
	for _, role := range []string{"selector", "literal", "longLen", "longPos", "match3", "match4"} {
		if sorts[role] < 2 || halves[role] < 50 {
			t.Errorf("%s models: at most %d re-sorts and %d halvings in one stream, want 2 and 50",
				role, sorts[role], halves[role])
		}
	}
}
