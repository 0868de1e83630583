// Package capbuf keeps the first bytes of a stream in memory, up to a
// limit, so that a file can be parsed at random (a PE image's headers and
// version resource) while it is streamed, without holding a large one.
package capbuf

import "bytes"

// Buffer keeps what is written to it while it stays within Max bytes;
// past that it drops everything and reports Over. Writes never fail, so
// it can sit in an io.MultiWriter beside hashes.
type Buffer struct {
	Max  int
	buf  bytes.Buffer
	over bool
}

// New returns a buffer of at most max bytes.
func New(max int) *Buffer { return &Buffer{Max: max} }

func (c *Buffer) Write(b []byte) (int, error) {
	if !c.over && c.buf.Len()+len(b) > c.Max {
		c.over = true
		c.buf = bytes.Buffer{}
	}
	if !c.over {
		c.buf.Write(b)
	}
	return len(b), nil
}

// Over reports whether more than Max bytes were written.
func (c *Buffer) Over() bool { return c.over }

// Bytes returns what was kept: everything written, unless Over.
func (c *Buffer) Bytes() []byte { return c.buf.Bytes() }
