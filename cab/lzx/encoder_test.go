package lzx_test

import (
	"encoding/binary"
	"math/rand/v2"
)

// This file is a small LZX encoder for tests, written from [MS-PATCH]
// independently of the decoder (it shares none of its tables). It does no
// match finding: it writes the literals and matches it is given, with
// random but complete Huffman codes (down to 16-bit codes, so the decoder's
// sub-tables get used), random use of the pretree's run symbols, and frames
// cut every 32768 output bytes as cabinets have them.

const testFrame = 32768

// bitWriter writes 16-bit little-endian words, each filled from its most
// significant bit.
type bitWriter struct {
	buf []byte
	acc uint32
	n   uint // bits pending in acc, < 16
}

func (w *bitWriter) write(v uint32, n uint) {
	for n > 0 {
		take := min(n, 16-w.n)
		w.acc = w.acc<<take | (v>>(n-take))&(1<<take-1)
		w.n += take
		n -= take
		if w.n == 16 {
			w.buf = append(w.buf, byte(w.acc), byte(w.acc>>8))
			w.acc, w.n = 0, 0
		}
	}
}

// pad completes the current word with zeros (0 to 15 bits).
func (w *bitWriter) pad() {
	if w.n > 0 {
		w.write(0, 16-w.n)
	}
}

// tok is a literal (length 0) or a match.
type tok struct {
	lit    byte
	length int
	off    int
	useR0  bool // code the match with repeated-offset slot 0 whatever off is
}

type blockSpec struct {
	typ  int // 1 verbatim, 2 aligned, 3 uncompressed
	toks []tok
	raw  []byte

	size        int      // declared size; 0 = the true size
	emptyLength bool     // send an empty length tree
	r           []uint32 // R0-R2 to store in an uncompressed block instead of the real ones
	mainLens    []uint8  // force these main tree lengths
	pretree     []uint8  // force these pretree lengths (first list only)
}

type testEncoder struct {
	rng      *rand.Rand
	slots    int
	mainSyms int
	base     []int
	extra    []uint

	delta    bool // LZX DELTA: lengths of 257 and more take the extended code
	w        bitWriter
	frames   [][]byte
	produced int
	r        [3]int

	mainLens   []uint8
	lengthLens []uint8
}

func newTestEncoder(seed uint64, windowBits int) *testEncoder {
	slots := map[int]int{15: 30, 16: 32, 17: 34, 18: 36, 19: 38, 20: 42, 21: 50, 22: 66, 23: 98, 24: 162, 25: 290}[windowBits]
	e := &testEncoder{
		rng:        rand.New(rand.NewPCG(seed, 7)),
		slots:      slots,
		mainSyms:   256 + 8*slots,
		r:          [3]int{1, 1, 1},
		lengthLens: make([]uint8, 249),
	}
	e.mainLens = make([]uint8, e.mainSyms)
	b := 0
	for s := range slots {
		x := uint(0)
		if s >= 4 {
			x = min(uint(s/2-1), 17)
		}
		e.base = append(e.base, b)
		e.extra = append(e.extra, x)
		b += 1 << x
	}
	return e
}

// header writes the stream header: the E8 flag and translation size.
func (e *testEncoder) header(e8 bool, size uint32) {
	if e8 {
		e.w.write(1, 1)
		e.w.write(size>>16, 16)
		e.w.write(size&0xffff, 16)
	} else {
		e.w.write(0, 1)
	}
}

func (e *testEncoder) advance(n int) {
	e.produced += n
	if e.produced%testFrame == 0 {
		e.cut()
	}
}

func (e *testEncoder) cut() {
	e.w.pad()
	e.frames = append(e.frames, e.w.buf)
	e.w.buf = nil
}

// finish returns the frames, the last one possibly short.
func (e *testEncoder) finish() [][]byte {
	if e.produced%testFrame != 0 || len(e.w.buf) > 0 || e.w.n > 0 {
		e.cut()
	}
	return e.frames
}

// randomLengths returns the lengths of a random complete prefix code over
// n >= 2 symbols, no longer than maxLen, skewed so that long codes occur.
func (e *testEncoder) randomLengths(n int, maxLen uint8) []uint8 {
	d := []uint8{0}
	for len(d) < n {
		var i int
		if e.rng.IntN(3) == 0 {
			for j := range d { // the deepest leaf that may still split
				if d[j] < maxLen && d[j] >= d[i] || d[i] >= maxLen {
					i = j
				}
			}
		} else {
			for i = e.rng.IntN(len(d)); d[i] >= maxLen; i = e.rng.IntN(len(d)) {
			}
		}
		d[i]++
		d = append(d, d[i])
	}
	return d
}

// codeFor gives lengths to the used symbols (plus a few random others)
// out of n, as a complete code.
func (e *testEncoder) codeFor(used map[int]bool, n int, maxLen uint8) []uint8 {
	syms := make([]int, 0, len(used)+4)
	for s := range n {
		if used[s] || e.rng.IntN(16) == 0 {
			syms = append(syms, s)
		}
	}
	for len(syms) < 2 {
		s := e.rng.IntN(n)
		if !used[s] {
			used[s] = true
			syms = append(syms, s)
		}
	}
	lens := make([]uint8, n)
	for i, l := range e.randomLengths(len(syms), maxLen) {
		lens[syms[i]] = l
	}
	return lens
}

func canonical(lens []uint8) []uint32 {
	var count [17]int
	for _, l := range lens {
		if l > 0 {
			count[l]++
		}
	}
	var next [17]uint32
	code := uint32(0)
	for l := 1; l <= 16; l++ {
		if l > 1 {
			code = (code + uint32(count[l-1])) << 1
		}
		next[l] = code
	}
	codes := make([]uint32, len(lens))
	for s, l := range lens {
		if l > 0 {
			codes[s] = next[l]
			next[l]++
		}
	}
	return codes
}

type ptItem struct {
	sym, sym2 int // sym2 >= 0 for symbol 19
	extra     uint32
	extraBits uint
}

// writeLengths codes next[first:last] against prev with a pretree, and
// makes prev equal to next there.
func (e *testEncoder) writeLengths(prev, next []uint8, first, last int, forced []uint8) {
	var items []ptItem
	delta := func(x int, v uint8) int { return (int(prev[x]) - int(v) + 17) % 17 }
	for x := first; x < last; {
		run := 1
		for x+run < last && next[x+run] == next[x] {
			run++
		}
		useRun := e.rng.IntN(2) == 0
		switch {
		case useRun && next[x] == 0 && run >= 20:
			n := min(run, 51)
			items = append(items, ptItem{sym: 18, sym2: -1, extra: uint32(n - 20), extraBits: 5})
			x += n
		case useRun && next[x] == 0 && run >= 4:
			n := min(run, 19)
			items = append(items, ptItem{sym: 17, sym2: -1, extra: uint32(n - 4), extraBits: 4})
			x += n
		case useRun && run >= 4:
			n := min(run, 5)
			items = append(items, ptItem{sym: 19, sym2: delta(x, next[x]), extra: uint32(n - 4), extraBits: 1})
			x += n
		default:
			items = append(items, ptItem{sym: delta(x, next[x]), sym2: -1})
			x++
		}
	}
	used := map[int]bool{}
	for _, it := range items {
		used[it.sym] = true
		if it.sym2 >= 0 {
			used[it.sym2] = true
		}
	}
	pl := forced
	if pl == nil {
		pl = e.codeFor(used, 20, 15)
	}
	for _, l := range pl {
		e.w.write(uint32(l), 4)
	}
	codes := canonical(pl)
	for _, it := range items {
		e.w.write(codes[it.sym], uint(pl[it.sym]))
		e.w.write(it.extra, it.extraBits)
		if it.sym2 >= 0 {
			e.w.write(codes[it.sym2], uint(pl[it.sym2]))
		}
	}
	copy(prev[first:last], next[first:last])
}

type coded struct {
	main, length int // length -1: none
	slot         int
	v            uint32 // extra bits value
	ext          int    // LZX DELTA extended length; 0: none
	size         int
	lit          bool
}

// block writes one LZX block.
func (e *testEncoder) block(b blockSpec) {
	size := b.size
	if size == 0 {
		size = len(b.raw)
		for _, t := range b.toks {
			size += max(t.length, 1)
		}
	}
	e.w.write(uint32(b.typ), 3)
	e.w.write(uint32(size)>>8, 16)
	e.w.write(uint32(size)&0xff, 8)
	switch b.typ {
	case 3:
		e.uncompressed(b)
	default:
		e.compressed(b)
	}
}

func (e *testEncoder) uncompressed(b blockSpec) {
	e.w.write(0, 16-e.w.n) // 1 to 16 bits of padding
	r := []uint32{uint32(e.r[0]), uint32(e.r[1]), uint32(e.r[2])}
	if b.r != nil {
		r = b.r
		e.r = [3]int{int(r[0]), int(r[1]), int(r[2])}
	}
	for _, v := range r {
		e.w.buf = binary.LittleEndian.AppendUint32(e.w.buf, v)
	}
	for i, c := range b.raw {
		e.w.buf = append(e.w.buf, c)
		if i == len(b.raw)-1 && len(b.raw)%2 == 1 {
			e.w.buf = append(e.w.buf, 0)
		}
		e.advance(1)
	}
}

func (e *testEncoder) compressed(b blockSpec) {
	aligned := b.typ == 2
	var cs []coded
	usedMain, usedLen, usedAl := map[int]bool{}, map[int]bool{}, map[int]bool{}
	for _, t := range b.toks {
		if t.length == 0 {
			cs = append(cs, coded{main: int(t.lit), length: -1, lit: true, size: 1})
			usedMain[int(t.lit)] = true
			continue
		}
		c := coded{length: -1, size: t.length}
		switch {
		case t.useR0 || t.off == e.r[0]:
			c.slot = 0
		case t.off == e.r[1]:
			c.slot = 1
			e.r[0], e.r[1] = e.r[1], e.r[0]
		case t.off == e.r[2]:
			c.slot = 2
			e.r[0], e.r[2] = e.r[2], e.r[0]
		default:
			f := t.off + 2
			s := 3
			for s+1 < e.slots && e.base[s+1] <= f {
				s++
			}
			c.slot, c.v = s, uint32(f-e.base[s])
			e.r = [3]int{t.off, e.r[0], e.r[1]}
			if aligned && e.extra[s] >= 3 {
				usedAl[int(c.v&7)] = true
			}
		}
		lh := min(t.length-2, 7)
		c.main = 256 + c.slot*8 + lh
		if lh == 7 {
			c.length = t.length - 9
			if e.delta && t.length >= 257 {
				c.length, c.ext = 248, t.length
			}
			usedLen[c.length] = true
		}
		usedMain[c.main] = true
		cs = append(cs, c)
	}

	var alLens []uint8
	if aligned {
		alLens = e.codeFor(usedAl, 8, 7)
		for _, l := range alLens {
			e.w.write(uint32(l), 3)
		}
	}
	mainLens := b.mainLens
	if mainLens == nil {
		mainLens = e.codeFor(usedMain, e.mainSyms, 16)
	}
	lenLens := make([]uint8, 249)
	if !b.emptyLength && (len(usedLen) > 0 || e.rng.IntN(2) == 0) {
		lenLens = e.codeFor(usedLen, 249, 16)
	}
	e.writeLengths(e.mainLens, mainLens, 0, 256, b.pretree)
	e.writeLengths(e.mainLens, mainLens, 256, e.mainSyms, nil)
	e.writeLengths(e.lengthLens, lenLens, 0, 249, nil)

	mainCodes, lenCodes, alCodes := canonical(mainLens), canonical(lenLens), canonical(alLens)
	for _, c := range cs {
		e.w.write(mainCodes[c.main], uint(mainLens[c.main]))
		if !c.lit {
			if c.length >= 0 {
				e.w.write(lenCodes[c.length], uint(lenLens[c.length]))
			}
			if c.slot >= 3 {
				x := e.extra[c.slot]
				if aligned && x >= 3 {
					e.w.write(c.v>>3, x-3)
					e.w.write(alCodes[c.v&7], uint(alLens[c.v&7]))
				} else {
					e.w.write(c.v, x)
				}
			}
			if c.ext > 0 {
				e.extendedLength(c.ext)
			}
		}
		e.advance(c.size)
	}
}

// extendedLength writes the LZX DELTA code for a match length of 257 or
// more ([MS-PATCH] 2.3.2.2): the shortest of the four forms that fits, or
// now and then the 15-bit one, which fits all.
func (e *testEncoder) extendedLength(n int) {
	switch v := n - 257; {
	case e.rng.IntN(4) == 0:
		e.w.write(7, 3)
		e.w.write(uint32(v), 15)
	case v < 1<<8:
		e.w.write(0, 1)
		e.w.write(uint32(v), 8)
	case v < 256+1<<10:
		e.w.write(2, 2)
		e.w.write(uint32(v-256), 10)
	case v < 1280+1<<12:
		e.w.write(6, 3)
		e.w.write(uint32(v-1280), 12)
	default:
		e.w.write(7, 3)
		e.w.write(uint32(v), 15)
	}
}

// genBlocks makes random blocks for a stream of total bytes and returns
// them with the bytes they decode to (before E8 translation).
func genBlocks(rng *rand.Rand, windowBits, total int) ([]blockSpec, []byte) {
	var plain []byte
	var blocks []blockSpec
	recent := []int{1, 1, 1}
	maxOff := 1<<windowBits - 3
	for len(plain) < total {
		n := min(1+rng.IntN(3*testFrame), total-len(plain))
		b := blockSpec{typ: 1 + rng.IntN(3)}
		end := len(plain) + n
		if b.typ == 3 {
			for range n {
				b.raw = append(b.raw, byte(rng.IntN(4)*0x3a))
			}
			plain = append(plain, b.raw...)
			blocks = append(blocks, b)
			continue
		}
		for len(plain) < end {
			p := len(plain)
			room := min(257, end-p, testFrame-p%testFrame)
			if p == 0 || room < 2 || rng.IntN(3) == 0 {
				c := byte(rng.IntN(8) * 0x1d) // includes 0xE8
				b.toks = append(b.toks, tok{lit: c})
				plain = append(plain, c)
				continue
			}
			length := 2 + rng.IntN(room-1)
			if rng.IntN(4) == 0 {
				length = min(room, 2+rng.IntN(8))
			}
			var off int
			if rng.IntN(3) == 0 && recent[0] <= p {
				off = recent[rng.IntN(3)]
				if off > p {
					off = recent[0]
				}
			} else if rng.IntN(2) == 0 {
				off = 1 + rng.IntN(min(p, 64))
			} else {
				off = 1 + rng.IntN(min(p, maxOff))
			}
			recent = []int{off, recent[0], recent[1]}
			b.toks = append(b.toks, tok{length: length, off: off})
			for i := range length {
				plain = append(plain, plain[p-off+i])
			}
		}
		blocks = append(blocks, b)
	}
	return blocks, plain
}

// encodeStream encodes blocks as one folder's frames.
func encodeStream(seed uint64, windowBits int, e8 bool, e8size uint32, blocks []blockSpec) [][]byte {
	return encode(newTestEncoder(seed, windowBits), e8, e8size, blocks)
}

func encode(e *testEncoder, e8 bool, e8size uint32, blocks []blockSpec) [][]byte {
	e.header(e8, e8size)
	for _, b := range blocks {
		e.block(b)
	}
	return e.finish()
}

// refE8 is a plain reimplementation of the E8 decoding of one frame.
func refE8(frame []byte, frameOff int, size int32) {
	if len(frame) <= 10 {
		return
	}
	for i := 0; i < len(frame)-10; i++ {
		if frame[i] != 0xE8 {
			continue
		}
		cur := int64(frameOff + i)
		abs := int64(int32(binary.LittleEndian.Uint32(frame[i+1:])))
		if abs >= -cur && abs < int64(size) {
			rel := abs - cur
			if abs < 0 {
				rel = abs + int64(size)
			}
			binary.LittleEndian.PutUint32(frame[i+1:], uint32(rel))
		}
		i += 4
	}
}
