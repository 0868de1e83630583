package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/msikit/msikit/cab"
	"github.com/msikit/msikit/internal/infile"
	"github.com/msikit/msikit/internal/progress"
	"github.com/msikit/msikit/internal/safepath"
	"github.com/spf13/pflag"
)

// cabCreateCommand is `msikit cab create`, a child of `msikit cab`.
func cabCreateCommand() *command {
	return &command{
		name: "create", usage: "-o OUT.cab [--compression none|mszip] [--level N] [--max-size N] [--folder-size N] [-q] [--json] FILE|DIR...",
		summary: "Create a cabinet from files and directories.\n" +
			"Each FILE is stored under its path as given (leading '/', './' and '../' removed), each DIR's\n" +
			"files recursively as DIR\\sub\\file, in sorted order, with their modification times (local time)\n" +
			"and the archive attribute (read-only too when not writable). Empty directories are not stored.\n\n" +
			"--max-size splits the cabinet into a spanned set of cabinets of at most N bytes each: OUT.cab,\n" +
			"then OUT2.cab, OUT3.cab... in the same directory, whose headers name each other; files and\n" +
			"folders continue from one cabinet to the next. cabextract and 7-Zip extract the set from\n" +
			"OUT.cab; gcab cannot read files continued across cabinets.\n" +
			"--folder-size starts a new folder once one holds N uncompressed bytes (smaller folders make\n" +
			"reading one file cheaper, at some cost in compression). Sizes take a K, M or G suffix (KiB...).\n" +
			"--level 4 is about 2.5 times faster than the default 6 for about 5% more output.\n\n" +
			"--json prints {parts: [{name, size}], file_count, files (the same), bytes}.",
		setup: func(fl *pflag.FlagSet) func(*context, []string) error {
			out := fl.StringP("output", "o", "", "the cabinet to write (required)")
			comp := fl.String("compression", "mszip", "none or mszip")
			maxSize := fl.String("max-size", "", "split into cabinets of at most this many bytes")
			folderSize := fl.String("folder-size", "", "start a new folder after this many uncompressed bytes")
			level := fl.Int("level", 6, "MSZIP level, 1 (fastest) to 9 (smallest)")
			quiet := fl.BoolP("quiet", "q", false, "print nothing on success")
			asJSON := fl.Bool("json", false, "print JSON (shape above)")
			return func(ctx *context, args []string) error {
				if err := needArgs(args, 1, -1); err != nil {
					return err
				}
				if *out == "" {
					return usagef("-o OUT.cab is required")
				}
				if *level < 1 || *level > 9 {
					return usagef("--level must be 1 to 9, not %d", *level)
				}
				o := createOpts{out: *out, level: *level, quiet: *quiet, json: *asJSON}
				switch strings.ToLower(*comp) {
				case "none":
					o.comp = cab.MethodNone
				case "mszip":
					o.comp = cab.MethodMSZIP
				default:
					return usagef("--compression must be none or mszip, not %q", *comp)
				}
				var err error
				if o.maxSize, err = parseSize("--max-size", *maxSize); err != nil {
					return err
				}
				if o.folderSize, err = parseSize("--folder-size", *folderSize); err != nil {
					return err
				}
				return cabCreate(ctx, args, o)
			}
		},
	}
}

type createOpts struct {
	out                 string
	comp                cab.Compression
	maxSize, folderSize int64
	level               int
	quiet, json         bool
}

// parseSize reads a byte count with an optional K, M or G (binary)
// suffix; "" is 0, no limit.
func parseSize(flag, s string) (int64, error) {
	if s == "" {
		return 0, nil
	}
	mult := int64(1)
	switch strings.ToUpper(s[len(s)-1:]) {
	case "K":
		mult = 1 << 10
	case "M":
		mult = 1 << 20
	case "G":
		mult = 1 << 30
	}
	if mult > 1 {
		s = s[:len(s)-1]
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 || n > (1<<32-1)/mult {
		return 0, usagef("%s: %q is not a size from 1 byte to 4 GiB", flag, s)
	}
	return n * mult, nil
}

// input is one file to store: where it is and the name to store it under.
type input struct {
	path, name string
	info       fs.FileInfo
}

// storedName turns a path from the command line into a stored name: a
// relative path with backslashes.
func storedName(p string) string {
	p = filepath.ToSlash(filepath.Clean(p))
	for {
		switch {
		case strings.HasPrefix(p, "/"):
			p = p[1:]
		case strings.HasPrefix(p, "../"):
			p = p[3:]
		case p == "..", p == ".":
			p = ""
		default:
			return strings.ReplaceAll(p, "/", `\`)
		}
	}
}

// collect lists the files to store, in order: each argument's, a
// directory's walked in sorted order. The output file itself (from an
// earlier run, in a directory being stored) is left out.
func collect(args []string, out string) ([]input, error) {
	var outInfo fs.FileInfo
	if out != "-" {
		outInfo, _ = os.Stat(out)
	}
	var files []input
	add := func(path, name string, fi fs.FileInfo) error {
		if !fi.Mode().IsRegular() {
			return &infile.Error{Path: path, Kind: infile.KindOf(fi.Mode()), Stream: true}
		}
		if outInfo != nil && os.SameFile(fi, outInfo) {
			return nil
		}
		if name == "" {
			return fmt.Errorf("%s: no file name to store it under", path)
		}
		files = append(files, input{path: path, name: name, info: fi})
		return nil
	}
	for _, arg := range args {
		fi, err := os.Stat(arg)
		if err != nil {
			return nil, err // a missing input is bad input (1)
		}
		if !fi.IsDir() {
			if err := add(arg, storedName(arg), fi); err != nil {
				return nil, err
			}
			continue
		}
		base := storedName(arg)
		err = filepath.WalkDir(arg, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() {
				return nil
			}
			fi, err := os.Stat(p) // follows a symbolic link to a file
			if err != nil {
				return err
			}
			rel, err := filepath.Rel(arg, p)
			if err != nil {
				return err
			}
			name := strings.ReplaceAll(filepath.ToSlash(rel), "/", `\`)
			if base != "" {
				name = base + `\` + name
			}
			return add(p, name, fi)
		})
		if err != nil {
			return nil, err
		}
	}
	return files, nil
}

func cabCreate(ctx *context, args []string, o createOpts) error {
	// What -o names decides where the spool goes and whether a set can
	// be split: a spanned set's other parts are files beside a regular
	// OUT.cab, and a device's directory is no place for a spool.
	regular := o.out != "-"
	if fi, err := os.Stat(o.out); err == nil && !fi.Mode().IsRegular() {
		regular = false
	}
	if o.maxSize > 0 && !regular {
		return usagef("--max-size writes a set of cabinets beside OUT.cab: -o must name a regular file, not %s", o.out)
	}
	if d := filepath.Dir(o.out); regular {
		// Before the work, not after it.
		if fi, err := os.Stat(d); err != nil || !fi.IsDir() {
			return envError{fmt.Errorf("output directory %s: not found", d)}
		}
	}
	files, err := collect(args, o.out)
	if err != nil {
		return err
	}
	opts := []cab.WriterOption{cab.WithCompression(o.comp), cab.MSZIPLevel(o.level)}
	if regular {
		opts = append(opts, cab.TempDir(filepath.Dir(o.out)))
	}
	if o.folderSize > 0 {
		opts = append(opts, cab.FolderThreshold(o.folderSize))
	}
	// A set of one part is a plain cabinet, so both cases go through a
	// set Writer. Each part is an output as every -o FILE is
	// (safepath.Output), committed only when the whole set is written: a
	// failure leaves no partial cabinet under an output name.
	dir, first := filepath.Split(o.out)
	if o.out == "-" {
		dir, first = "", "stdout.cab"
	}
	var parts []*partOutput
	discard := func() {
		for _, p := range parts {
			p.Discard()
		}
	}
	w := cab.NewSetWriter(first, o.maxSize, func(name string) (io.WriteCloser, error) {
		path := o.out
		if len(parts) > 0 {
			path = filepath.Join(dir, name)
		}
		out, err := safepath.CreateOutput(path, ctx.stdout)
		if err != nil {
			return nil, envError{err}
		}
		p := &partOutput{Output: out}
		parts = append(parts, p)
		return p, nil
	}, opts...)
	var size int64
	for _, in := range files {
		size += in.info.Size()
	}
	bar := newBar(ctx, "creating "+o.out, size, len(files), o.quiet)
	defer bar.Done()
	var total int64
	for _, in := range files {
		n, err := addFile(w, in, bar)
		if err != nil {
			w.Close()
			discard()
			return err
		}
		total += n
	}
	if err := w.Close(); err != nil {
		discard()
		var ee envError
		if errors.As(err, &ee) {
			return ee
		}
		return fmt.Errorf("%s: %w", o.out, err)
	}
	for i, p := range parts {
		if err := p.Commit(); err != nil {
			for _, q := range parts[i+1:] {
				q.Discard()
			}
			return envError{err}
		}
	}
	bar.Done()
	return reportCreate(ctx, o, parts, len(files), total)
}

// partOutput is one cabinet of a set being written; the Writer's Close
// of it is not the end: the set is committed whole.
type partOutput struct {
	*safepath.Output
	size int64
}

func (p *partOutput) Write(b []byte) (int, error) {
	n, err := p.Output.Write(b)
	p.size += int64(n)
	return n, err
}

func (p *partOutput) Close() error { return nil }

func addFile(w *cab.Writer, in input, bar *progress.Bar) (int64, error) {
	attrs := uint16(cab.AttrArchive)
	if in.info.Mode().Perm()&0o200 == 0 {
		attrs |= cab.AttrReadOnly
	}
	dst, err := w.CreateHeader(&cab.FileHeader{Name: in.name, Modified: in.info.ModTime(), Attributes: attrs})
	if err != nil {
		return 0, fmt.Errorf("%s: %w", in.path, err)
	}
	f, err := infile.Open(in.path) // a FIFO put in its place since collect is refused
	if err != nil {
		return 0, err
	}
	defer f.Close()
	n, err := io.Copy(dst, bar.Reader(f))
	bar.FileDone()
	if err != nil {
		return n, fmt.Errorf("%s: %w", in.path, err)
	}
	if n != in.info.Size() {
		return n, fmt.Errorf("%s: changed while being read (%d bytes, was %d)", in.path, n, in.info.Size())
	}
	return n, nil
}

type jsonCreated struct {
	Parts []jsonPart `json:"parts"`
	// FileCount counts the files stored; Files is its first name, kept
	// for compatibility. Bytes is their size, uncompressed.
	FileCount int   `json:"file_count"`
	Files     int   `json:"files"`
	Bytes     int64 `json:"bytes"`
}

type jsonPart struct {
	Name string `json:"name"`
	Size int64  `json:"size"`
}

func reportCreate(ctx *context, o createOpts, parts []*partOutput, nfiles int, total int64) error {
	rep := jsonCreated{Parts: []jsonPart{}, FileCount: nfiles, Files: nfiles, Bytes: total}
	for _, p := range parts {
		rep.Parts = append(rep.Parts, jsonPart{Name: p.Name(), Size: p.size})
	}
	if o.out == "-" {
		// Standard output holds the cabinet: the report goes to stderr.
		c := *ctx
		c.stdout = ctx.stderr
		ctx = &c
	}
	if o.json {
		return writeJSON(ctx.stdout, rep)
	}
	if o.quiet {
		return nil
	}
	w := bufio.NewWriter(ctx.stdout)
	defer w.Flush()
	for _, p := range rep.Parts {
		fmt.Fprintf(w, "%s: %d bytes\n", p.Name, p.Size)
	}
	fmt.Fprintf(w, "%d files, %d bytes, in %d cabinet(s)\n", nfiles, total, len(parts))
	return nil
}
