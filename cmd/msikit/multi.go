package main

import (
	"bufio"
	"fmt"
)

// Several inputs. info, tables, files, media, streams, extract, cab test
// and cab extract take any number of inputs, as cabextract and msiextract
// do. With one, the output is what it always was. With several, each
// input's text is headed by "NAME:" (a blank line between inputs), and
// --json prints an array with one object per input, in the order given:
// the single-input object itself where it is one (info), else {file,
// KEY: [the single-input array]}; an input that failed is {file, error}.
// A failed input does not stop the others: its error is printed on
// stderr, named, and the command ends with the worst exit code met.

// perInput runs one input: in text mode it prints, in JSON mode it
// returns the value to print. A value returned with an error (media
// that lists what is missing) is printed all the same.
type perInput func(ctx *context, name string) (any, error)

// jsonFailed is the --json object of an input that could not be read.
type jsonFailed struct {
	File  string `json:"file"`
	Error string `json:"error"`
}

// eachInput runs fn for every input. key names the member that holds a
// single input's JSON value in the per-input object ("" when that value is
// already an object that names its file); quiet leaves out the headings.
func eachInput(ctx *context, names []string, asJSON, quiet bool, key string, fn perInput) error {
	if len(names) == 1 {
		v, err := fn(ctx, names[0])
		if asJSON && v != nil {
			if werr := writeJSON(ctx.stdout, v); werr != nil {
				return werr
			}
		}
		return err
	}
	var all []any
	failed, worst := 0, exitOK
	for i, name := range names {
		if !asJSON && !quiet {
			w := bufio.NewWriter(ctx.stdout)
			if i > 0 {
				w.WriteString("\n")
			}
			fmt.Fprintf(w, "%s:\n", name)
			w.Flush()
		}
		v, err := fn(ctx, name)
		if asJSON {
			switch {
			case v == nil && err != nil:
				all = append(all, jsonFailed{File: name, Error: oneLine(err.Error())})
			case key == "":
				all = append(all, v)
			default:
				all = append(all, map[string]any{"file": name, key: v})
			}
		}
		if err != nil {
			failed++
			worst = max(worst, report(ctx, err))
		}
	}
	if asJSON {
		if err := writeJSON(ctx.stdout, all); err != nil {
			return err
		}
	}
	if failed > 0 {
		return exitCodeError{code: worst, msg: fmt.Sprintf("%d of %d inputs failed", failed, len(names))}
	}
	return nil
}

// failedInputs is the error of a command whose inputs are handled one by
// one without eachInput (cab test: its JSON is one flat array).
func failedInputs(ctx *context, names []string, errs []error) error {
	failed, worst := 0, exitOK
	for _, err := range errs {
		if err != nil {
			failed++
			if len(names) == 1 {
				return err
			}
			worst = max(worst, report(ctx, err))
		}
	}
	if failed == 0 {
		return nil
	}
	return exitCodeError{code: worst, msg: fmt.Sprintf("%d of %d inputs failed", failed, len(names))}
}
