package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/msikit/msikit/internal/infile"
	"github.com/msikit/msikit/msi/patch/pa19"
	"github.com/spf13/pflag"
)

// maxDeltaInput bounds what `delta` reads into memory: PatchAPI's sizes are
// 32-bit.
const maxDeltaInput = 1<<32 - 1

func init() {
	register(&command{
		name:    "delta",
		summary: "Binary deltas (PatchAPI PA19, as in patches and hotfixes): show their header, apply them to the old file.",
		children: []*command{
			{
				name: "info", usage: "DELTA", summary: "Show a delta's header: options, the new file's size, CRC32 and time, and each old file it applies to, with its ranges.",
				setup: func(fs *pflag.FlagSet) func(*context, []string) error {
					asJSON := fs.Bool("json", false, "print a JSON object (shape in the README)")
					return func(ctx *context, args []string) error {
						if err := needArgs(args, 1, 1); err != nil {
							return err
						}
						p, size, err := readDelta(args[0])
						if err != nil {
							return err
						}
						j := deltaInfoJSON(args[0], size, p)
						if *asJSON {
							return writeJSON(ctx.stdout, j)
						}
						printDeltaInfo(ctx.stdout, j)
						return nil
					}
				},
			},
			{
				name: "apply", usage: "OLD DELTA -o NEW", summary: "Make the new file from the old one and a delta (ApplyPatchToFile); with --test, only say whether the delta applies to OLD.",
				setup: func(fs *pflag.FlagSet) func(*context, []string) error {
					out := fs.StringP("output", "o", "", "the new `FILE` ('-' for standard output)")
					test := fs.Bool("test", false, "only check that the delta applies to OLD (size and CRC32, as TestApplyPatchToFile); header-only deltas can do this")
					return func(ctx *context, args []string) error {
						if err := needArgs(args, 2, 2); err != nil {
							return err
						}
						if *out == "" && !*test {
							return usagef("-o NEW is needed (or --test)")
						}
						oldName, deltaName := args[0], args[1]
						p, _, err := readDelta(deltaName)
						if err != nil {
							return err
						}
						old, err := readOld(oldName, p)
						if err != nil {
							return err
						}
						if *test {
							i, err := p.Check(old)
							if err != nil {
								return fmt.Errorf("%s: %s: %w", deltaName, oldName, err)
							}
							fmt.Fprintf(ctx.stdout, "%s applies to %s (old file %d of %d)\n", deltaName, oldName, i+1, len(p.Olds))
							return nil
						}
						// Applying first and writing after: nothing is
						// written unless the new file's CRC32 checks.
						err = writeOutputFile(ctx, *out, func(w io.Writer) error {
							if err := p.Apply(w, old); err != nil && !isOutputErr(err) {
								return fmt.Errorf("%s: %s: %w", deltaName, oldName, err)
							} else if err != nil {
								return err
							}
							return nil
						})
						// The new file gets the header's time, as
						// ApplyPatchToFile gives it.
						if fi, serr := os.Stat(*out); err == nil && p.HasTime && *out != "-" && serr == nil && fi.Mode().IsRegular() {
							if err := os.Chtimes(*out, p.Time, p.Time); err != nil {
								return envError{err}
							}
						}
						return err
					}
				},
			},
		},
	})
}

func isOutputErr(err error) bool {
	var oe outputError
	return errors.As(err, &oe)
}

// readDelta reads and parses a delta file; errors name it.
func readDelta(name string) (*pa19.Patch, int64, error) {
	data, err := readWhole(name, maxDeltaInput)
	if err != nil {
		return nil, 0, err
	}
	p, err := pa19.Parse(data)
	if err != nil {
		return nil, 0, fmt.Errorf("%s: %w", name, err)
	}
	return p, int64(len(data)), nil
}

// readOld reads the old file, unless its size already shows that the delta
// is not for it.
func readOld(name string, p *pa19.Patch) ([]byte, error) {
	fi, err := infile.Stat(name)
	if err != nil {
		return nil, err
	}
	if fi.Mode().IsRegular() {
		fits := false
		for _, o := range p.Olds {
			fits = fits || o.Size == fi.Size()
		}
		if !fits {
			return nil, fmt.Errorf("%s: %w: it is %d bytes; the delta wants %s", name, pa19.ErrWrongOld, fi.Size(), p.Expected())
		}
	}
	return readWhole(name, maxDeltaInput)
}

// readWhole reads a file ("-": standard input, a FIFO that is written to)
// of at most max bytes.
func readWhole(name string, max int64) ([]byte, error) {
	f, err := infile.OpenStream(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if int64(len(b)) > max {
		return nil, fmt.Errorf("%s: larger than %d bytes", name, max)
	}
	return b, nil
}

type deltaJSON struct {
	File       string         `json:"file"`
	Size       int64          `json:"size"`
	Flags      string         `json:"flags"`
	Options    []string       `json:"options"`
	Time       string         `json:"time,omitempty"`
	Rebase     *uint64        `json:"rebase,omitempty"`
	NewSize    int64          `json:"new_size"`
	NewCRC     string         `json:"new_crc32"`
	HeaderOnly bool           `json:"header_only"`
	Olds       []deltaOldJSON `json:"old_files"`
}

type deltaOldJSON struct {
	Size       int64            `json:"size"`
	CRC        string           `json:"crc32"`
	Identical  bool             `json:"identical"`
	StreamSize int64            `json:"stream_size"`
	Ignore     []deltaRangeJSON `json:"ignore"`
	Retain     []deltaRangeJSON `json:"retain"`
}

// deltaRangeJSON is an ignored range (offset, length) or a retained one
// (old_offset, new_offset, length).
type deltaRangeJSON struct {
	Offset    *int64 `json:"offset,omitempty"`
	OldOffset *int64 `json:"old_offset,omitempty"`
	NewOffset *int64 `json:"new_offset,omitempty"`
	Length    int64  `json:"length"`
}

func deltaInfoJSON(name string, size int64, p *pa19.Patch) deltaJSON {
	j := deltaJSON{
		File: name, Size: size, Flags: fmt.Sprintf("0x%08x", p.Flags), Options: pa19.OptionNames(p.Flags),
		NewSize: p.NewSize, NewCRC: fmt.Sprintf("%08x", p.NewCRC), HeaderOnly: p.HeaderOnly,
	}
	if j.Options == nil {
		j.Options = []string{}
	}
	if p.HasTime {
		j.Time = p.Time.Format(time.RFC3339)
	}
	if p.Flags&pa19.OptionNoRebase == 0 {
		j.Rebase = &p.Rebase
	}
	for _, o := range p.Olds {
		oj := deltaOldJSON{Size: o.Size, CRC: fmt.Sprintf("%08x", o.CRC), Identical: o.Identical(), StreamSize: o.StreamSize,
			Ignore: []deltaRangeJSON{}, Retain: []deltaRangeJSON{}}
		for _, r := range o.Ignore {
			oj.Ignore = append(oj.Ignore, deltaRangeJSON{Offset: &r.Offset, Length: r.Length})
		}
		for _, r := range o.Retain {
			oj.Retain = append(oj.Retain, deltaRangeJSON{OldOffset: &r.OldOffset, NewOffset: &r.NewOffset, Length: r.Length})
		}
		j.Olds = append(j.Olds, oj)
	}
	return j
}

func printDeltaInfo(w io.Writer, j deltaJSON) {
	fmt.Fprintf(w, "delta:        %s (%d bytes)\n", j.File, j.Size)
	fmt.Fprintf(w, "options:      %s (%s)\n", j.Flags, strings.Join(j.Options, ", "))
	if j.Time != "" {
		fmt.Fprintf(w, "time:         %s\n", j.Time)
	}
	if j.Rebase != nil {
		fmt.Fprintf(w, "rebase:       %#x\n", *j.Rebase)
	}
	fmt.Fprintf(w, "new file:     %d bytes, CRC32 %s\n", j.NewSize, j.NewCRC)
	if j.HeaderOnly {
		fmt.Fprintf(w, "header only:  yes (no data: it can test an old file, not make the new one)\n")
	}
	for i, o := range j.Olds {
		what := fmt.Sprintf("stream %d bytes", o.StreamSize)
		if o.Identical {
			what = "identical to the new file (no stream)"
		}
		fmt.Fprintf(w, "old file %d:   %d bytes, CRC32 %s, %s\n", i+1, o.Size, o.CRC, what)
		for _, r := range o.Ignore {
			fmt.Fprintf(w, "  ignore      %d+%d\n", *r.Offset, r.Length)
		}
		for _, r := range o.Retain {
			fmt.Fprintf(w, "  retain      %d+%d -> new %d\n", *r.OldOffset, r.Length, *r.NewOffset)
		}
	}
}
