package manifest

import (
	"bytes"
	"fmt"
	"io"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"
)

// ImportKB reads the "File information" tables of a Microsoft Knowledge
// Base article, as Markdown tables or as tab-separated text (what copying
// the web page gives), and returns them as a manifest.
//
// Columns are recognised by their header (File name, File version, File
// size, Date, Time, Platform); a table without a header row is read in
// that order. Sizes may have thousands separators ("17,768"), dates are
// like "25-Jan-2010" (or 2010-01-25), times "06:27" and are UTC, and
// "n/a" or "Not applicable" mark a file without a version or platform.
//
// Each table belongs to the variant its heading names: the nearest
// Markdown heading (or, before a tab-separated table, the line of text
// just above it) that has a service pack token ("SP1", "Service Pack 2")
// gives the variant "SP1" or "SP2", else the innermost heading's text is
// the name. Tables of the same variant are joined.
//
// The manifest is named after the first KB number in a heading
// ("KB977203"), or failing that in the text, with the article's address as
// its source; Name is empty when there is none, and must be set before
// Write.
func ImportKB(r io.Reader) (*Manifest, error) {
	b, err := readLimited(r, "")
	if err != nil {
		return nil, err
	}
	return importKB(b, "")
}

var (
	kbNumber  = regexp.MustCompile(`(?i)\bKB ?(\d{5,8})\b`)
	spToken   = regexp.MustCompile(`(?i)\b(?:SP ?|Service Pack )(\d{1,2})\b`)
	mdHeading = regexp.MustCompile(`^(#{1,6})\s+(.*?)\s*#*\s*$`)
	mdRule    = regexp.MustCompile(`^:?-{1,}:?$`)
)

// kbColumn is what a table column holds.
type kbColumn int

const (
	colOther kbColumn = iota
	colName
	colVersion
	colSize
	colDate
	colTime
	colPlatform
)

// The article's order, for tables without a header row.
var kbOrder = []kbColumn{colName, colVersion, colSize, colDate, colTime, colPlatform}

func headerColumn(cell string) kbColumn {
	c := strings.ToLower(cell)
	switch {
	case strings.Contains(c, "name"):
		return colName
	case strings.Contains(c, "version"):
		return colVersion
	case strings.Contains(c, "size"):
		return colSize
	case strings.Contains(c, "date"):
		return colDate
	case strings.Contains(c, "time"):
		return colTime
	case strings.Contains(c, "platform"), strings.Contains(c, "cpu"), strings.Contains(c, "architecture"):
		return colPlatform
	}
	return colOther
}

// kbTable is a run of table rows.
type kbTable struct {
	line     int // of the first row
	markdown bool
	context  []string // headings, innermost first
	rows     [][]string
	lines    []int
}

func importKB(b []byte, file string) (*Manifest, error) {
	c := &errs{file: file}
	lines := strings.Split(strings.ReplaceAll(string(bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))), "\r\n", "\n"), "\n")
	var (
		headings  [6]string
		plain     string
		plainNew  bool   // plain text came after the last heading
		kb        string // from a heading
		kbText    string // from other text, when no heading has one
		tables    []*kbTable
		cur       *kbTable
		inFence   bool
		endTable  = func() { cur = nil }
		rowCells  = func(s string, md bool) []string { return splitRow(s, md) }
		isMDRow   = func(s string) bool { return strings.HasPrefix(s, "|") }
		isTSVRow  = func(s string) bool { return strings.Contains(s, "\t") }
		headingOf = func() []string {
			var ctx []string
			if plainNew && plain != "" {
				ctx = append(ctx, plain)
			}
			for i := len(headings) - 1; i >= 0; i-- {
				if headings[i] != "" {
					ctx = append(ctx, headings[i])
				}
			}
			return ctx
		}
	)
	for i, raw := range lines {
		n := i + 1
		if !utf8.ValidString(raw) {
			c.add(n, 0, ErrSyntax, "not UTF-8 text")
			continue
		}
		s := strings.TrimSpace(raw)
		if strings.HasPrefix(s, "```") || strings.HasPrefix(s, "~~~") {
			inFence = !inFence
			endTable()
			continue
		}
		if inFence {
			continue
		}
		md, tsv := isMDRow(s), !isMDRow(s) && isTSVRow(raw)
		if md || tsv {
			if cur == nil || cur.markdown != md {
				cur = &kbTable{line: n, markdown: md, context: headingOf()}
				tables = append(tables, cur)
			}
			cells := rowCells(strings.TrimRight(raw, " \r"), md)
			if md && isRule(cells) {
				continue
			}
			cur.rows = append(cur.rows, cells)
			cur.lines = append(cur.lines, n)
			continue
		}
		endTable()
		if s == "" {
			continue
		}
		if m := mdHeading.FindStringSubmatch(s); m != nil {
			level := len(m[1]) - 1
			headings[level] = stripMarkup(m[2])
			for j := level + 1; j < len(headings); j++ {
				headings[j] = ""
			}
			plainNew = false
			if kb == "" {
				if k := kbNumber.FindStringSubmatch(m[2]); k != nil {
					kb = k[1]
				}
			}
			continue
		}
		plain, plainNew = stripMarkup(s), true
		if kbText == "" {
			if k := kbNumber.FindStringSubmatch(s); k != nil {
				kbText = k[1]
			}
		}
	}
	if kb == "" {
		kb = kbText
	}

	m := &Manifest{}
	if kb != "" {
		m.Name = "KB" + kb
		m.Description = "Files of the update in Microsoft Knowledge Base article " + kb + ", from its File information tables; dates and times are UTC."
		m.Source = "https://support.microsoft.com/kb/" + kb
	}
	index := map[string]int{}
	keys := map[string]map[string]int{}
	for _, t := range tables {
		entries := readKBTable(t, c)
		if len(entries) == 0 {
			continue // not a file table, or only a header, or only bad rows (reported)
		}
		name, desc := variantFromContext(t.context)
		k := strings.ToLower(name)
		vi, ok := index[k]
		if !ok {
			vi = len(m.Variants)
			index[k] = vi
			keys[k] = map[string]int{}
			m.Variants = append(m.Variants, Variant{Name: name, Description: desc})
		}
		for _, e := range entries {
			if line, dup := keys[k][e.key()]; dup {
				c.add(e.line, 0, ErrDuplicate, "variant %q: %s is listed twice (first on line %d)", name, e.String(), line)
				continue
			}
			keys[k][e.key()] = e.line
			m.Variants[vi].Entries = append(m.Variants[vi].Entries, e.Entry)
		}
	}
	if len(m.Variants) == 0 && len(c.list) == 0 {
		c.add(0, 0, ErrSyntax, "no file table found (want Markdown or tab-separated rows: File name, File version, File size, Date, Time, Platform)")
	}
	if err := c.err(); err != nil {
		return nil, err
	}
	return m, nil
}

func isRule(cells []string) bool {
	for _, c := range cells {
		if !mdRule.MatchString(strings.TrimSpace(c)) {
			return false
		}
	}
	return len(cells) > 0
}

// splitRow splits a Markdown row on unescaped pipes, or a text row on
// tabs.
func splitRow(s string, md bool) []string {
	if !md {
		cells := strings.Split(s, "\t")
		for i := range cells {
			cells[i] = stripMarkup(cells[i])
		}
		return cells
	}
	s = strings.TrimSpace(s)
	s = strings.TrimPrefix(s, "|")
	if strings.HasSuffix(s, "|") && !strings.HasSuffix(s, `\|`) {
		s = s[:len(s)-1]
	}
	var cells []string
	var cur strings.Builder
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] == '\\' && i+1 < len(s) && s[i+1] == '|':
			cur.WriteByte('|')
			i++
		case s[i] == '|':
			cells = append(cells, stripMarkup(cur.String()))
			cur.Reset()
		default:
			cur.WriteByte(s[i])
		}
	}
	return append(cells, stripMarkup(cur.String()))
}

// stripMarkup removes the emphasis and code marks a table cell or heading
// may carry, and Markdown backslash escapes.
func stripMarkup(s string) string {
	s = strings.TrimSpace(s)
	for _, mark := range []string{"**", "__", "`", "*"} {
		if len(s) > 2*len(mark) && strings.HasPrefix(s, mark) && strings.HasSuffix(s, mark) {
			s = strings.TrimSpace(s[len(mark) : len(s)-len(mark)])
		}
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) && strings.IndexByte("\\`*_{}[]()#+-.!|", s[i+1]) >= 0 {
			i++
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// variantFromContext names a table's variant from its headings, innermost
// first: a service pack token wins, else the innermost heading's text.
func variantFromContext(ctx []string) (name, desc string) {
	for _, h := range ctx {
		if m := spToken.FindStringSubmatch(h); m != nil {
			n := strings.TrimLeft(m[1], "0")
			if n == "" {
				n = "0"
			}
			name = "SP" + n
			if !strings.EqualFold(h, name) {
				desc = h
			}
			return name, desc
		}
	}
	if len(ctx) > 0 {
		return ctx[0], ""
	}
	return "default", ""
}

type kbEntry struct {
	Entry
	line int
}

// readKBTable turns a table into entries; none when it is not a file
// table (a header without a file name column).
func readKBTable(t *kbTable, c *errs) []kbEntry {
	if len(t.rows) == 0 {
		return nil
	}
	cols := kbOrder
	rows, lines := t.rows, t.lines
	if hasHeader(t.rows[0]) {
		cols = make([]kbColumn, len(t.rows[0]))
		for i, h := range t.rows[0] {
			cols[i] = headerColumn(h)
		}
		rows, lines = rows[1:], lines[1:]
	} else if t.markdown {
		return nil // a Markdown table always has a header: this one is about something else
	}
	if !containsCol(cols, colName) {
		return nil
	}
	var out []kbEntry
	for i, row := range rows {
		e, ok := kbRow(row, cols, lines[i], c)
		if ok {
			out = append(out, kbEntry{e, lines[i]})
		}
	}
	return out
}

func hasHeader(row []string) bool {
	for _, cell := range row {
		if strings.EqualFold(strings.TrimSpace(cell), "file name") || strings.EqualFold(strings.TrimSpace(cell), "filename") {
			return true
		}
	}
	return false
}

func containsCol(cols []kbColumn, c kbColumn) bool {
	for _, x := range cols {
		if x == c {
			return true
		}
	}
	return false
}

// isNA recognises the ways a KB table says a value does not apply.
func isNA(s string) bool {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "n/a", "na", "not applicable", "-", "—":
		return true
	}
	return false
}

func kbRow(row []string, cols []kbColumn, line int, c *errs) (Entry, bool) {
	var e Entry
	ok := true
	bad := func(err error) {
		c.add(line, 0, ErrInvalid, "%v", err)
		ok = false
	}
	if len(row) != len(cols) {
		c.add(line, 0, ErrInvalid, "row has %d cells, the table %d columns", len(row), len(cols))
		return e, false
	}
	var date, clock string
	for i, col := range cols {
		v := strings.TrimSpace(row[i])
		var err error
		switch col {
		case colName:
			e.Name = v
			err = checkName(v)
		case colVersion:
			if isNA(v) || v == "" {
				e.Version = NA
			} else {
				e.Version, err = ParseVersion(v)
			}
		case colSize:
			e.Size, err = parseSize(strings.NewReplacer(",", "", " ", "", "\u00a0", "", "\u202f", "").Replace(v))
		case colDate:
			if !isNA(v) {
				date = v
			}
		case colTime:
			if !isNA(v) {
				clock = v
			}
		case colPlatform:
			if v == "" {
				err = fmt.Errorf("platform is empty (write n/a)")
			} else {
				e.Platform, err = ParsePlatform(v)
			}
		}
		if err != nil {
			bad(err)
		}
	}
	switch {
	case date == "" && clock != "":
		bad(fmt.Errorf("time %q without a date", clock))
	case date != "":
		d, err := parseKBDate(date)
		if err != nil {
			bad(err)
			break
		}
		e.Modified, e.Precision = d, Day
		if clock != "" {
			if len(clock) == 4 || len(clock) == 7 { // 1:40, 1:40:00
				clock = "0" + clock
			}
			off, prec, err := parseClock(clock)
			if err != nil {
				bad(err)
				break
			}
			e.Modified, e.Precision = d.Add(off), prec
		}
	}
	return e, ok
}

// parseKBDate reads the dates of KB tables: 01-Dec-2008 (the usual form,
// day and month name abbreviated or not), or 2008-12-01.
func parseKBDate(s string) (time.Time, error) {
	for _, layout := range []string{"02-Jan-2006", "2-Jan-2006", "02-January-2006", "2-January-2006", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, checkYear(t)
		}
	}
	return time.Time{}, fmt.Errorf("date %q is not like 25-Jan-2010 or 2010-01-25", s)
}
