package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/msikit/msikit/cab"
	"github.com/msikit/msikit/msi"
)

// -o - on extract and cab extract writes the chosen files' bytes to
// standard output, one after another, as cabextract -p and 7z -so do:
// for piping one file (`--only NAME -o - | sha256sum`). Nothing else goes
// to standard output, and files are read one at a time so that their
// bytes are not interleaved. A file that fails part-way leaves what was
// written of it: a stream cannot be taken back, so the exit code (1) and
// the message on stderr say so.

// stdoutWriter buffers standard output and marks its write errors as the
// output's (exit 2), not the input's.
func stdoutWriter(ctx *context) *bufio.Writer {
	return bufio.NewWriterSize(errWriter{ctx.stdout}, 64<<10)
}

// stdoutErr maps an error of writing standard output to an environment
// error.
func stdoutErr(err error) error {
	var oe outputError
	if errors.As(err, &oe) {
		return envError{fmt.Errorf("standard output: %w", oe.err)}
	}
	return err
}

// extractToStdout is `msikit extract PKG -o -`.
func extractToStdout(ctx *context, name string, opts msi.FileOptions, only []string, strict, quiet bool) error {
	return withPackage(ctx, name, func(p *msi.Package) error {
		files, err := msi.FileList(p, opts)
		if err != nil {
			return err
		}
		var sel []*msi.File
		var total int64
		for _, f := range files {
			if matchOnly(only, f.LongName, f.Path) {
				sel = append(sel, f)
				total += f.Size
			}
		}
		if len(only) > 0 && len(sel) == 0 {
			return fmt.Errorf("%s: no file matches %s", p.Name(), strings.Join(only, ", "))
		}
		w := stdoutWriter(ctx)
		bar := newBar(ctx, "extracting "+p.Name(), total, len(sel), quiet)
		_, err = p.ReadFiles(sel, msi.ReadOptions{Workers: 1, Strict: strict, CheckSize: true, CabinetOptions: ctx.cabOpts}, func(c msi.FileContent) error {
			_, err := io.Copy(w, bar.Reader(c.Reader))
			bar.FileDone()
			return err
		})
		bar.Done()
		if ferr := w.Flush(); err == nil {
			err = ferr
		}
		return stdoutErr(err)
	})
}

// cabExtractToStdout is `msikit cab extract CAB -o -`.
func cabExtractToStdout(ctx *context, name string, o extractOpts) error {
	rs, closeFn, cut, err := openCabs(ctx, name, o.search)
	if err != nil {
		return err
	}
	defer closeFn()
	files, n, total := selectFiles(rs, o.only)
	if len(o.only) > 0 && n == 0 {
		return fmt.Errorf("%s: no file matches %s", name, strings.Join(o.only, ", "))
	}
	w := stdoutWriter(ctx)
	bar := newBar(ctx, "extracting "+name, total, n, o.quiet)
	for i, r := range rs {
		if err == nil && len(files[i]) > 0 {
			err = r.ExtractWith(files[i], cab.ExtractOptions{Workers: 1}, func(f *cab.File, content io.Reader) error {
				_, err := io.Copy(w, bar.Reader(content))
				bar.FileDone()
				return err
			})
		}
	}
	bar.Done()
	if ferr := w.Flush(); err == nil {
		err = ferr
	}
	if err == nil && cut != nil {
		err = exitCodeError{code: exitBad, msg: name + ": " + cut.Error()}
	}
	return stdoutErr(err)
}
