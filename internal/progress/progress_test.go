package progress

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/msikit/msikit/internal/ptytest"
)

func TestRenderFits(t *testing.T) {
	b := &Bar{label: "extracting /a/very/long/path/to/SCCM2007-SP2-KB977203-ENU.msi", start: time.Now().Add(-3 * time.Second)}
	b.total.Store(121 << 20)
	b.done.Store(20 << 20)
	b.nfile.Store(11478)
	b.files.Store(1370)
	now := time.Now()
	b.samples = []sample{{now.Add(-time.Second), 10 << 20}, {now, 20 << 20}}
	for cols := 1; cols <= 200; cols++ {
		line := b.render(cols, now)
		if w := textWidth(line); w > cols {
			t.Fatalf("%d columns: %q is %d wide", cols, line, w)
		}
		if strings.ContainsAny(line, "\r\n\x1b") {
			t.Fatalf("%q holds a control character", line)
		}
	}
	wide := b.render(120, now)
	for _, want := range []string{"16%", "20 MiB/121 MiB", "10 MiB/s", "ETA 0:10", "1370/11478 files", "ENU.msi", "[="} {
		if !strings.Contains(wide, want) {
			t.Errorf("120 columns: %q lacks %q", wide, want)
		}
	}
	if narrow := b.render(30, now); !strings.Contains(narrow, "16%") {
		t.Errorf("30 columns: %q lacks the share done", narrow)
	}
}

func TestLabelControlAndWide(t *testing.T) {
	b := &Bar{label: "\x05SummaryInformation 日本語.txt", start: time.Now()}
	line := b.render(60, time.Now())
	if strings.ContainsRune(line, 5) || !strings.Contains(line, "?SummaryInformation") {
		t.Errorf("%q", line)
	}
	if got := cutLeft("ab日本語", 5); got != "…本語" {
		t.Errorf("cutLeft = %q", got)
	}
}

func TestBytes(t *testing.T) {
	for n, want := range map[int64]string{0: "0 B", 1023: "1023 B", 1024: "1.0 KiB", 5 << 20: "5.0 MiB", 121 << 20: "121 MiB", 3 << 30: "3.0 GiB"} {
		if got := Bytes(n); got != want {
			t.Errorf("Bytes(%d) = %q, want %q", n, got, want)
		}
	}
}

// Not a terminal: plain lines, no escape sequence, nothing on stderr.
func TestNotTerminal(t *testing.T) {
	var out, errb bytes.Buffer
	b := New(&out, &errb, Options{Label: "x", Total: 100, Files: 3})
	for i := range 3 {
		b.Add(30)
		b.FileDone()
		b.Printf("  extracting f%d", i)
	}
	b.Done()
	if want := "  extracting f0\n  extracting f1\n  extracting f2\n"; out.String() != want {
		t.Errorf("stdout %q, want %q", out.String(), want)
	}
	if errb.Len() != 0 {
		t.Errorf("stderr %q", errb.String())
	}
	var q bytes.Buffer
	b = New(&q, &q, Options{Quiet: true})
	b.Printf("hidden")
	b.Done()
	if q.Len() != 0 {
		t.Errorf("quiet wrote %q", q.String())
	}
}

// In a terminal 40 columns wide, a run of many listing lines with a bar
// leaves exactly the listing on the screen: every line whole, in order,
// and no trace of the bar.
func TestTerminalScreen(t *testing.T) {
	defer func(i, d time.Duration) { Interval, Delay = i, d }(Interval, Delay)
	Interval, Delay = 5*time.Millisecond, 0
	c := ptytest.New(t, 40, 24)
	b := New(c.Term, c.Term, Options{Label: "extracting a/long/path/to/package.msi", Total: 2000, Files: 200})
	var want []string
	for i := range 200 {
		b.Add(10)
		b.FileDone()
		line := fmt.Sprintf("  extracting dir/file%03d.txt", i)
		want = append(want, line)
		b.Printf("%s", line)
		if i%20 == 0 {
			time.Sleep(7 * time.Millisecond) // let the bar be drawn between lines
		}
	}
	b.Warnf("msikit: warning: something")
	want = append(want, "msikit: warning: something")
	b.Done()
	raw := string(c.Close())
	if !strings.Contains(raw, "\x1b[K") || !strings.Contains(raw, "KiB/2.0 KiB") {
		t.Fatalf("no bar was drawn: %q", raw)
	}
	s := ptytest.NewScreen(40)
	s.Write([]byte(raw))
	got := s.Lines()
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("screen:\n%s\nwant the listing only:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if len(s.Unknown) > 0 {
		t.Errorf("unknown sequences: %v", s.Unknown)
	}
}

// Listing to a file while the bar is on the terminal: the file gets the
// plain lines, the terminal only the bar, erased at the end.
func TestListingRedirected(t *testing.T) {
	defer func(i, d time.Duration) { Interval, Delay = i, d }(Interval, Delay)
	Interval, Delay = 5*time.Millisecond, 0
	c := ptytest.New(t, 50, 24)
	var out bytes.Buffer
	b := New(&out, c.Term, Options{Label: "testing x.cab", Total: 100})
	for i := range 10 {
		b.Add(10)
		b.Printf("  f%d  OK", i)
		time.Sleep(6 * time.Millisecond)
	}
	b.Done()
	if strings.Contains(out.String(), "\x1b") || strings.Count(out.String(), "\n") != 10 {
		t.Errorf("stdout %q", out.String())
	}
	s := c.Screen()
	if got := s.String(); got != "" {
		t.Errorf("the screen keeps %q", got)
	}
}

func TestScreenModel(t *testing.T) {
	s := ptytest.NewScreen(10)
	s.Write([]byte("0123456789abc\r\nxy\rZ\x1b[K\r\nlast"))
	if got, want := s.String(), "0123456789\nabc\nZ\nlast"; got != want {
		t.Errorf("screen %q, want %q", got, want)
	}
}

// Reader counts the bytes read, and keeps the WriterTo of what it wraps
// (a cabinet member's), so that io.Copy writes from the decoder's buffer.
func TestReaderCounts(t *testing.T) {
	b := New(io.Discard, io.Discard, Options{Quiet: true})
	defer b.Done()
	r := b.Reader(strings.NewReader("hello, world"))
	if _, ok := r.(io.WriterTo); !ok {
		t.Fatal("the reader of a WriterTo is not a WriterTo")
	}
	var out bytes.Buffer
	if n, err := io.Copy(&out, r); err != nil || n != 12 || out.String() != "hello, world" {
		t.Fatalf("copied %d bytes %q, %v", n, out.String(), err)
	}
	if _, err := io.Copy(&out, b.Reader(io.LimitReader(strings.NewReader("abc"), 3))); err != nil {
		t.Fatal(err)
	}
	if got := b.done.Load(); got != 15 {
		t.Errorf("counted %d bytes, want 15", got)
	}
}
