package main

import (
	"bufio"
	"errors"
	"io"
	"io/fs"

	"github.com/msikit/msikit/internal/safepath"
)

// writeOutputFile writes what write produces to out, a single file named
// by -o: "-" is standard output; a device or FIFO is written to, never
// replaced; a symbolic link is followed; a regular file is replaced whole
// through a temporary file, so a failure leaves it as it was (see
// safepath.Output). What stops the writing on the output's side (a
// missing directory, a full disk) is an environment error (exit 2); an
// error of write is returned as it is, unless it is about a path.
func writeOutputFile(ctx *context, out string, write func(io.Writer) error) error {
	o, err := safepath.CreateOutput(out, ctx.stdout)
	if err != nil {
		return envError{err}
	}
	bw := bufio.NewWriterSize(errWriter{o}, 64<<10)
	err = write(bw)
	if err == nil {
		err = bw.Flush()
	}
	if err == nil {
		if err := o.Commit(); err != nil {
			return envError{err}
		}
		return nil
	}
	o.Discard()
	var oe outputError
	var pe *fs.PathError
	if errors.As(err, &oe) || errors.As(err, &pe) {
		return envError{err}
	}
	return err
}

// outputError marks an error of the output itself, as opposed to one of
// what is being written, when it comes back through the writer function.
type outputError struct{ err error }

func (e outputError) Error() string { return e.err.Error() }
func (e outputError) Unwrap() error { return e.err }

type errWriter struct{ w io.Writer }

func (e errWriter) Write(b []byte) (int, error) {
	n, err := e.w.Write(b)
	if err != nil {
		err = outputError{err}
	}
	return n, err
}
