package ptytest

import (
	"bytes"
	"io"
	"os"
	"sync"
	"testing"
)

// Capture is a pseudo-terminal whose output is recorded: Term is the
// terminal to hand a program as its stdout and stderr; Bytes, after
// Close, the raw stream it received.
type Capture struct {
	Term   *os.File
	Cols   int
	master *os.File
	mu     sync.Mutex
	buf    bytes.Buffer
	done   chan struct{}
}

// New opens a pseudo-terminal cols x rows for t, skipping the test where
// none can be had.
func New(t testing.TB, cols, rows int) *Capture {
	t.Helper()
	m, s, err := Open(cols, rows)
	if err != nil {
		t.Skipf("no pseudo-terminal: %v", err)
	}
	c := &Capture{Term: s, Cols: cols, master: m, done: make(chan struct{})}
	go func() {
		defer close(c.done)
		b := make([]byte, 32<<10)
		for {
			n, err := m.Read(b)
			c.mu.Lock()
			c.buf.Write(b[:n])
			c.mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	t.Cleanup(func() { c.Close() })
	return c
}

// Close closes the terminal and waits for what it sent. It returns the
// raw bytes.
func (c *Capture) Close() []byte {
	if c.Term != nil {
		c.Term.Close()
		c.Term = nil
		<-c.done // the master reads EIO once the slave is closed
		c.master.Close()
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.buf.Bytes()
}

// Screen replays the bytes into a Screen as wide as the terminal.
func (c *Capture) Screen() *Screen {
	s := NewScreen(c.Cols)
	io.Copy(s, bytes.NewReader(c.Close()))
	return s
}
