package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/msikit/msikit/cab"
	"github.com/msikit/msikit/internal/infile"
	"github.com/spf13/pflag"
)

// Exit codes, documented in the README and in `msikit --help`.
const (
	exitOK    = 0
	exitBad   = 1 // bad input or failed verification
	exitUsage = 2 // usage or environment error
)

// command is one subcommand. Subcommands with children (such as `cab`)
// dispatch on their first argument.
type command struct {
	name     string
	summary  string
	usage    string // argument synopsis after the command path
	children []*command
	choices  []string // the values of its one argument, for completion
	// setup declares the flags; run executes with the parsed flags.
	setup func(fs *pflag.FlagSet) func(ctx *context, args []string) error
}

// context carries what every command needs: its output streams, the
// command's name for messages, and how it reads cabinets.
type context struct {
	stdout  io.Writer
	stderr  io.Writer
	path    string       // "msikit cab list", for messages
	cabOpts []cab.Option // how cabinets are read (--encoding)
}

// usageError marks an error as a usage mistake (exit 2).
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, a ...any) error { return usageError{fmt.Sprintf(format, a...)} }

// envError marks an error in the environment rather than the input (exit 2):
// an output directory that cannot be created, a missing peer program.
type envError struct{ err error }

func (e envError) Error() string { return e.err.Error() }
func (e envError) Unwrap() error { return e.err }

// existsError is the error of a file that an extraction would write
// where one already is. The rule (README, "Exit codes and overwriting"):
// a file named on the command line (-o FILE) is replaced, whole; a file
// whose name comes from the input (extracting into -o DIR) is kept
// unless --overwrite. Such a file is in the way in the environment, the
// input is fine: exit 2.
func existsError(rel string) error {
	return envError{fmt.Errorf("%s exists (use --overwrite to replace it)", rel)}
}

// exitCodeOf is the exit code report gives err, without printing it.
func exitCodeOf(err error) int {
	var ue usageError
	var ee envError
	var ex exitCodeError
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &ex):
		return ex.code
	case errors.As(err, &ue), errors.As(err, &ee):
		return exitUsage
	}
	return exitBad
}

// worstCode is the highest exit code of errs: what a command that went
// on past several failures ends with.
func worstCode(errs []error) int {
	code := exitOK
	for _, e := range errs {
		code = max(code, exitCodeOf(e))
	}
	return code
}

var commands []*command

func register(c *command) { commands = append(commands, c) }

func run(args []string, stdout, stderr io.Writer) int {
	defer infile.SetStdin(os.Stdin)() // "-" names standard input wherever a file is read
	return dispatch(rootCommand(), args, &context{stdout: stdout, stderr: stderr, path: "msikit"})
}

func dispatch(c *command, args []string, ctx *context) int {
	if c.children != nil {
		if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" && c.child("help") == nil {
			if len(args) > 1 && args[0] == "help" { // msikit cab help list
				return report(ctx, showHelp(ctx, c, ctx.path, args[1:]))
			}
			w := ctx.stdout
			code := exitOK
			if len(args) == 0 {
				w, code = ctx.stderr, exitUsage
			}
			printGroupHelp(w, c, ctx.path, helpWidth(w))
			return code
		}
		if args[0] == "--version" && c.name == "msikit" {
			fmt.Fprintln(ctx.stdout, "msikit", readVersion())
			return exitOK
		}
		if ch := c.child(args[0]); ch != nil {
			sub := *ctx
			sub.path = ctx.path + " " + ch.name
			return dispatch(ch, args[1:], &sub)
		}
		fmt.Fprintf(ctx.stderr, "%s: unknown command %q (see '%s --help')\n", ctx.path, args[0], ctx.path)
		return exitUsage
	}
	fs, runFn := newFlagSet(c, ctx.path)
	if err := fs.Parse(args); err != nil {
		fmt.Fprintf(ctx.stderr, "%s: %v (see '%s --help')\n", ctx.path, err, ctx.path)
		return exitUsage
	}
	if helpAsked(fs) {
		printCommandHelp(ctx.stdout, c, fs, ctx.path, helpWidth(ctx.stdout))
		return exitOK
	}
	err := runFn(ctx, fs.Args())
	return report(ctx, err)
}

// report prints err, if any, on one line and maps it to an exit code.
func report(ctx *context, err error) int {
	if err == nil {
		return exitOK
	}
	var ue usageError
	var ee envError
	var ex exitCodeError
	switch {
	case errors.As(err, &ex):
		if ex.msg != "" {
			fmt.Fprintf(ctx.stderr, "%s: %s\n", ctx.path, ex.msg)
		}
		return ex.code
	case errors.As(err, &ue):
		fmt.Fprintf(ctx.stderr, "%s: %v (see '%s --help')\n", ctx.path, err, ctx.path)
		return exitUsage
	case errors.As(err, &ee):
		fmt.Fprintf(ctx.stderr, "%s: %v\n", ctx.path, err)
		return exitUsage
	}
	fmt.Fprintf(ctx.stderr, "%s: %s\n", ctx.path, oneLine(err.Error()))
	return exitBad
}

// exitCodeError ends a command with a chosen code after it has printed its
// own report (a failed verification, say).
type exitCodeError struct {
	code int
	msg  string
}

func (e exitCodeError) Error() string { return e.msg }

func oneLine(s string) string { return strings.ReplaceAll(s, "\n", "; ") }

// writeJSON prints v as indented JSON, the shape every --json output has.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// needArgs checks the number of positional arguments.
func needArgs(args []string, min, max int) error {
	if len(args) < min {
		return usagef("missing argument")
	}
	if max >= 0 && len(args) > max {
		return usagef("too many arguments: %s", strings.Join(args[max:], " "))
	}
	return nil
}
