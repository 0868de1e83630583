package main

import (
	"bufio"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/msikit/msikit/cab"
	"github.com/msikit/msikit/internal/infile"
	"github.com/msikit/msikit/internal/safepath"
	"github.com/spf13/pflag"
)

func init() {
	register(&command{
		name:    "cab",
		summary: "List, extract, test and create cabinet (.cab) files.",
		children: []*command{
			{
				name: "list", usage: "CAB... [--search] [--encoding NAME] [--json]",
				summary: "List the files of cabinets: size, date, folder, compression and name.\n" +
					"A spanned set is listed whole from any of its parts.\n\n" +
					"--json prints an array with one object per cabinet (or set):\n" +
					"  {cabinet, offset, set_id, index, parts: [names],\n" +
					"   folders: [{index, compression, blocks}],\n" +
					"   files: [{name, path, size, modified, attributes, folder, offset, compression}]}\n" +
					"name is the stored name (backslash separated), path the relative path extraction\n" +
					"uses, modified the DOS date and time as YYYY-MM-DDTHH:MM:SS (no zone).\n" +
					searchCutNote,
				setup: func(fs *pflag.FlagSet) func(*context, []string) error {
					search := fs.Bool("search", false, "find cabinets embedded anywhere in the files (self-extracting EXEs)")
					enc := addEncodingFlag(fs)
					asJSON := fs.Bool("json", false, "print JSON (shape above)")
					return func(ctx *context, args []string) error {
						if err := needArgs(args, 1, -1); err != nil {
							return err
						}
						if err := useEncoding(ctx, *enc); err != nil {
							return err
						}
						return cabList(ctx, args, *search, *asJSON)
					}
				},
			},
			{
				name: "extract", usage: "CAB... [-o DIR] [--only GLOB]... [--search] [--encoding NAME] [--overwrite] [-q]",
				summary: "Extract the files of cabinets, each whole with the spanned set it is part of, into DIR.\n" +
					"Directories come from the stored names, made safe: nothing is written outside DIR.\n" +
					"Modification times come from the cabinet. Existing files are kept unless --overwrite.\n" +
					searchCutNote,
				setup: func(fs *pflag.FlagSet) func(*context, []string) error {
					out := fs.StringP("output", "o", ".", "output directory; - writes the files' bytes to standard output (cabextract -p)")
					only := fs.StringArray("only", nil, "extract only files whose path or base name matches this glob (repeatable)")
					search := fs.Bool("search", false, "find cabinets embedded anywhere in the file (self-extracting EXEs)")
					enc := addEncodingFlag(fs)
					overwrite := fs.Bool("overwrite", false, "replace existing files")
					quiet := fs.BoolP("quiet", "q", false, "do not list the files extracted")
					salvage := addSalvageFlag(fs)
					return func(ctx *context, args []string) error {
						if err := needArgs(args, 1, -1); err != nil {
							return err
						}
						if err := useEncoding(ctx, *enc); err != nil {
							return err
						}
						for _, g := range *only {
							if _, err := path.Match(g, ""); err != nil {
								return usagef("bad --only pattern %q: %v", g, err)
							}
						}
						useSalvage(ctx, *salvage)
						return eachInput(ctx, args, false, *quiet || *out == "-", "", func(ctx *context, name string) (any, error) {
							o := extractOpts{dir: *out, only: *only, search: *search || *salvage && isCompoundFile(name), overwrite: *overwrite, quiet: *quiet}
							if *out == "-" {
								return nil, cabExtractToStdout(ctx, name, o)
							}
							if err := checkInputs(name); err != nil { // before DIR is made
								return nil, err
							}
							return nil, cabExtract(ctx, name, o)
						})
					}
				},
			},
			{
				name: "test", usage: "CAB... [--md5] [--search] [--encoding NAME] [--json]",
				summary: "Decode every file of cabinets (each with its whole set) and verify every checksum.\n" +
					"--json prints one array of {cabinet, name, size, ok, md5, error}, the files of every CAB.\n" +
					searchCutNote,
				setup: func(fs *pflag.FlagSet) func(*context, []string) error {
					sum := fs.Bool("md5", false, "print each file's MD5, as cabextract -t does")
					search := fs.Bool("search", false, "find cabinets embedded anywhere in the file (self-extracting EXEs)")
					enc := addEncodingFlag(fs)
					asJSON := fs.Bool("json", false, "print JSON (shape above)")
					return func(ctx *context, args []string) error {
						if err := needArgs(args, 1, -1); err != nil {
							return err
						}
						if err := useEncoding(ctx, *enc); err != nil {
							return err
						}
						return cabTestAll(ctx, args, *search, *sum, *asJSON)
					}
				},
			},
			cabCreateCommand(),
		},
	})
}

// searchCutNote is the help text on files cut short, for the commands
// that take --search.
const searchCutNote = "With --search, a file cut short (a cabinet running past its end, or a WiX Burn\n" +
	"bundle whose .wixburn section lists a container the file does not hold) is reported\n" +
	"on stderr with the offset and the bytes missing, and the command exits 1 after\n" +
	"doing what it can with the cabinets found."

// openCabs opens name as the whole set it belongs to or, with search,
// every cabinet embedded in it. When a part of the set is missing, it
// falls back to the single cabinet, after a warning, so that the files
// wholly inside it can still be read, as cabextract does.
//
// With search, a file cut short (a cabinet running past its end, a Burn
// bundle's container missing) is reported on stderr, one line for each
// cabinet or container, and the cabinets found are still returned, with
// cut non-nil: the caller does its work on them and then fails with it.
func openCabs(ctx *context, name string, search bool) (rs []*cab.Reader, closeFn func(), cut, err error) {
	if search {
		rs, cl, err := cab.SearchFile(name, ctx.cabOpts...)
		if errors.Is(err, cab.ErrTruncated) {
			cut = reportTruncated(ctx, name, err)
			if len(rs) == 0 {
				return nil, nil, nil, exitCodeError{code: exitBad, msg: name + ": " + cut.Error()}
			}
		} else if err != nil {
			return nil, nil, nil, fileErr(name, err)
		}
		return rs, func() { cl.Close() }, cut, nil
	}
	rc, err := cab.OpenSet(name, ctx.cabOpts...)
	if errors.Is(err, cab.ErrMissingPart) {
		fmt.Fprintf(ctx.stderr, "%s: warning: %s: %v\n", ctx.path, name, err)
		rc, err = cab.Open(name, ctx.cabOpts...)
	}
	if err != nil {
		return nil, nil, nil, fileErr(name, err)
	}
	return []*cab.Reader{&rc.Reader}, func() { rc.Close() }, nil, nil
}

// reportTruncated prints each cabinet or container that a search found
// cut short, naming the file as the user gave it, and returns the
// summary a command ends with.
func reportTruncated(ctx *context, name string, err error) error {
	var cuts cab.Errors[*cab.TruncatedError]
	errors.As(err, &cuts)
	n := len(cuts)
	for _, te := range cuts {
		te.Name = ""
		fmt.Fprintf(ctx.stderr, "%s: %s: %s\n", ctx.path, name, oneLine(te.Error()))
	}
	what := "a cabinet or container is cut short"
	if n > 1 {
		what = fmt.Sprintf("%d cabinets or containers are cut short", n)
	}
	return fmt.Errorf("the file is truncated: %s", what)
}

// fileErr names the file in an error, unless it is an error from the
// operating system, or infile's, that already does. Either way the input
// is bad (exit 1): missing, unreadable, not a regular file, or damaged.
func fileErr(name string, err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) || errors.Is(err, infile.ErrNotRegular) {
		return err
	}
	return fmt.Errorf("%s: %w", name, err)
}

type jsonCabinet struct {
	Cabinet string       `json:"cabinet"`
	Offset  int64        `json:"offset"`
	SetID   uint16       `json:"set_id"`
	Index   uint16       `json:"index"`
	Parts   []string     `json:"parts"`
	Folders []jsonFolder `json:"folders"`
	Files   []jsonFile   `json:"files"`
}

type jsonFolder struct {
	Index       int    `json:"index"`
	Compression string `json:"compression"`
	Blocks      int    `json:"blocks"`
}

type jsonFile struct {
	Name string `json:"name"`
	Path string `json:"path"`
	Size int64  `json:"size"`
	// Modified is the DOS date and time read as local time, as extractors
	// apply it, in RFC 3339 with the local offset; DOSDate and DOSTime are
	// the stored words, for values no calendar has (month 0).
	Modified    string `json:"modified"`
	DOSDate     uint16 `json:"dos_date"`
	DOSTime     uint16 `json:"dos_time"`
	Attributes  uint16 `json:"attributes"`
	Folder      int    `json:"folder"`
	Offset      int64  `json:"offset"`
	Compression string `json:"compression"`
}

// dosStamp prints the raw DOS date and time, so that odd values (month 0)
// show as stored rather than normalised.
func dosStamp(f *cab.File, sep string) string {
	d, t := f.DOSDate, f.DOSTime
	return fmt.Sprintf("%04d-%02d-%02d%s%02d:%02d:%02d",
		int(d>>9)+1980, d>>5&0xF, d&0x1F, sep, t>>11, t>>5&0x3F, (t&0x1F)*2)
}

func cabList(ctx *context, names []string, search, asJSON bool) error {
	var all []jsonCabinet
	w := bufio.NewWriter(ctx.stdout)
	defer w.Flush()
	var failed []error
	for _, name := range names {
		rs, closeFn, cut, err := openCabs(ctx, name, search)
		if err != nil {
			if len(names) == 1 {
				return err
			}
			fmt.Fprintf(ctx.stderr, "%s: %v\n", ctx.path, err)
			failed = append(failed, err)
			continue
		}
		if cut != nil {
			failed = append(failed, fmt.Errorf("%s: %w", name, cut))
		}
		for _, r := range rs {
			jc := jsonCabinet{Cabinet: name, Offset: r.Offset, SetID: r.SetID, Index: r.Index,
				Folders: []jsonFolder{}, Files: []jsonFile{}}
			jc.Parts = r.PartNames()
			for _, fo := range r.Folders {
				jc.Folders = append(jc.Folders, jsonFolder{fo.Index, fo.Compression.String(), fo.NumBlocks})
			}
			for _, f := range r.File {
				jc.Files = append(jc.Files, jsonFile{
					Name: f.Name, Path: f.Path(), Size: f.Size, Modified: f.Modified.Format(time.RFC3339), DOSDate: f.DOSDate, DOSTime: f.DOSTime,
					Attributes: f.Attributes, Folder: f.Folder, Offset: f.Offset,
					Compression: r.Folders[f.Folder].Compression.String(),
				})
			}
			all = append(all, jc)
			if asJSON {
				continue
			}
			if len(names) > 1 || len(rs) > 1 {
				fmt.Fprintf(w, "%s (offset %d):\n", name, r.Offset)
			}
			fmt.Fprintf(w, "%10s  %-19s  %6s  %-12s  %s\n", "SIZE", "DATE", "FOLDER", "COMPRESSION", "NAME")
			for _, f := range r.File {
				fmt.Fprintf(w, "%10d  %s  %6d  %-12s  %s\n", f.Size, dosStamp(f, " "), f.Folder,
					r.Folders[f.Folder].Compression, strings.ReplaceAll(f.Name, "\\", "/"))
			}
		}
		closeFn()
	}
	if asJSON {
		if all == nil {
			all = []jsonCabinet{}
		}
		if err := writeJSON(w, all); err != nil {
			return err
		}
	}
	if len(failed) == 1 && len(names) == 1 {
		w.Flush()
		return exitCodeError{code: exitBad, msg: failed[0].Error()}
	}
	if len(failed) > 0 {
		return exitCodeError{code: exitBad, msg: fmt.Sprintf("%d of %d cabinets could not be read whole", len(failed), len(names))}
	}
	return nil
}

type extractOpts struct {
	dir       string
	only      []string
	search    bool
	overwrite bool
	quiet     bool
	allowNone bool // --only matching nothing is no error (inside a package)
}

// selected reports whether f matches one of the --only globs, against
// its extraction path or its base name, ignoring case.
func selected(f *cab.File, globs []string) bool {
	p := f.Path()
	return matchOnly(globs, path.Base(p), p)
}

// selectFiles picks, cabinet by cabinet, the files --only selects (all
// without it): the files of each reader, how many, and their bytes.
func selectFiles(rs []*cab.Reader, only []string) (files [][]*cab.File, n int, bytes int64) {
	for _, r := range rs {
		var sel []*cab.File
		for _, f := range r.File {
			if selected(f, only) {
				sel = append(sel, f)
				bytes += f.Size
			}
		}
		n += len(sel)
		files = append(files, sel)
	}
	return files, n, bytes
}

func workers() int { return min(runtime.GOMAXPROCS(0), 4) }

func cabExtract(ctx *context, name string, o extractOpts) error {
	dir, err := safepath.OpenDir(o.dir)
	if err != nil {
		return envError{fmt.Errorf("output directory: %w", err)}
	}
	defer dir.Close()
	_, err = cabExtractTo(ctx, name, dir, o)
	return err
}

// cabExtractTo extracts the cabinet name into dir and returns the paths
// written in it.
func cabExtractTo(ctx *context, name string, dir *safepath.Dir, o extractOpts) ([]string, error) {
	rs, closeFn, cut, err := openCabs(ctx, name, o.search)
	if err != nil {
		return nil, err
	}
	defer closeFn()
	files, total, totalBytes := selectFiles(rs, o.only)
	if len(o.only) > 0 && total == 0 {
		if cut != nil {
			return nil, exitCodeError{code: exitBad, msg: name + ": " + cut.Error()}
		}
		if o.allowNone {
			return nil, nil
		}
		return nil, fmt.Errorf("%s: no file matches %s", name, strings.Join(o.only, ", "))
	}
	bar := newBar(ctx, "extracting "+name, totalBytes, total, o.quiet)
	defer bar.Done()
	var mu sync.Mutex
	var errs []error
	// A name stored twice is written once, from its last copy in the
	// cabinets' file lists: what cabextract leaves, since it writes every
	// copy in that order (folders decoded in parallel would otherwise make
	// the winner a race). The other copies are decoded all the same, so
	// that damage in them is reported.
	last := map[string]*cab.File{}
	for _, sel := range files {
		for _, f := range sel {
			last[f.Path()] = f
		}
	}
	var paths []string
	for i, r := range rs {
		if len(files[i]) == 0 {
			continue
		}
		err := r.ExtractWith(files[i], cab.ExtractOptions{Workers: workers(), Concurrent: true}, func(f *cab.File, content io.Reader) error {
			rel := f.Path()
			var err error
			superseded := last[rel] != f
			content = bar.Reader(content)
			if superseded {
				_, err = io.Copy(io.Discard, content)
			} else {
				rel, _, err = dir.WriteFile(rel, content, safepath.WriteOptions{
					ModTime: f.Modified, Perm: f.Mode(), Overwrite: o.overwrite,
				})
			}
			bar.FileDone()
			if err == nil {
				bar.Printf("  extracting %s\n", rel)
			}
			mu.Lock()
			defer mu.Unlock()
			if err == nil && !superseded {
				paths = append(paths, rel)
			}
			if errors.Is(err, safepath.ErrExist) {
				return existsError(rel)
			}
			return err
		})
		if err != nil {
			errs = append(errs, err)
		}
	}
	bar.Done()
	if len(errs) == 0 {
		if cut != nil {
			return paths, exitCodeError{code: exitBad, msg: name + ": " + cut.Error()}
		}
		return paths, nil
	}
	var n int
	code := exitBad
	for _, err := range errs {
		var fails cab.Errors[*cab.FileError]
		errors.As(err, &fails)
		for _, fe := range fails {
			n++
			code = max(code, exitCodeOf(fe))
			fmt.Fprintf(ctx.stderr, "%s: %s: %s\n", ctx.path, name, oneLine(fe.Error()))
		}
	}
	msg := fmt.Sprintf("%d of %d files not extracted", n, total)
	if cut != nil {
		msg = cut.Error() + "; " + msg
	}
	msg = name + ": " + msg
	return paths, exitCodeError{code: code, msg: msg}
}

type jsonTest struct {
	Cabinet string `json:"cabinet"`
	Name    string `json:"name"`
	Size    int64  `json:"size"`
	OK      bool   `json:"ok"`
	MD5     string `json:"md5"`   // with --md5, of a file that decoded
	Error   string `json:"error"` // why it failed, "" when ok
}

// cabTestAll tests each cabinet in turn; --json is one array of the
// files of them all, each naming its cabinet.
func cabTestAll(ctx *context, names []string, search, withMD5, asJSON bool) error {
	all := []jsonTest{}
	errs := make([]error, len(names))
	for i, name := range names {
		if len(names) > 1 && !asJSON {
			if i > 0 {
				fmt.Fprintln(ctx.stdout)
			}
			fmt.Fprintf(ctx.stdout, "%s:\n", name)
		}
		var res []jsonTest
		res, errs[i] = cabTest(ctx, name, search, withMD5, asJSON)
		all = append(all, res...)
	}
	if asJSON {
		if err := writeJSON(ctx.stdout, all); err != nil {
			return err
		}
	}
	return failedInputs(ctx, names, errs)
}

// cabTest tests one cabinet (or set), prints its files' results unless
// asJSON, and returns them.
func cabTest(ctx *context, name string, search, withMD5, asJSON bool) ([]jsonTest, error) {
	rs, closeFn, cut, err := openCabs(ctx, name, search)
	if err != nil {
		return nil, err
	}
	defer closeFn()
	var size int64
	var nfiles int
	for _, r := range rs {
		nfiles += len(r.File)
		for _, f := range r.File {
			size += f.Size
		}
	}
	bar := newBar(ctx, "testing "+name, size, nfiles, false)
	defer bar.Done()
	var results []jsonTest
	failed := 0
	for _, r := range rs {
		sums := make(map[*cab.File]string, len(r.File))
		var mu sync.Mutex
		err := r.ExtractWith(nil, cab.ExtractOptions{Workers: workers(), Concurrent: true}, func(f *cab.File, content io.Reader) error {
			h := md5.New()
			_, err := io.Copy(h, bar.Reader(content))
			bar.FileDone()
			if err != nil {
				return err
			}
			mu.Lock()
			sums[f] = hex.EncodeToString(h.Sum(nil))
			mu.Unlock()
			return nil
		})
		var errs cab.Errors[*cab.FileError]
		errors.As(err, &errs)
		fails := map[*cab.File]error{}
		for _, fe := range errs {
			fails[fe.File] = fe.Err
		}
		for _, f := range r.File {
			res := jsonTest{Cabinet: name, Name: f.Name, Size: f.Size}
			shown := strings.ReplaceAll(f.Name, "\\", "/")
			if ferr, bad := fails[f]; bad {
				failed++
				res.Error = ferr.Error()
				if !asJSON {
					bar.Printf("  %s  failed (%s)\n", shown, oneLine(ferr.Error()))
				}
			} else {
				res.OK = true
				if withMD5 {
					res.MD5 = sums[f]
				}
				if !asJSON {
					if withMD5 {
						bar.Printf("  %s  OK  %s\n", shown, sums[f])
					} else {
						bar.Printf("  %s  OK\n", shown)
					}
				}
			}
			results = append(results, res)
		}
	}
	bar.Done()
	if failed > 0 {
		first := ""
		for _, r := range results {
			if !r.OK {
				first = r.Name + ": " + oneLine(r.Error)
				break
			}
		}
		msg := fmt.Sprintf("%d of %d files failed; first: %s", failed, len(results), first)
		if cut != nil {
			msg = cut.Error() + "; " + msg
		}
		msg = name + ": " + msg
		return results, exitCodeError{code: exitBad, msg: msg}
	}
	if cut != nil {
		return results, exitCodeError{code: exitBad, msg: name + ": " + cut.Error()}
	}
	return results, nil
}
