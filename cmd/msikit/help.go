package main

import (
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/spf13/pflag"
	"golang.org/x/term"
)

func init() {
	register(&command{
		name: "help", usage: "[COMMAND [SUBCOMMAND]]",
		summary: "Show the help of msikit or of a command: `msikit help extract`, `msikit help cab list`.",
		setup: func(fs *pflag.FlagSet) func(*context, []string) error {
			return func(ctx *context, args []string) error {
				return showHelp(ctx, rootCommand(), "msikit", args)
			}
		},
	})
}

// rootCommand is the command tree, msikit itself at the top.
func rootCommand() *command { return &command{name: "msikit", children: commands} }

// newFlagSet declares c's flags in a fresh set and returns the function
// that runs c with them.
func newFlagSet(c *command, path string) (*pflag.FlagSet, func(*context, []string) error) {
	fs := pflag.NewFlagSet(path, pflag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.SortFlags = false
	run := c.setup(fs)
	// Declared, rather than left to pflag, so that it is listed (in
	// help, completion and the manual) like any other flag.
	fs.BoolP("help", "h", false, "show this help")
	return fs, run
}

// helpAsked reports whether --help was given.
func helpAsked(fs *pflag.FlagSet) bool {
	h, _ := fs.GetBool("help")
	return h
}

// showHelp prints the help of the command that names leads to from c
// (c's own when there are none): `msikit help cab list`.
func showHelp(ctx *context, c *command, path string, names []string) error {
	for _, n := range names {
		next := c.child(n)
		if next == nil {
			if c.children == nil {
				return usagef("%s has no subcommands", path)
			}
			return usagef("%s has no command %q", path, n)
		}
		c, path = next, path+" "+n
	}
	width := helpWidth(ctx.stdout)
	if c.children != nil {
		printGroupHelp(ctx.stdout, c, path, width)
		return nil
	}
	fs, _ := newFlagSet(c, path)
	printCommandHelp(ctx.stdout, c, fs, path, width)
	return nil
}

func (c *command) child(name string) *command {
	for _, ch := range c.children {
		if ch.name == name {
			return ch
		}
	}
	return nil
}

// helpWidth is the width help is wrapped to: the terminal's when w is
// one, 80 otherwise (a pipe, a file, a test).
func helpWidth(w io.Writer) int {
	if f, ok := w.(*os.File); ok {
		if cols, _, err := term.GetSize(int(f.Fd())); err == nil && cols > 0 {
			return max(cols, 40)
		}
	}
	return 80
}

const rootSummary = "msikit reads, extracts, verifies and builds Windows Installer packages (MSI, MSM, MSP, MST) and cabinets, without Windows."

const exitCodesHelp = "Exit codes: 0 success; 1 bad input (a file missing, unreadable, not a regular file or damaged) or failed verification; 2 usage error (unknown command or flag, wrong arguments) or an environment that stops the command (an output directory that cannot be written, a file an extraction would replace without --overwrite). A file named by -o FILE is replaced."

func printGroupHelp(w io.Writer, c *command, path string, width int) {
	root := c.name == "msikit"
	if root {
		fmt.Fprint(w, fill(rootSummary, width, ""), "\n\n")
	} else {
		fmt.Fprint(w, fill(c.summary, width, ""), "\n\n")
	}
	fmt.Fprint(w, hang("Usage: ", path+" COMMAND [flags] [args]", width), "\nCommands:\n")
	kids := append([]*command(nil), c.children...)
	sort.Slice(kids, func(i, j int) bool { return kids[i].name < kids[j].name })
	col := 0
	for _, k := range kids {
		col = max(col, len(k.name))
	}
	for _, k := range kids {
		// The first sentence, whole: a command's own help has the rest.
		fmt.Fprint(w, hang(fmt.Sprintf("  %-*s  ", col, k.name), firstSentence(k.summary), width))
	}
	if root {
		fmt.Fprint(w, "\nFlags:\n", flagLines([][2]string{
			{"-h, --help", "show this help"},
			{"    --version", "print msikit's version, as 'msikit version' does"},
		}, width))
	}
	fmt.Fprint(w, "\n", fill(fmt.Sprintf("Run '%s COMMAND --help' (or 'msikit help %sCOMMAND') for a command's flags. Wherever a package, cabinet or manifest file is read, '-' reads it from standard input.",
		path, strings.TrimPrefix(path+" ", "msikit ")), width, ""), "\n")
	fmt.Fprint(w, "\n", fill(exitCodesHelp, width, ""), "\n")
}

func printCommandHelp(w io.Writer, c *command, fs *pflag.FlagSet, path string, width int) {
	fmt.Fprint(w, hang("Usage: ", strings.TrimSpace(path+" "+c.usage), width), "\n")
	fmt.Fprint(w, fill(c.summary, width, ""), "\n")
	fmt.Fprint(w, "\nFlags:\n", fs.FlagUsagesWrapped(width))
	fmt.Fprint(w, "\n", fill(exitCodesHelp, width, ""), "\n")
}

// flagLines lays out flags the way pflag does, for the flags it does not
// declare itself.
func flagLines(flags [][2]string, width int) string {
	col := 0
	for _, f := range flags {
		col = max(col, len(f[0]))
	}
	var b strings.Builder
	for _, f := range flags {
		b.WriteString(hang(fmt.Sprintf("  %-*s   ", col, f[0]), f[1], width))
	}
	return b.String()
}

// firstSentence is the summary's first sentence, whole: up to a full stop
// that ends a sentence (one followed by a capital, or the end), not the
// one in "e.g." or "msiexec /a."; the summary's lines are one text.
func firstSentence(summary string) string {
	para, _, _ := strings.Cut(summary, "\n\n")
	var lines []string
	for _, l := range strings.Split(para, "\n") {
		if strings.HasPrefix(l, " ") {
			break // a shape or an example follows
		}
		lines = append(lines, strings.TrimSpace(l))
	}
	s := strings.Join(lines, " ")
	for i := 0; i+1 < len(s); i++ {
		if s[i] != '.' || s[i+1] != ' ' {
			continue
		}
		next, _ := utf8.DecodeRuneInString(s[i+2:])
		if unicode.IsLower(next) || abbreviation(s[:i]) {
			continue
		}
		return s[:i+1]
	}
	return s
}

func abbreviation(before string) bool {
	w := before[strings.LastIndexAny(before, " (")+1:]
	switch strings.ToLower(w) {
	case "e.g", "i.e", "etc", "cf", "vs", "no":
		return true
	}
	return false
}

// fill wraps text to width, each line starting with indent. Lines that
// start with a space are kept as they are (a JSON shape, an example);
// runs of other lines are one paragraph, re-flowed; blank lines are kept.
func fill(text string, width int, indent string) string {
	var b strings.Builder
	var para []string
	flush := func() {
		if len(para) > 0 {
			b.WriteString(wrapWords(strings.Join(para, " "), width, indent, indent))
			para = nil
		}
	}
	for _, l := range strings.Split(strings.TrimRight(text, "\n"), "\n") {
		switch {
		case l == "":
			flush()
			b.WriteString("\n")
		case strings.HasPrefix(l, " "):
			// Kept as it is, but broken at spaces if too wide, the rest
			// indented two more than the line.
			flush()
			lead := l[:len(l)-len(strings.TrimLeft(l, " "))]
			b.WriteString(wrapWords(l, width, indent+lead, indent+lead+"  "))
		default:
			para = append(para, strings.TrimSpace(l))
		}
	}
	flush()
	return strings.TrimSuffix(b.String(), "\n")
}

// hang is prefix then text wrapped to width, continuation lines indented
// to the end of prefix (or by four columns when prefix is wider than half
// the width), ending with a newline.
func hang(prefix, text string, width int) string {
	n := utf8.RuneCountInString(prefix)
	if n > width/2 {
		n = 4
	}
	return wrapWords(text, width, prefix, strings.Repeat(" ", n))
}

// wrapWords breaks text at spaces so that lines fit width (a word longer
// than a line gets a line of its own), the first line starting with
// first and the others with rest.
func wrapWords(text string, width int, first, rest string) string {
	var b strings.Builder
	line, lineLen := first, utf8.RuneCountInString(first)
	empty := true
	for _, word := range strings.Fields(text) {
		wl := utf8.RuneCountInString(word)
		if !empty && lineLen+1+wl > width {
			b.WriteString(line + "\n")
			line, lineLen, empty = rest, utf8.RuneCountInString(rest), true
		}
		if !empty {
			line += " "
			lineLen++
		}
		line += word
		lineLen += wl
		empty = false
	}
	b.WriteString(line + "\n")
	return b.String()
}
