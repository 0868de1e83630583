// Package ptytest gives tests a pseudo-terminal and a model of the screen
// a person would see on it, so that what a command draws with \r and
// escape sequences can be checked as text.
package ptytest

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// Screen is a minimal terminal: a grid of cols columns that scrolls, with
// a cursor. It understands what msikit writes: printable text, \r, \n, \b,
// \t and the CSI sequences K (erase in line), A/B/C/D (cursor moves), G
// (column), J (erase in display), m (colours, ignored). It wraps at the
// last column as xterm does (the wrap is deferred until the next
// character). Any other escape sequence is recorded in Unknown.
type Screen struct {
	cols    int
	lines   [][]rune
	row     int
	col     int
	pending bool // at the last column, the wrap is due
	Unknown []string
}

// NewScreen makes an empty screen cols wide.
func NewScreen(cols int) *Screen {
	return &Screen{cols: cols, lines: [][]rune{nil}}
}

// Write feeds the screen bytes as a terminal receives them.
func (s *Screen) Write(p []byte) (int, error) {
	str := string(p)
	for i := 0; i < len(str); {
		r, size := utf8.DecodeRuneInString(str[i:])
		if r == 0x1b {
			n := s.escape(str[i:])
			i += n
			continue
		}
		i += size
		switch r {
		case '\r':
			s.col, s.pending = 0, false
		case '\n':
			s.newline()
		case '\b':
			if s.col > 0 {
				s.col--
			}
			s.pending = false
		case '\t':
			s.col = min((s.col/8+1)*8, s.cols-1)
		default:
			if r < 0x20 || r == 0x7f {
				continue
			}
			if s.pending {
				s.newline()
				s.col = 0
			}
			s.put(r)
			if s.col == s.cols-1 {
				s.pending = true
			} else {
				s.col++
			}
		}
	}
	return len(p), nil
}

func (s *Screen) newline() {
	s.row++
	s.pending = false
	for len(s.lines) <= s.row {
		s.lines = append(s.lines, nil)
	}
}

func (s *Screen) put(r rune) {
	l := s.lines[s.row]
	for len(l) <= s.col {
		l = append(l, ' ')
	}
	l[s.col] = r
	s.lines[s.row] = l
}

// escape handles an escape sequence at the start of str and returns its
// length.
func (s *Screen) escape(str string) int {
	if len(str) < 2 || str[1] != '[' {
		s.Unknown = append(s.Unknown, strconv.Quote(str[:min(len(str), 2)]))
		return min(len(str), 2)
	}
	j := 2
	for j < len(str) && (str[j] >= '0' && str[j] <= '9' || str[j] == ';' || str[j] == '?') {
		j++
	}
	if j >= len(str) {
		s.Unknown = append(s.Unknown, strconv.Quote(str))
		return len(str)
	}
	arg, final := str[2:j], str[j]
	n, _ := strconv.Atoi(arg)
	s.pending = false
	switch final {
	case 'K':
		l := s.lines[s.row]
		switch n {
		case 0:
			if s.col < len(l) {
				s.lines[s.row] = l[:s.col]
			}
		case 1:
			for k := 0; k <= s.col && k < len(l); k++ {
				l[k] = ' '
			}
		case 2:
			s.lines[s.row] = nil
		}
	case 'J':
		if n == 0 {
			l := s.lines[s.row]
			if s.col < len(l) {
				s.lines[s.row] = l[:s.col]
			}
			s.lines = s.lines[:s.row+1]
		}
	case 'A':
		s.row = max(s.row-max(n, 1), 0)
	case 'B':
		for k := 0; k < max(n, 1); k++ {
			s.newline()
		}
	case 'C':
		s.col = min(s.col+max(n, 1), s.cols-1)
	case 'D':
		s.col = max(s.col-max(n, 1), 0)
	case 'G':
		s.col = min(max(n, 1), s.cols) - 1
	case 'm':
	default:
		s.Unknown = append(s.Unknown, strconv.Quote(str[:j+1]))
	}
	return j + 1
}

// Lines returns the screen's lines, trailing spaces removed, without the
// empty lines at the end.
func (s *Screen) Lines() []string {
	var out []string
	for _, l := range s.lines {
		out = append(out, strings.TrimRight(string(l), " "))
	}
	for len(out) > 0 && out[len(out)-1] == "" {
		out = out[:len(out)-1]
	}
	return out
}

// String is the screen as text, a line each.
func (s *Screen) String() string { return strings.Join(s.Lines(), "\n") }
