package quantum

import "math/rand/v2"

// This file is a small Quantum encoder, for tests only: it exists so that
// round trips over varied data exercise every selector, model and slot, and
// so that the peers can check our reading of the format on streams we did
// not write the decoder for.

// arithEncoder is the encoding side of arithDecoder. Its output is the
// sequence of bits the decoder shifts into its code register; the raw extra
// bits go in a separate list, each tagged with how many coder bits the
// decoder has shifted in when it reads them, and finish interleaves the two.
type arithEncoder struct {
	low, high uint32
	pending   int    // straddle steps whose bit is not known yet
	coded     []bool // coder bits, in the order the decoder shifts them in
	shifts    int    // coder bits the decoder has shifted in after its first 16
	raw       []rawBits
	stats     *encoderStats
}

// encoderStats records which parts of the format a stream exercised.
type encoderStats struct {
	used   map[*model]map[int]bool // symbols coded, per model
	sorts  map[*model]int          // frequency re-sorts, per model
	halves map[*model]int          // plain rescales, per model
}

type rawBits struct {
	at    int // value of shifts when the decoder reads these bits
	n     uint
	value uint32
}

func (e *arithEncoder) start() {
	*e = arithEncoder{low: 0, high: 0xFFFF, coded: e.coded[:0], raw: e.raw[:0], stats: e.stats}
}

func (e *arithEncoder) emit(bit bool) {
	e.coded = append(e.coded, bit)
	for ; e.pending > 0; e.pending-- {
		e.coded = append(e.coded, !bit)
	}
}

// encode codes sym in m and updates m exactly as the decoder will.
func (e *arithEncoder) encode(m *model, sym int) {
	k := 0
	for int(m.sym[k]) != sym {
		k++ // a symbol outside the model is a bug in the test: let it panic
	}
	span := e.high - e.low + 1
	total := uint32(m.cum[0])
	e.high = e.low + uint32(m.cum[k])*span/total - 1
	e.low += uint32(m.cum[k+1]) * span / total
	for {
		if (e.low^e.high)&0x8000 == 0 {
			e.emit(e.low&0x8000 != 0)
		} else if e.low&0x4000 != 0 && e.high&0x4000 == 0 {
			e.pending++
			e.low &= 0x3FFF
			e.high |= 0x4000
		} else {
			break
		}
		e.low = e.low << 1 & 0xFFFF
		e.high = (e.high<<1 | 1) & 0xFFFF
		e.shifts++
	}
	before := m.shiftsLeft
	m.update(k + 1)
	if st := e.stats; st != nil {
		if st.used[m] == nil {
			st.used[m] = map[int]bool{}
		}
		st.used[m][sym] = true
		switch {
		case before == 1 && m.shiftsLeft == sortCountdown:
			st.sorts[m]++
		case m.shiftsLeft == before-1:
			st.halves[m]++
		}
	}
}

func (e *arithEncoder) rawBits(n uint, v uint32) {
	if n > 0 {
		e.raw = append(e.raw, rawBits{e.shifts, n, v})
	}
}

// finish flushes the coder and returns the frame's bytes: the 16 bits that
// prime the code register, then coder and raw bits in the order the decoder
// consumes them, zero-padded to a byte.
func (e *arithEncoder) finish() []byte {
	// Two more bits pick a value inside the final interval whatever follows.
	e.pending++
	e.emit(e.low >= 0x4000)
	// The decoder reads 16 coder bits past the last shift. Two more zero
	// bits follow because Microsoft's encoder leaves them and 7-Zip insists
	// on reading them.
	for len(e.coded) < 16+e.shifts+2 {
		e.coded = append(e.coded, false)
	}
	var w bitWriter
	next := 0
	putCoded := func(upto int) {
		for ; next < upto; next++ {
			w.put(1, b2u(e.coded[next]))
		}
	}
	for _, r := range e.raw {
		putCoded(16 + r.at)
		w.put(r.n, r.value)
	}
	putCoded(len(e.coded))
	return w.bytes()
}

func b2u(b bool) uint32 {
	if b {
		return 1
	}
	return 0
}

type bitWriter struct {
	out []byte
	acc uint64
	n   uint
}

func (w *bitWriter) put(n uint, v uint32) {
	w.acc = w.acc<<n | uint64(v)&(1<<n-1)
	w.n += n
	for w.n >= 8 {
		w.out = append(w.out, byte(w.acc>>(w.n-8)))
		w.n -= 8
	}
}

func (w *bitWriter) bytes() []byte {
	if w.n > 0 {
		w.put(8-w.n, 0)
	}
	return w.out
}

// testEncoder compresses a whole folder into CFDATA payloads, one per frame.
type testEncoder struct {
	dec *Decoder // holds the models, which the encoder drives identically
	ac  arithEncoder
	rnd *rand.Rand

	// Choices that make the stream less efficient but reach more of the
	// format: skipProb is the chance of coding a found match as a literal,
	// shortenProb the chance of cutting a long match to 3 or 4 bytes.
	skipProb, shortenProb float64
	chain                 int // hash chain steps per position

	// matches lists the matches of the last compress, in order.
	matches []codedMatch
}

// codedMatch is a match the encoder coded at folder offset at.
type codedMatch struct{ at, length, offset int }

func newTestEncoder(windowBits int, seed uint64) *testEncoder {
	d, err := NewDecoder(windowBits)
	if err != nil {
		panic(err)
	}
	return &testEncoder{dec: d, rnd: rand.New(rand.NewPCG(seed, 1)), chain: 32}
}

// compress returns the payloads of the CFDATA blocks holding data.
func (te *testEncoder) compress(data []byte) [][]byte {
	d := te.dec
	d.Reset()
	window := 1 << d.windowBits
	max3 := slotLimit(d.match3.n)
	max4 := slotLimit(d.match4.n)
	hashBits := uint(10)
	for hashBits < 20 && 1<<hashBits < len(data) {
		hashBits++
	}
	head := make([]int32, 1<<hashBits)
	for i := range head {
		head[i] = -1
	}
	prev := make([]int32, len(data))
	hash := func(p int) int {
		return int((uint32(data[p])<<16 | uint32(data[p+1])<<8 | uint32(data[p+2])) * 2654435761 >> (32 - hashBits))
	}
	insert := func(p int) {
		if p+3 <= len(data) {
			h := hash(p)
			prev[p] = head[h]
			head[h] = int32(p)
		}
	}
	var blocks [][]byte
	te.matches = te.matches[:0]
	for start := 0; start < len(data); start += frameSize {
		end := min(start+frameSize, len(data))
		te.ac.start()
		for p := start; p < end; {
			length, offset := 0, 0
			if p+3 <= end {
				for c, n := int(head[hash(p)]), 0; c >= 0 && n < te.chain && p-c <= window; c, n = int(prev[c]), n+1 {
					l := 0
					for p+l < end && l < maxMatch && data[c+l] == data[p+l] {
						l++
					}
					if l > length {
						length, offset = l, p-c
					}
				}
			}
			if length > 4 && te.rnd.Float64() < te.shortenProb {
				length = 3 + te.rnd.IntN(2)
			}
			if length == 4 && offset > max4 || length == 3 && offset > max3 {
				length = 0
			}
			if length >= 3 && te.rnd.Float64() < te.skipProb {
				length = 0
			}
			if length < 3 {
				te.literal(data[p])
				insert(p)
				p++
				continue
			}
			te.match(length, offset)
			te.matches = append(te.matches, codedMatch{p, length, offset})
			for i := 0; i < length; i++ {
				insert(p + i)
			}
			p += length
		}
		blocks = append(blocks, te.ac.finish())
	}
	return blocks
}

func (te *testEncoder) literal(b byte) {
	te.ac.encode(&te.dec.selector, int(b/literalSyms))
	te.ac.encode(&te.dec.literal[b/literalSyms], int(b))
}

func (te *testEncoder) match(length, offset int) {
	d, ac := te.dec, &te.ac
	switch {
	case length == 3:
		ac.encode(&d.selector, selMatch3)
		te.offset(&d.match3, offset)
	case length == 4:
		ac.encode(&d.selector, selMatch4)
		te.offset(&d.match4, offset)
	default:
		ac.encode(&d.selector, selMatchLong)
		v := uint32(length - minLongLength)
		s := findSlot(lengthBase[:], v)
		ac.encode(&d.longLen, s)
		ac.rawBits(uint(lengthExtra[s]), v-lengthBase[s])
		te.offset(&d.longPos, offset)
	}
}

func (te *testEncoder) offset(m *model, offset int) {
	v := uint32(offset - 1)
	s := findSlot(positionBase[:m.n], v)
	te.ac.encode(m, s)
	te.ac.rawBits(uint(positionExtra[s]), v-positionBase[s])
}

// findSlot returns the last slot whose base is at most v.
func findSlot(base []uint32, v uint32) int {
	s := 0
	for s+1 < len(base) && base[s+1] <= v {
		s++
	}
	return s
}

// slotLimit is the largest offset a model of n position slots can code.
func slotLimit(n int) int {
	return int(positionBase[n-1] + 1<<positionExtra[n-1])
}
