package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"strings"
	"sync"

	"github.com/msikit/msikit/container"
	"github.com/msikit/msikit/internal/infile"
	"github.com/msikit/msikit/internal/safepath"
	"github.com/msikit/msikit/msi"
	"github.com/spf13/pflag"
)

func init() {
	register(&command{
		name: "extract", usage: "FILE... [-o DIR] [--layout admin|install|target|flat] [--only PATTERN]... [--recursive] [--password PW] [--encoding NAME]",
		summary: "Extract a package's files, laid out as msiexec /a lays them out (the source tree under TARGETDIR) unless asked otherwise; or what a download (ZIP, Burn bundle, InstallShield setup.exe, cabinet) holds.",
		setup: func(fs *pflag.FlagSet) func(*context, []string) error {
			out := fs.StringP("output", "o", ".", "output directory: the root (SourceDir) of the layout; - writes the files' bytes to standard output")
			lo := addLayoutFlags(fs)
			only := fs.StringArray("only", nil, "extract only files whose name or path matches this glob, case-insensitively (repeatable)")
			recursive := fs.BoolP("recursive", "r", false, "also open what is inside, told by content (MSI, MSM, MSP, cabinets, ZIP, Burn bundles, InstallShield launchers, EXEs with cabinets), down to the file: the files of NAME go to NAME.extracted/ beside it")
			overwrite := fs.Bool("overwrite", false, "replace files that already exist")
			quiet := fs.BoolP("quiet", "q", false, "print nothing but errors")
			enc := addEncodingFlag(fs)
			password := addPasswordFlag(fs)
			salvage := addSalvageFlag(fs)
			strict := fs.Bool("strict", false, "refuse an uncompressed source file whose size differs from the File table (by default it is copied, as msiexec /a does, with a warning)")
			return func(ctx *context, args []string) error {
				if err := needArgs(args, 1, -1); err != nil {
					return err
				}
				opts, err := lo.options()
				if err != nil {
					return err
				}
				if err := useEncoding(ctx, *enc); err != nil {
					return err
				}
				useSalvage(ctx, *salvage)
				for _, g := range *only {
					if _, err := path.Match(strings.ToLower(g), ""); err != nil {
						return usagef("bad --only pattern %q: %v", g, err)
					}
				}
				if *salvage {
					var rest []string
					for _, name := range args {
						if why := packageUnreadable(name); why != nil {
							err := salvagePackage(ctx, name, why, extractOpts{dir: *out, only: *only, overwrite: *overwrite, quiet: *quiet})
							if len(args) == 1 {
								return err
							}
							if err != nil {
								report(ctx, err)
							}
							continue
						}
						rest = append(rest, name)
					}
					if args = rest; len(args) == 0 {
						return nil
					}
				}
				if *out == "-" {
					return eachInput(ctx, args, false, true, "", func(ctx *context, name string) (any, error) {
						if kind, exe := detectFile(name); !*recursive && (kind == container.MSI || kind == container.MSM || kind == container.File && !exe) {
							return nil, extractToStdout(ctx, name, opts, *only, *strict, *quiet)
						}
						// A download, or -r: the chosen files from
						// wherever they are inside.
						x := &extractor{ctx: ctx, opts: opts, only: *only, quiet: true, recursive: *recursive, strict: *strict,
							password: passwordSource(ctx, *password), stdout: stdoutWriter(ctx)}
						return nil, stdoutErr(x.walk(name))
					})
				}
				// Several packages go to the same DIR, as msiextract puts them.
				return eachInput(ctx, args, false, *quiet, "", func(ctx *context, name string) (any, error) {
					x := &extractor{ctx: ctx, opts: opts, only: *only, overwrite: *overwrite, quiet: *quiet, recursive: *recursive, strict: *strict,
						password: passwordSource(ctx, *password)}
					return nil, x.run(name, *out)
				})
			}
		},
	})
}

type extractor struct {
	ctx       *context
	opts      msi.FileOptions
	only      []string
	overwrite bool
	quiet     bool
	recursive bool
	strict    bool // refuse source files whose size differs from the File table
	password  func(archive string) ([]byte, error)
	stdout    *bufio.Writer // -o -: the files' bytes go here, one after another
	outPath   string
	root      *safepath.Dir // the output tree, opened by rootDir
}

// matchOnly reports whether a file is selected by the --only globs, which
// match its long name or its whole path, ignoring case.
func matchOnly(globs []string, name, p string) bool {
	if len(globs) == 0 {
		return true
	}
	name, p = strings.ToLower(name), strings.ToLower(p)
	for _, g := range globs {
		g = strings.ToLower(strings.ReplaceAll(g, "\\", "/"))
		if ok, _ := path.Match(g, name); ok {
			return true
		}
		if ok, _ := path.Match(g, p); ok {
			return true
		}
	}
	return false
}

// maxNesting bounds --recursive: a download holding a bundle holding a
// package holding a cabinet holding a file is 4 levels.
const maxNesting = 6

// run extracts one input. A package is read by its own fast path
// (cabinet folders decoded in parallel, the layout options, --strict); a
// wrapper (ZIP, Burn bundle, InstallShield launcher, cabinets, a patch),
// or anything with --recursive, goes through the container walker, which
// tells each member's kind from its bytes and opens the containers among
// them in turn. A file that is no container gets the package reader's
// error, as it always did; a Windows executable carrying nothing msikit
// reads (an NSIS or Inno Setup installer, say) is told so.
func (x *extractor) run(name, outDir string) error {
	x.outPath = outDir
	defer x.closeRoot()
	if kind, exe := detectFile(name); kind == container.File && !exe || !x.recursive && (kind == container.MSI || kind == container.MSM) {
		return withPackage(x.ctx, name, func(p *msi.Package) error {
			_, _, err := x.extract(p, x.rootDir)
			return err
		})
	}
	return x.walk(name)
}

// detectFile tells what the file at name holds, and whether it is a
// Windows executable; File when it cannot be read (the reader that opens
// it then says why).
func detectFile(name string) (kind container.Kind, exe bool) {
	f, err := infile.Open(name)
	if err != nil {
		return container.File, false
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return container.File, false
	}
	head := make([]byte, 2)
	f.ReadAt(head, 0)
	kind, _ = container.Detect(f, st.Size())
	return kind, string(head) == "MZ"
}

// rootDir opens the output directory when it is first needed (so that an
// --only that matches nothing creates nothing). Every file of the
// command, those of nested packages and cabinets too, is written through
// it (safepath.Dir): nothing outside it, no symbolic link followed.
func (x *extractor) rootDir() (*safepath.Dir, error) {
	if x.root == nil {
		d, err := safepath.OpenDir(x.outPath)
		if err != nil {
			return nil, envError{fmt.Errorf("output directory: %w", err)}
		}
		x.root = d
	}
	return x.root, nil
}

func (x *extractor) closeRoot() {
	if x.root != nil {
		x.root.Close()
	}
}

// extract writes p's selected files into the directory open gives
// (opened only if a file is selected), and with --recursive what is
// inside them. It returns that directory and the paths written in it.
func (x *extractor) extract(p *msi.Package, open func() (*safepath.Dir, error)) (*safepath.Dir, []string, error) {
	files, err := msi.FileList(p, x.opts)
	if err != nil {
		return nil, nil, err
	}
	var sel []*msi.File
	var total int64
	for _, f := range files {
		if matchOnly(x.only, f.LongName, f.Path) {
			sel = append(sel, f)
			total += f.Size
		}
	}
	if len(x.only) > 0 && len(sel) == 0 {
		return nil, nil, fmt.Errorf("%s: no file matches %s", p.Name(), strings.Join(x.only, ", "))
	}
	dir, err := open()
	if err != nil {
		return nil, nil, err
	}

	bar := newBar(x.ctx, "extracting "+p.Name(), total, len(sel), x.quiet)
	var mu sync.Mutex
	var written []string
	_, err = p.ReadFiles(sel, msi.ReadOptions{Workers: workers(), Strict: x.strict, CheckSize: true, CabinetOptions: x.ctx.cabOpts}, func(c msi.FileContent) error {
		rel, _, err := dir.WriteFile(c.File.Path, bar.Reader(c.Reader), safepath.WriteOptions{
			ModTime: c.Modified, Overwrite: x.overwrite,
		})
		bar.FileDone()
		if err == nil {
			bar.Printf("  extracting %s\n", rel)
		}
		mu.Lock()
		defer mu.Unlock()
		if errors.Is(err, safepath.ErrExist) {
			return existsError(rel)
		}
		if err == nil {
			written = append(written, rel)
		}
		return err
	})
	bar.Done()
	var errs []error
	var failed msi.FileErrors
	if errors.As(err, &failed) {
		for _, fe := range failed {
			errs = append(errs, fe)
		}
	} else if err != nil {
		errs = append(errs, err)
	}
	if len(errs) == 0 {
		return dir, written, nil
	}
	for _, e := range errs {
		fmt.Fprintf(x.ctx.stderr, "%s: %s: %s\n", x.ctx.path, p.Name(), oneLine(e.Error()))
	}
	return dir, written, exitCodeError{code: worstCode(errs), msg: fmt.Sprintf("%s: %d of %d files not extracted", p.Name(), len(errs), len(sel))}
}

// walk extracts a container's members through the walker: a member
// selected by --only (all without it) is written to its path in the
// container, the members of a nested container (with --recursive) under
// NAME.extracted/ beside where NAME is written, whether or not NAME
// itself is selected: --only applies at every level. Every path goes
// through the one output tree (safepath.Dir), so nested names stay
// inside -o and a symbolic link on the way is refused.
func (x *extractor) walk(name string) error {
	c, err := openContainer(name, container.Options{Files: x.opts, Cabinet: x.ctx.cabOpts, Password: x.password, Strict: x.strict})
	if err != nil {
		return err
	}
	defer c.Close()
	depth := 1
	if x.recursive {
		depth = maxNesting
	}
	bar := newBar(x.ctx, "extracting "+c.Name, 0, 0, x.quiet)
	outDir := map[string]string{c.Name: ""} // a container's Path to where its members go
	var failed []string
	written := 0
	err = container.Walk(c, depth, func(e *container.Entry, r io.Reader) error {
		for _, w := range e.Warnings {
			bar.Warnf("%s: warning: %s: %s\n", x.ctx.path, e.Path, w)
		}
		if e.Depth == 0 {
			return nil
		}
		rel := path.Join(outDir[e.Container], e.Name)
		if e.Kind.IsContainer() && e.Err == nil {
			outDir[e.Path] = rel + ".extracted"
			if x.recursive && e.Depth == depth {
				bar.Warnf("%s: warning: %s: a %s more than %d levels down, not opened\n", x.ctx.path, e.Path, e.Kind, depth)
			}
		}
		if e.Err != nil {
			failed = append(failed, oneLine(e.Err.Error()))
			if r == nil || !matchOnly(x.only, path.Base(e.Name), e.Name) {
				return nil
			}
		}
		if !matchOnly(x.only, path.Base(e.Name), e.Name) {
			return nil
		}
		if x.stdout != nil {
			if _, err := io.Copy(x.stdout, r); err != nil {
				var oe outputError
				if errors.As(err, &oe) {
					return err // standard output is gone: stop
				}
				failed = append(failed, fmt.Sprintf("%s: %s", e.Path, oneLine(err.Error())))
			} else {
				written++
			}
			return nil
		}
		dir, err := x.rootDir()
		if err != nil {
			return err
		}
		got, n, err := dir.WriteFile(rel, r, safepath.WriteOptions{ModTime: e.Modified, Overwrite: x.overwrite})
		bar.Add(n)
		bar.FileDone()
		switch {
		case errors.Is(err, safepath.ErrExist):
			failed = append(failed, fmt.Sprintf("%s exists (use --overwrite to replace it)", got))
		case err != nil:
			failed = append(failed, fmt.Sprintf("%s: %s", e.Path, oneLine(err.Error())))
		default:
			written++
			bar.Printf("  extracting %s\n", got)
		}
		return nil
	})
	bar.Done()
	if x.stdout != nil {
		if ferr := x.stdout.Flush(); err == nil {
			err = ferr
		}
	}
	if err != nil {
		return err
	}
	for _, f := range failed {
		fmt.Fprintf(x.ctx.stderr, "%s: %s\n", x.ctx.path, f)
	}
	switch {
	case len(failed) > 0:
		return exitCodeError{code: exitBad, msg: fmt.Sprintf("%s: %d files not extracted, %d extracted", c.Name, len(failed), written)}
	case len(x.only) > 0 && written == 0:
		return fmt.Errorf("%s: no file matches %s", c.Name, strings.Join(x.only, ", "))
	}
	return nil
}

// openContainer opens an input with the walker, its errors told as the
// CLI tells them: a wrong or missing password is one line naming the
// archive, exit 1.
func openContainer(name string, o container.Options) (*container.Container, error) {
	c, err := container.OpenFile(name, &o)
	var pe *fs.PathError
	switch {
	case errors.As(err, &pe):
		return nil, fmt.Errorf("%s: %v", name, pe.Err)
	case errors.Is(err, container.ErrPassword):
		msg := oneLine(err.Error())
		if strings.Contains(msg, "no password given") {
			msg += passwordHint
		}
		return nil, exitCodeError{code: exitBad, msg: msg}
	}
	return c, err
}
