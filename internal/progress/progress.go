// Package progress draws the one progress line of msikit's long commands
// (extract, admin, cab extract/test/create, build, verify, manifest
// generate) and keeps their listing output apart from it.
//
// A Bar counts bytes (and, optionally, files) as the work goes. When
// standard error is a terminal it draws one line there, at most ten times
// a second from its own goroutine: what is being done, the share done, a
// bar, bytes done of the total, the rate and the time left, fitted to the
// terminal's width so that it never wraps (a wrapped line is what leaves
// stale copies on the screen when it is redrawn). Done erases it.
//
// Listing lines (a line per file extracted) go through Println: when
// standard output is the same terminal, they are held and written above
// the bar at its next redraw (the bar is erased, the lines written, the
// bar drawn again), so a line is never cut by the bar nor the bar left
// between lines. Otherwise they are written as they are, buffered, and
// the bar (if any) is not touched.
//
// When standard error is not a terminal nothing is drawn and no escape
// sequence is written anywhere: the listing is plain lines.
//
// The cost is an atomic add per Read or Add call and a redraw every
// 100 ms, whatever the number of files.
package progress

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode"

	"golang.org/x/term"
	"golang.org/x/text/width"
)

// Options set up a Bar.
type Options struct {
	// Label says what is being done ("extracting SCCM.msi"); it is cut
	// from the left when the terminal is narrow.
	Label string
	// Total is the number of bytes expected, 0 when not known yet
	// (SetTotal); Files the number of files, 0 to show no file count.
	Total int64
	Files int
	// Quiet draws nothing and drops the listing: -q.
	Quiet bool
}

// Interval is how often the bar is redrawn; Delay how long a run goes
// before it is first drawn (a run shorter than that shows no bar at all).
var (
	Interval = 100 * time.Millisecond
	Delay    = 200 * time.Millisecond
)

// Bar is one progress display. Its methods are safe for concurrent use;
// a nil *Bar does nothing.
type Bar struct {
	done, total  atomic.Int64
	files, nfile atomic.Int64

	mu      sync.Mutex
	label   string
	quiet   bool
	stderr  io.Writer
	errFd   int  // stderr's descriptor when drawing, for its width
	draw    bool // stderr is a terminal
	inline  bool // stdout is a terminal too: listing goes above the bar
	out     *bufio.Writer
	pending []byte // listing held for the next redraw (inline)
	drawn   bool   // the bar is on the screen
	start   time.Time
	samples []sample // recent (time, bytes), for the rate
	stop    chan struct{}
	stopped chan struct{}
	ended   bool
}

type sample struct {
	t time.Time
	n int64
}

// terminalFd returns w's descriptor if w is a terminal.
func terminalFd(w io.Writer) (int, bool) {
	f, ok := w.(*os.File)
	if !ok {
		return 0, false
	}
	fd := int(f.Fd())
	return fd, term.IsTerminal(fd)
}

// IsTerminal reports whether w is a terminal, where a bar is drawn.
func IsTerminal(w io.Writer) bool {
	_, ok := terminalFd(w)
	return ok
}

// New starts a Bar that writes the listing to stdout and draws on stderr.
// Call Done when the work ends.
func New(stdout, stderr io.Writer, o Options) *Bar {
	b := &Bar{label: o.Label, quiet: o.Quiet, stderr: stderr, out: bufio.NewWriterSize(stdout, 32<<10), start: time.Now()}
	b.total.Store(o.Total)
	b.nfile.Store(int64(o.Files))
	if fd, ok := terminalFd(stderr); ok && !o.Quiet {
		b.draw, b.errFd = true, fd
		_, b.inline = terminalFd(stdout)
		b.stop, b.stopped = make(chan struct{}), make(chan struct{})
		go b.loop()
	}
	return b
}

// Drawing reports whether the bar is drawn (stderr is a terminal and not
// quiet): commands that print a line per file may then keep them short.
func (b *Bar) Drawing() bool { return b != nil && b.draw }

// Add counts n more bytes done.
func (b *Bar) Add(n int64) {
	if b != nil {
		b.done.Add(n)
	}
}

// Set says how far the work is, for callers told absolute figures. A
// count that goes back (a new stage of the work) starts the rate anew.
func (b *Bar) Set(done, total int64) {
	if b == nil {
		return
	}
	if done < b.done.Load() {
		b.mu.Lock()
		b.samples = b.samples[:0]
		b.mu.Unlock()
	}
	b.done.Store(done)
	b.total.Store(total)
}

// FileDone counts one more file done.
func (b *Bar) FileDone() {
	if b != nil {
		b.files.Add(1)
	}
}

// SetTotal sets the bytes and files expected (files 0: no file count).
func (b *Bar) SetTotal(bytes int64, files int) {
	if b != nil {
		b.total.Store(bytes)
		b.nfile.Store(int64(files))
	}
}

// SetLabel changes what the bar says is being done.
func (b *Bar) SetLabel(s string) {
	if b != nil {
		b.mu.Lock()
		b.label = s
		b.mu.Unlock()
	}
}

// Reader counts the bytes read from r. When r is an io.WriterTo (a
// cabinet member), so is the reader: io.Copy then still takes the bytes
// straight from the decoder's buffer, with no copy buffer per file.
func (b *Bar) Reader(r io.Reader) io.Reader {
	if b == nil {
		return r
	}
	if wt, ok := r.(io.WriterTo); ok {
		return &writerToReader{reader{r, b}, wt}
	}
	return &reader{r, b}
}

type reader struct {
	r io.Reader
	b *Bar
}

func (r *reader) Read(p []byte) (int, error) { return r.b.count(r.r.Read(p)) }

// count adds n bytes done and passes on a Read's or Write's results.
func (b *Bar) count(n int, err error) (int, error) {
	b.done.Add(int64(n))
	return n, err
}

type writerToReader struct {
	reader
	wt io.WriterTo
}

func (r *writerToReader) WriteTo(w io.Writer) (int64, error) {
	return r.wt.WriteTo(&countingWriter{w, r.b})
}

// countingWriter counts the bytes written through it.
type countingWriter struct {
	w io.Writer
	b *Bar
}

func (c *countingWriter) Write(p []byte) (int, error) { return c.b.count(c.w.Write(p)) }

// Printf writes a listing line (a newline is added when missing) to
// standard output, above the bar; nothing when quiet.
func (b *Bar) Printf(format string, a ...any) {
	if b == nil || b.quiet {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.inline {
		b.pending = fmt.Appendf(b.pending, format, a...)
		if len(b.pending) > 0 && b.pending[len(b.pending)-1] != '\n' {
			b.pending = append(b.pending, '\n')
		}
		if len(b.pending) >= 256<<10 || b.ended {
			b.flushLocked()
		}
		return
	}
	fmt.Fprintf(b.out, format, a...)
	if !strings.HasSuffix(format, "\n") {
		b.out.WriteByte('\n')
	}
}

// Println is Printf of its operands, as fmt.Println prints them.
func (b *Bar) Println(a ...any) {
	if b == nil {
		return
	}
	b.Printf("%s\n", strings.TrimSuffix(fmt.Sprintln(a...), "\n"))
}

// Warnf writes a message line to standard error, above the bar, at
// once (warnings are not held). It is written even when quiet.
func (b *Bar) Warnf(format string, a ...any) {
	if b == nil {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.flushLocked()
	b.eraseLocked()
	msg := fmt.Sprintf(format, a...)
	if !strings.HasSuffix(msg, "\n") {
		msg += "\n"
	}
	io.WriteString(b.stderr, msg)
}

// Done stops the bar, writes what listing is held, erases the bar and
// flushes standard output. The figures stay readable; calling Done again
// does nothing.
func (b *Bar) Done() {
	if b == nil {
		return
	}
	if b.stop != nil {
		b.mu.Lock()
		ended := b.ended
		b.ended = true
		b.mu.Unlock()
		if !ended {
			close(b.stop)
			<-b.stopped
		}
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.ended = true
	b.flushLocked()
	b.eraseLocked()
}

func (b *Bar) loop() {
	defer close(b.stopped)
	t := time.NewTicker(Interval)
	defer t.Stop()
	for {
		select {
		case <-b.stop:
			return
		case now := <-t.C:
			b.mu.Lock()
			b.samples = append(b.samples, sample{now, b.done.Load()})
			if len(b.samples) > 50 { // five seconds at the default interval
				b.samples = b.samples[1:]
			}
			if now.Sub(b.start) >= Delay {
				b.flushLocked()
				b.redrawLocked(now)
			}
			b.mu.Unlock()
		}
	}
}

// flushLocked writes the held listing (erasing the bar first) and
// flushes the buffered one.
func (b *Bar) flushLocked() {
	if len(b.pending) > 0 {
		b.eraseLocked()
		b.out.Write(b.pending)
		b.pending = b.pending[:0]
	}
	b.out.Flush()
}

func (b *Bar) eraseLocked() {
	if b.drawn {
		io.WriteString(b.stderr, "\r\x1b[K")
		b.drawn = false
	}
}

func (b *Bar) redrawLocked(now time.Time) {
	cols := 80
	if w, _, err := term.GetSize(b.errFd); err == nil && w > 0 {
		cols = w
	}
	// One column short of the width: a line that fills the last column
	// makes some terminals wrap, and the next \r would then redraw below.
	line := b.render(cols-1, now)
	io.WriteString(b.stderr, "\r"+line+"\x1b[K")
	b.drawn = true
}

// render makes the bar's line, at most cols columns wide.
func (b *Bar) render(cols int, now time.Time) string {
	done, total := b.done.Load(), b.total.Load()
	files, nfile := b.files.Load(), b.nfile.Load()
	rate := b.rate()
	// The figures, most important first: dropped from the end when the
	// line would not fit.
	var parts []string
	pct := ""
	if total > 0 {
		p := done * 100 / total
		pct = fmt.Sprintf("%3d%%", min(p, 100))
		parts = append(parts, Bytes(done)+"/"+Bytes(total))
	} else {
		parts = append(parts, Bytes(done))
	}
	if rate > 0 {
		parts = append(parts, Bytes(int64(rate))+"/s")
		if total > done {
			parts = append(parts, "ETA "+clock(time.Duration(float64(total-done)/rate*float64(time.Second))))
		}
	} else {
		parts = append(parts, "elapsed "+clock(now.Sub(b.start)))
	}
	if nfile > 0 {
		parts = append(parts, fmt.Sprintf("%d/%d files", files, nfile))
	}
	for len(parts) > 1 && textWidth(pct)+2+textWidth(strings.Join(parts, "  ")) > cols {
		parts = parts[:len(parts)-1]
	}
	right := strings.Join(parts, "  ")
	if pct != "" {
		right = pct + "  " + right
	}
	label := printable(b.label)
	room := cols - textWidth(right) - 2
	// A bar of what is left once the label has 20 columns, if that is
	// at least 10.
	barCols := 0
	if total > 0 {
		barCols = min(room-min(textWidth(label), 20)-2, 40)
		if barCols < 10 {
			barCols = 0
		}
	}
	if barCols > 0 {
		room -= barCols + 2
	}
	var sb strings.Builder
	if room >= 8 && label != "" {
		sb.WriteString(cutLeft(label, room))
		sb.WriteString("  ")
	}
	if barCols > 0 {
		inner := barCols - 2
		fill := int(min(done, total) * int64(inner) / total)
		sb.WriteString("[" + strings.Repeat("=", fill) + strings.Repeat(" ", inner-fill) + "]  ")
	}
	sb.WriteString(right)
	return cutRight(sb.String(), cols)
}

// rate is the bytes per second over the recent samples.
func (b *Bar) rate() float64 {
	if len(b.samples) < 2 {
		return 0
	}
	first, last := b.samples[0], b.samples[len(b.samples)-1]
	dt := last.t.Sub(first.t).Seconds()
	if dt <= 0 {
		return 0
	}
	return float64(last.n-first.n) / dt
}

// Bytes formats a byte count in binary units: "812 B", "12.3 MiB".
func Bytes(n int64) string {
	if n < 1024 {
		return fmt.Sprintf("%d B", n)
	}
	f := float64(n)
	for _, u := range []string{"KiB", "MiB", "GiB", "TiB"} {
		f /= 1024
		if f < 1024 || u == "TiB" {
			if f < 10 {
				return fmt.Sprintf("%.1f %s", f, u)
			}
			return fmt.Sprintf("%.0f %s", f, u)
		}
	}
	return ""
}

// clock formats a duration as m:ss or h:mm:ss.
func clock(d time.Duration) string {
	s := int64(d.Round(time.Second) / time.Second)
	if s >= 3600 {
		return fmt.Sprintf("%d:%02d:%02d", s/3600, s/60%60, s%60)
	}
	return fmt.Sprintf("%d:%02d", s/60, s%60)
}

// printable replaces control characters (a name may hold any) so that
// the line stays one line.
func printable(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return '?'
		}
		return r
	}, s)
}

func runeWidth(r rune) int {
	switch width.LookupRune(r).Kind() {
	case width.EastAsianWide, width.EastAsianFullwidth:
		return 2
	}
	if unicode.Is(unicode.Mn, r) {
		return 0
	}
	return 1
}

func textWidth(s string) int {
	n := 0
	for _, r := range s {
		n += runeWidth(r)
	}
	return n
}

// cutLeft keeps the end of s (a path's file name matters most) within
// cols columns, marking the cut with "…".
func cutLeft(s string, cols int) string {
	if textWidth(s) <= cols {
		return s
	}
	rs := []rune(s)
	w := 1
	i := len(rs)
	for i > 0 && w+runeWidth(rs[i-1]) <= cols {
		i--
		w += runeWidth(rs[i])
	}
	return "…" + string(rs[i:])
}

// cutRight keeps the start of s within cols columns.
func cutRight(s string, cols int) string {
	w := 0
	for i, r := range s {
		if w+runeWidth(r) > cols {
			return s[:i]
		}
		w += runeWidth(r)
	}
	return s
}
