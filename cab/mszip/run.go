package mszip

import (
	"errors"
	"fmt"
	"sync"
)

// ErrNeedHistory is returned by Run.Block when a run decoding without its
// history cannot go on without it: Resolve must supply the history before
// the block is decoded.
var ErrNeedHistory = errors.New("mszip: the run needs its history to go on")

// maxWide bounds the elements a Run decodes speculatively: the markers
// and 12 blocks (832 KiB of 16-bit elements). Ordinary data is decoded as
// bytes again after 1 to 12 blocks; data that keeps referring back to
// the unknown history (long repetitions) is better decoded once the
// history is known.
const maxWide = historySize + 12*maxBlock

// widePool holds speculative buffers: a run keeps its own until it is
// resolved, so that its Decoder can start another meanwhile. A buffer
// starts with room for two blocks (most runs need one) and grows.
var widePool = sync.Pool{New: func() any { b := make([]uint16, historySize+2*maxBlock); return &b }}

// A Run decodes consecutive blocks of a folder into one buffer. When the
// output before the run (its history, at most 32 KiB) is not known yet, a
// run still decodes: back-references into the history become markers,
// carried along by later back-references, until the newest 32 KiB of
// output hold none. From there on no block can refer to the unknown
// history, and the run decodes bytes again. Resolve, once the history is
// known, puts the history's bytes where the markers are. So runs that
// start at different points of a folder decode in parallel, as rapidgzip
// decodes gzip; MSZIP needs no search for a block boundary, since the
// cabinet gives every block's place.
//
// Only the first blocks of a run have markers in ordinary data; they are
// decoded as 16-bit elements, the rest as bytes. A Run uses its Decoder's
// tables while it decodes: the Decoder must not decode anything else
// until the run has its last block, but may start another run then.
type Run struct {
	d          *Decoder
	out        []byte
	start, pos int // out[start:pos] is the output
	hist       int // bytes of history before out[start]
	state      int

	// wide holds the speculative output: the markers wide[0:hist], then
	// the output, to wide[wpos]. After the switch to bytes, its first
	// pending elements of output still wait for Resolve.
	wide    *[]uint16
	wpos    int
	pending int
}

// Run states.
const (
	runKnown      = iota // every byte of output is final
	runWide              // decoding markers and bytes into wide
	runSwitched          // decoding bytes; out has markers to fix, before its newest 32 KiB
	runUnresolved        // finished while undetermined: out has markers to fix anywhere
)

// NewRun starts a run whose output goes to out[start:]; hist is how many
// bytes of the folder precede it (at most 32768). If known, they are
// already in out[start-hist:start]; otherwise the run decodes without them
// until Resolve. With 8 bytes of room in out past the run's last block,
// the decoder copies matches faster.
func (d *Decoder) NewRun(out []byte, start, hist int, known bool) (*Run, error) {
	if hist < 0 || hist > historySize || hist > start || start > len(out) {
		return nil, fmt.Errorf("mszip: NewRun: bad positions")
	}
	r := &Run{d: d, out: out, start: start, pos: start, hist: hist}
	if !known && hist > 0 {
		r.state = runWide
		r.wide = widePool.Get().(*[]uint16)
		w := *r.wide
		for i := range hist {
			w[i] = 0x8000 | uint16(i)
		}
		r.wpos = hist
		d.z.lastMarker = hist - 1
	}
	return r, nil
}

// Len is how many bytes the run has decoded.
func (r *Run) Len() int { return r.pos - r.start }

// Known reports whether the run's newest 32 KiB of output (the history of
// whatever follows it) are final: its history was known, or no longer
// mattered, or was supplied.
func (r *Run) Known() bool { return r.state == runKnown || r.state == runSwitched }

// Resolved reports whether all of the run's output is final.
func (r *Run) Resolved() bool { return r.state == runKnown }

// Block decodes one block, src with its CK signature, of n bytes.
func (r *Run) Block(src []byte, n int) error {
	if err := checkBlock(n, src); err != nil {
		return err
	}
	if r.pos+n > len(r.out) {
		return fmt.Errorf("mszip: Run: no room for a block of %d bytes", n)
	}
	z := &r.d.z
	switch r.state {
	case runUnresolved:
		return ErrNeedHistory
	case runKnown, runSwitched:
		if err := z.inflate(r.out, nil, r.start-r.hist, r.pos, r.pos+n, src[2:]); err != nil {
			return err
		}
		r.pos += n
		return nil
	}
	if r.wpos+n > maxWide {
		return ErrNeedHistory
	}
	if r.wpos+n > len(*r.wide) {
		grown := make([]uint16, min(2*len(*r.wide), maxWide))
		copy(grown, (*r.wide)[:r.wpos])
		*r.wide = grown
	}
	w := *r.wide
	if err := z.inflate(nil, w, 0, r.wpos, r.wpos+n, src[2:]); err != nil {
		return err
	}
	r.wpos += n
	r.pos += n
	if z.lastMarker < r.wpos-historySize {
		// The newest 32 KiB hold no marker: they become bytes, and the
		// run goes on in bytes.
		o := r.out[r.pos-historySize : r.pos]
		for i, v := range w[r.wpos-historySize : r.wpos] {
			o[i] = byte(v)
		}
		r.pending = r.wpos - r.hist - historySize
		r.state = runSwitched
	}
	return nil
}

// Finish ends the run's decoding: its Decoder may start another run, even
// if this one is not resolved yet.
func (r *Run) Finish() {
	if r.state == runWide {
		r.pending = r.wpos - r.hist
		r.state = runUnresolved
	}
}

// Resolve supplies the history: window holds the hist bytes before the
// run. The run's output so far becomes final, and further blocks decode
// as bytes.
func (r *Run) Resolve(window []byte) error {
	if r.state == runKnown {
		return nil
	}
	if len(window) != r.hist {
		return fmt.Errorf("mszip: Resolve: %d bytes of history for a run that needs %d", len(window), r.hist)
	}
	r.Finish()
	copy(r.out[r.start-r.hist:r.start], window)
	o := r.out[r.start : r.start+r.pending]
	for i, v := range (*r.wide)[r.hist : r.hist+r.pending] {
		if v < 0x100 {
			o[i] = byte(v)
		} else {
			o[i] = window[v&0x7FFF]
		}
	}
	widePool.Put(r.wide)
	r.wide, r.pending, r.state = nil, 0, runKnown
	return nil
}

// Use makes the run decode its further blocks with d's tables, so that
// the Decoder it started with can begin another run. The run must be
// resolved.
func (r *Run) Use(d *Decoder) { r.d = d }
