package verify

import (
	"bufio"
	"fmt"
	"io"
	"strings"
)

// WriteText writes the reports for people: per source a heading, one
// line per entry (OK, FAIL or MISSING, the entry, the file, and each
// mismatch with what was expected and found), one line per extra file
// and per note, and a summary line.
//
//	KB977203 SP2: SCCM2007-SP2-KB977203-ENU.msi (package; variant detected: SP1 0 exact, 0 same build; SP2 13 exact, 0 same build)
//	OK       Ccmcertfix.exe (x86)  Logs/KB977203/CCMCertFix.exe
//	FAIL     Ccmgencert.dll (x86)  bin/i386/ccmgencert.dll: size: expected 130408 bytes, found 130407
//	MISSING  Mcsisapip.dll (x64): missing: no file named Mcsisapip.dll for x64
//	EXTRA    bin/i386/notes.txt: extra: bin/i386/notes.txt matches no entry of KB977203 SP2
//	FAIL: 13 entries: 11 OK, 1 failed, 1 missing; 1 extra file
func WriteText(w io.Writer, reports []*Report) error {
	bw := bufio.NewWriter(w)
	for i, r := range reports {
		if i > 0 {
			bw.WriteString("\n")
		}
		writeTextReport(bw, r)
	}
	return bw.Flush()
}

func writeTextReport(w *bufio.Writer, r *Report) {
	how := r.Kind
	if r.Detected {
		how += "; variant detected: " + scoreText(r.Scores)
	}
	fmt.Fprintf(w, "%s (%s)\n", r.Title(), how)
	width := 0
	for _, res := range r.Results {
		width = max(width, len(res.Entry.String()))
	}
	for _, res := range r.Results {
		name := res.Entry.String()
		switch res.Status {
		case StatusOK:
			fmt.Fprintf(w, "%-8s %-*s  %s\n", "OK", width, name, oneLine(res.File.Where()))
		case StatusFail:
			fmt.Fprintf(w, "%-8s %-*s  %s: %s\n", "FAIL", width, name, oneLine(res.File.Where()), oneLine(joinMessages(res.Mismatches)))
		case StatusNotApplied:
			where := name
			if res.File != nil {
				where = name + "  " + oneLine(res.File.Where())
			}
			fmt.Fprintf(w, "%-8s %s: %s\n", "OLD", where, oneLine(joinMessages(res.Mismatches)))
		default:
			fmt.Fprintf(w, "%-8s %s: %s\n", "MISSING", name, oneLine(joinMessages(res.Mismatches)))
		}
	}
	for _, f := range r.Extra {
		fmt.Fprintf(w, "%-8s %s: %s\n", "EXTRA", oneLine(f.Where()), oneLine(joinMessages(r.ExtraMismatches(f))))
	}
	for _, n := range r.Notes {
		fmt.Fprintf(w, "%-8s %s\n", "NOTE", oneLine(n))
	}
	for _, sig := range r.Signatures {
		fmt.Fprintf(w, "%-8s %s: %s\n", sig.label(), oneLine(sig.Path), oneLine(sig.text()))
	}
	s := r.Summary()
	verdict := "OK"
	if !r.OK() {
		verdict = "FAIL"
	}
	extra := fmt.Sprintf("%d extra files", s.Extra)
	if s.Extra == 1 {
		extra = "1 extra file"
	}
	if r.AllowExtra && s.Extra > 0 {
		extra += " (allowed)"
	}
	notApplied := ""
	if s.NotApplied > 0 {
		notApplied = fmt.Sprintf(", %d not patched", s.NotApplied)
	}
	if r.Kind == KindImage && s.Extra == 0 {
		extra = "" // checked against a patch: only the files it changes are looked at
	} else {
		extra = "; " + extra
	}
	fmt.Fprintf(w, "%s: %d entries: %d OK, %d failed, %d missing%s%s\n", verdict, s.Entries, s.OK, s.Failed, s.Missing, notApplied, extra)
}

// oneLine keeps a hostile file name from breaking the one-line-per-entry
// shape (and from sending terminal escapes).
func oneLine(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return '?'
		}
		return r
	}, s)
}
