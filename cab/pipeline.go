package cab

import (
	"errors"
	"fmt"
	"io"
	"sync"
	"sync/atomic"

	"github.com/msikit/msikit/cab/mszip"
)

// Decoding a folder ahead of its delivery.
//
// Extract with more than one worker decodes each folder in a pipeline,
// so that decoding and whatever the caller does with the bytes (writing
// files, hashing them) run at the same time:
//
//   - the splitter reads the folder's CFDATA blocks in order, in one
//     sequential pass, and cuts them into chunks of consecutive blocks;
//   - decoders turn chunks into output, each into its own buffer. An
//     MSZIP folder has several: each block is a deflate stream that refers
//     at most 32 KiB back, so a chunk can be decoded before the one
//     before it (mszip.Run), and the chunks of one folder use every core.
//     Other methods have one decoder, which keeps its window from chunk
//     to chunk;
//   - the collector takes the chunks back in order, gives a chunk decoded
//     without its history the end of the previous one (mszip.Run.Resolve),
//     and hands it on;
//   - the goroutine that called Extract delivers the files' bytes from the
//     chunks' buffers (pipeStream) and returns each buffer for reuse.
//
// Memory is a fixed number of chunk buffers per folder being extracted,
// whatever the folder's size.

// Chunk sizes in blocks: larger with several MSZIP decoders, so that the
// first blocks of each chunk, decoded without their history, are few.
const (
	chunkBlocksParallel = 32 // 1 MiB of output
	chunkBlocksSerial   = 16 // 512 KiB
)

// chunkPrefix is the room before a chunk's output for an MSZIP history.
const chunkPrefix = 32 << 10

// chunkSlack is the room after the output that lets the MSZIP decoder
// copy matches eight bytes at a time up to the end.
const chunkSlack = 8

// chunk is a run of consecutive blocks of a folder, decoded as a unit.
type chunk struct {
	off    int64 // folder offset of the first output byte
	in     []byte
	blocks []chunkBlock
	buf    []byte // chunkPrefix bytes, the output, chunkSlack bytes
	n      int    // output bytes decoded
	next   int    // the first block the decoder left (all done: len(blocks))
	err    error  // what ends the folder after this chunk's n bytes
	// splitErr is the splitter's error after the chunk's blocks: it ends
	// the folder once they are all decoded.
	splitErr error
	run      *mszip.Run
	done     chan struct{}
	seq      int  // the chunk's number in the folder
	skip     bool // left whole to the collector (see pipeline.specFail)
}

type chunkBlock struct {
	start, end int // payload: in[start:end]
	usize      int
	seg        int // segment it starts in, for messages
	number     int // its number in the folder, for messages
}

func (c *chunk) output() []byte { return c.buf[chunkPrefix : chunkPrefix+c.n] }

// chunkPool keeps chunk buffers from one extraction to the next.
var chunkPool sync.Pool

type pipeline struct {
	r       *Reader
	f       *Folder
	limit   int64 // decode until the output reaches this folder offset
	per     int   // blocks per chunk
	workers int

	free  chan *chunk // chunks to reuse: their number bounds memory
	jobs  chan *chunk // to the decoders
	order chan *chunk // to the collector, in folder order
	out   chan *chunk // to the consumer, in folder order

	// specFail counts the MSZIP runs in a row that never found the end of
	// the unknown history's reach: data that keeps referring back (long
	// repetitions). From two on, chunks are left to the collector, which
	// decodes them with their history, but for one in eight that tries
	// again.
	specFail atomic.Int32

	quit     chan struct{}
	stopOnce sync.Once
	stopped  atomic.Bool
	wg       sync.WaitGroup
}

// startPipeline starts decoding folder f, up to folder offset limit, with
// the given number of decoders (1 unless the folder is MSZIP).
func (r *Reader) startPipeline(f *Folder, limit int64, workers int) (*pipeline, error) {
	if f.Compression.Method() != MethodMSZIP {
		workers = 1
	}
	decs := make([]decompressor, workers)
	for i := range decs {
		d, err := newDecompressor(f.Compression)
		if err != nil {
			return nil, fmt.Errorf("folder %d: %w", f.Index, err)
		}
		decs[i] = d
	}
	per := chunkBlocksSerial
	if workers > 1 {
		per = chunkBlocksParallel
	}
	// A small folder needs no more than its size.
	per = max(1, min(per, f.NumBlocks))
	inflight := workers + 2
	p := &pipeline{
		r: r, f: f, limit: limit, per: per, workers: workers,
		free:  make(chan *chunk, inflight),
		jobs:  make(chan *chunk, inflight),
		order: make(chan *chunk, inflight),
		out:   make(chan *chunk, 1),
		quit:  make(chan struct{}),
	}
	size := chunkPrefix + per*maxBlockUncomp + chunkSlack
	for range inflight {
		c, _ := chunkPool.Get().(*chunk)
		if c == nil || cap(c.buf) < size {
			// Room for the compressed blocks of text; more is made if
			// needed.
			c = &chunk{buf: make([]byte, size), in: make([]byte, 0, per*maxBlockUncomp/2+2*maxBlockComp)}
		}
		c.buf = c.buf[:size]
		p.free <- c
	}
	p.wg.Add(2 + workers)
	go p.split()
	for _, d := range decs {
		if m, ok := d.(*mszip.Decoder); ok {
			go p.decodeMSZIP(m)
		} else {
			go p.decode(d)
		}
	}
	go p.collect()
	return p, nil
}

// stop ends the pipeline and waits for its goroutines; the chunk buffers
// go back to the pool.
func (p *pipeline) stop() {
	p.stopOnce.Do(func() {
		p.stopped.Store(true)
		close(p.quit)
		p.wg.Wait()
		// Every goroutine is gone and every channel closed but free.
		seen := map[*chunk]bool{}
		for _, ch := range []chan *chunk{p.out, p.order, p.jobs} {
			for c := range ch {
				seen[c] = true
			}
		}
		for len(p.free) > 0 {
			seen[<-p.free] = true
		}
		for c := range seen {
			p.recycle(c)
		}
	})
}

func (p *pipeline) recycle(c *chunk) {
	c.in, c.blocks, c.run, c.err = c.in[:0], c.blocks[:0], nil, nil
	chunkPool.Put(c)
}

// release returns a chunk the consumer is done with.
func (p *pipeline) release(c *chunk) {
	c.run = nil
	select {
	case p.free <- c:
	default:
	}
}

// split reads the blocks and makes the chunks.
func (p *pipeline) split() {
	defer p.wg.Done()
	defer close(p.order)
	defer close(p.jobs)
	br := newBlockReader(p.f)
	var off int64
	for seq := 0; off < p.limit; seq++ {
		var c *chunk
		select {
		case c = <-p.free:
		case <-p.quit:
			return
		}
		c.off, c.in, c.blocks, c.n, c.next, c.err, c.splitErr, c.run = off, c.in[:0], c.blocks[:0], 0, 0, nil, nil, nil
		c.done, c.seq, c.skip = make(chan struct{}), seq, false
		// A chunk also ends at half its output size of compressed data,
		// so that the input buffers stay small whatever the data.
		for len(c.blocks) < p.per && off < p.limit && len(c.in) < p.per*maxBlockUncomp/2 {
			number, start := br.block, len(c.in)
			in, usize, seg, err := br.next(c.in)
			if err != nil {
				c.in, c.splitErr = in[:start], err
				break
			}
			c.in = in
			c.blocks = append(c.blocks, chunkBlock{start: start, end: len(in), usize: usize, seg: seg, number: number})
			off += int64(usize)
		}
		p.order <- c // never blocks: the channel holds every chunk there is
		if len(c.blocks) > 0 {
			p.jobs <- c
		} else {
			close(c.done)
		}
		if c.splitErr != nil {
			return
		}
	}
}

// blockError words a codec's error as folderStream does.
func (p *pipeline) blockError(b chunkBlock, err error) error {
	br := blockReader{f: p.f}
	return fmt.Errorf("%s: %w", br.where(b.seg, b.number), codecError{err})
}

// decode is the decoder of a folder that is not MSZIP: one, keeping its
// state from chunk to chunk.
func (p *pipeline) decode(d decompressor) {
	defer p.wg.Done()
	for c := range p.jobs {
		pos := chunkPrefix
		c.next = len(c.blocks)
		for i, b := range c.blocks {
			if p.stopped.Load() {
				c.next = i
				break
			}
			if err := d.Decompress(c.buf[pos:pos+b.usize], c.in[b.start:b.end]); err != nil {
				c.next, c.err = i, p.blockError(b, err)
				break
			}
			pos += b.usize
			p.r.decoded.Add(int64(b.usize))
		}
		c.n = pos - chunkPrefix
		close(c.done)
	}
}

// decodeMSZIP is one of an MSZIP folder's decoders. A chunk whose history
// it has (it decoded the chunk before) is decoded as bytes; any other is
// decoded as an mszip.Run without its history, for the collector to
// resolve.
func (p *pipeline) decodeMSZIP(d *mszip.Decoder) {
	defer p.wg.Done()
	tail := make([]byte, 0, chunkPrefix)
	tailEnd := int64(-1) // folder offset where tail ends
	for c := range p.jobs {
		hist := int(min(c.off, chunkPrefix))
		known := hist == 0
		if !known && tailEnd == c.off {
			copy(c.buf[chunkPrefix-hist:chunkPrefix], tail[len(tail)-hist:])
			known = true
		}
		if !known && p.specFail.Load() >= 2 && c.seq%8 != 0 {
			c.skip, c.next = true, 0
			tailEnd = -1
			close(c.done)
			continue
		}
		run, err := d.NewRun(c.buf, chunkPrefix, hist, known)
		if err != nil {
			panic(err) // the positions are ours
		}
		c.run = run
		c.next = len(c.blocks)
		for i, b := range c.blocks {
			if p.stopped.Load() {
				c.next = i
				break
			}
			err := run.Block(c.in[b.start:b.end], b.usize)
			if errors.Is(err, mszip.ErrNeedHistory) {
				c.next = i // the collector goes on from here
				p.specFail.Add(1)
				break
			}
			if err != nil {
				c.next, c.err = i, p.blockError(b, err)
				break
			}
			p.r.decoded.Add(int64(b.usize))
		}
		run.Finish()
		if !known && run.Known() {
			p.specFail.Store(0)
		}
		c.n = run.Len()
		tailEnd = -1
		if run.Known() && c.next == len(c.blocks) {
			end := chunkPrefix + c.n
			h := int(min(c.off+int64(c.n), chunkPrefix))
			tail = append(tail[:0], c.buf[end-h:end]...)
			tailEnd = c.off + int64(c.n)
		}
		close(c.done)
	}
}

// collect puts the chunks back in order, resolves those decoded without
// their history, decodes what a decoder left for want of it, and passes
// them on.
func (p *pipeline) collect() {
	defer p.wg.Done()
	defer close(p.out)
	var d *mszip.Decoder
	tail := make([]byte, 0, chunkPrefix) // the newest output so far
	for c := range p.order {
		select {
		case <-c.done:
		case <-p.quit:
			return
		}
		if c.skip && !p.stopped.Load() {
			// Decoded here, with its history.
			if d == nil {
				d = mszip.NewDecoder()
			}
			hist := int(min(c.off, chunkPrefix))
			copy(c.buf[chunkPrefix-hist:chunkPrefix], tail[len(tail)-hist:])
			run, err := d.NewRun(c.buf, chunkPrefix, hist, true)
			if err != nil {
				panic(err) // the positions are ours
			}
			c.run = run
		}
		if c.run != nil {
			if !c.run.Resolved() {
				hist := int(min(c.off, chunkPrefix))
				if err := c.run.Resolve(tail[len(tail)-hist:]); err != nil {
					panic(err) // the sizes are ours
				}
			}
			if c.next < len(c.blocks) && c.err == nil && !p.stopped.Load() {
				if d == nil {
					d = mszip.NewDecoder()
				}
				c.run.Use(d)
				for _, b := range c.blocks[c.next:] {
					if err := c.run.Block(c.in[b.start:b.end], b.usize); err != nil {
						c.err = p.blockError(b, err)
						break
					}
					p.r.decoded.Add(int64(b.usize))
				}
				c.n = c.run.Len()
			}
		}
		if c.err == nil && c.next == len(c.blocks) {
			c.err = c.splitErr
		}
		out := c.output()
		if len(out) >= chunkPrefix {
			tail = append(tail[:0], out[len(out)-chunkPrefix:]...)
		} else {
			tail = append(tail, out...)
			if extra := len(tail) - chunkPrefix; extra > 0 {
				tail = append(tail[:0], tail[extra:]...)
			}
		}
		// Once sent, c belongs to the consumer.
		failed := c.err != nil
		select {
		case p.out <- c:
		case <-p.quit:
			return
		}
		if failed {
			return
		}
	}
}

// pipeStream delivers a pipeline's output in order, as folderStream does
// for a folder decoded on the spot.
type pipeStream struct {
	p    *pipeline
	c    *chunk // the chunk being delivered
	data []byte // its undelivered output
	off  int64  // folder offset of data[0]
	pend error  // the error after c's output
	err  error
}

func (s *pipeStream) failed() error { return s.err }
func (s *pipeStream) offset() int64 { return s.off }

func (s *pipeStream) close() {
	if s.c != nil {
		s.p.release(s.c)
		s.c = nil
	}
	s.p.stop()
}

// fill makes data non-empty, taking the next chunk when needed.
func (s *pipeStream) fill() error {
	for len(s.data) == 0 {
		if s.err != nil {
			return s.err
		}
		if s.pend != nil {
			s.err = s.pend
			return s.err
		}
		if s.c != nil {
			s.p.release(s.c)
			s.c = nil
		}
		c, ok := <-s.p.out
		if !ok {
			s.err = fmt.Errorf("folder %d: %w: data ends at offset %d", s.p.f.Index, ErrFormat, s.off)
			return s.err
		}
		s.c, s.data, s.off, s.pend = c, c.output(), c.off, c.err
	}
	return nil
}

func (s *pipeStream) read(p []byte) (int, error) {
	if err := s.fill(); err != nil {
		return 0, err
	}
	n := copy(p, s.data)
	s.data = s.data[n:]
	s.off += int64(n)
	return n, nil
}

func (s *pipeStream) skipTo(off int64) error {
	for s.off < off {
		if err := s.fill(); err != nil {
			return err
		}
		n := int(min(int64(len(s.data)), off-s.off))
		s.data = s.data[n:]
		s.off += int64(n)
	}
	return nil
}

func (s *pipeStream) writeTo(w io.Writer, n int64) (int64, error) {
	var done int64
	for done < n {
		if err := s.fill(); err != nil {
			return done, err
		}
		k := int(min(int64(len(s.data)), n-done))
		m, err := w.Write(s.data[:k])
		s.data = s.data[m:]
		s.off += int64(m)
		done += int64(m)
		if err != nil {
			return done, err
		}
		if m < k {
			return done, io.ErrShortWrite
		}
	}
	return done, nil
}
