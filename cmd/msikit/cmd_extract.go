package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"strings"
	"sync"

	"github.com/msikit/msikit/cab"
	"github.com/msikit/msikit/internal/safepath"
	"github.com/msikit/msikit/msi"
	"github.com/msikit/msikit/msi/patch"
	"github.com/spf13/pflag"
)

func init() {
	register(&command{
		name: "extract", usage: "PKG... [-o DIR] [--layout admin|install|target|flat] [--only PATTERN]... [--recursive] [--encoding NAME]",
		summary: "Extract a package's files, laid out as msiexec /a lays them out (the source tree under TARGETDIR) unless asked otherwise.",
		setup: func(fs *pflag.FlagSet) func(*context, []string) error {
			out := fs.StringP("output", "o", ".", "output directory: the root (SourceDir) of the layout")
			lo := addLayoutFlags(fs)
			only := fs.StringArray("only", nil, "extract only files whose name or path matches this glob, case-insensitively (repeatable)")
			recursive := fs.BoolP("recursive", "r", false, "also extract packages and cabinets found inside (MSI, MSP, CAB, EXE with an embedded cabinet) into NAME.extracted/ beside them")
			overwrite := fs.Bool("overwrite", false, "replace files that already exist")
			quiet := fs.BoolP("quiet", "q", false, "print nothing but errors")
			enc := addEncodingFlag(fs)
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
				for _, g := range *only {
					if _, err := path.Match(strings.ToLower(g), ""); err != nil {
						return usagef("bad --only pattern %q: %v", g, err)
					}
				}
				// Several packages go to the same DIR, as msiextract puts them.
				return eachInput(ctx, args, false, *quiet, "", func(ctx *context, name string) (any, error) {
					x := &extractor{ctx: ctx, opts: opts, only: *only, overwrite: *overwrite, quiet: *quiet, recursive: *recursive, strict: *strict}
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
	inner     bool // inside another package: matching no file is no error
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

// maxNesting bounds --recursive: packages inside packages inside ...
const maxNesting = 4

func (x *extractor) run(pkg, outDir string) error {
	x.outPath = outDir
	defer x.closeRoot()
	return withPackage(x.ctx, pkg, func(p *msi.Package) error {
		_, _, err := x.extract(p, x.rootDir)
		return err
	})
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
		if matchOnly(x.only, f.LongName, f.Path) || x.recursive && len(x.only) > 0 && isContainerName(f.LongName) {
			sel = append(sel, f)
			total += f.Size
		}
	}
	if len(x.only) > 0 && len(sel) == 0 {
		if x.inner {
			return nil, nil, nil
		}
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
			return fmt.Errorf("%s exists (use --overwrite to replace it)", rel)
		}
		if err == nil {
			written = append(written, rel)
		}
		return err
	})
	bar.Done()
	var nested []error
	if x.recursive {
		for _, rel := range written {
			if e := x.nested(dir, rel, 1); e != nil {
				nested = append(nested, e)
			}
		}
	}
	var errs []error
	var failed msi.FileErrors
	if errors.As(err, &failed) {
		for _, fe := range failed {
			errs = append(errs, fe)
		}
	} else if err != nil {
		errs = append(errs, err)
	}
	errs = append(errs, nested...)
	if len(errs) == 0 {
		return dir, written, nil
	}
	for _, e := range errs {
		fmt.Fprintf(x.ctx.stderr, "%s: %s: %s\n", x.ctx.path, p.Name(), oneLine(e.Error()))
	}
	return dir, written, exitCodeError{code: exitBad, msg: fmt.Sprintf("%s: %d of %d files not extracted", p.Name(), len(errs), len(sel))}
}

// nested extracts a package or cabinet found among the extracted files,
// rel in dir, into REL.extracted/ beside it, and so on down to
// maxNesting levels. The nested output is a Sub of dir: the same tree,
// held to the same rules, so a symbolic link planted at REL.extracted (or
// anywhere below) is refused, never followed.
func (x *extractor) nested(dir *safepath.Dir, rel string, depth int) error {
	if depth > maxNesting {
		return nil
	}
	file := dir.Join(rel)
	kind := sniff(file)
	if kind == "" {
		return nil
	}
	outRel := rel + ".extracted"
	if !x.quiet {
		fmt.Fprintf(x.ctx.stdout, "%s: %s inside, extracting to %s\n", path.Base(rel), kind, dir.Join(outRel))
	}
	only := x.only
	if len(only) > 0 {
		only = append(append([]string(nil), only...), containerGlobs...)
	}
	var out *safepath.Dir
	var written []string
	var err error
	switch kind {
	case "package":
		sub := *x
		sub.inner = true
		sub.recursive = false // what it holds is opened here, a level down
		sub.opts = msi.FileOptions{}
		var buf bytes.Buffer
		ctx := *x.ctx
		ctx.stderr = &buf
		sub.ctx = &ctx
		err = withPackage(sub.ctx, file, func(p *msi.Package) error {
			var err error
			out, written, err = sub.extract(p, func() (*safepath.Dir, error) { return dir.Sub(outRel) })
			return err
		})
		if err != nil {
			err = fmt.Errorf("%v %s", err, strings.TrimSpace(buf.String()))
		}
	case "patch":
		err = patchFiles(x.ctx, file, "", func(pt *patch.Patch, files []*patch.File, _ patch.BaseFunc, _ bool) error {
			var err error
			out, written, err = extractPatchFiles(x.ctx, pt, files, func() (*safepath.Dir, error) { return dir.Sub(outRel) }, nil, x.overwrite, x.quiet, false, nil)
			if ex, ok := err.(exitCodeError); ok {
				return fmt.Errorf("%s", ex.msg)
			}
			return err
		})
	case "cabinet", "embedded cabinet":
		if out, err = dir.Sub(outRel); err == nil {
			written, err = cabExtractTo(x.ctx, file, out, extractOpts{only: only, allowNone: true, search: kind == "embedded cabinet", overwrite: x.overwrite, quiet: x.quiet})
		}
	}
	var errs []error
	if err != nil {
		errs = append(errs, fmt.Errorf("%s: %v", path.Base(rel), err))
	}
	for _, r := range written {
		if err := x.nested(out, r, depth+1); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// containerGlobs name the files --recursive opens even when --only
// selects others: what they hold may match.
var containerGlobs = []string{"*.msi", "*.msm", "*.msp", "*.cab", "*.exe"}

func isContainerName(name string) bool { return matchOnly(containerGlobs, name, name) }

// sniff tells what a file holds from its first bytes: a package (compound
// file), a cabinet, or a Windows executable that may carry one.
func sniff(file string) string {
	f, err := os.Open(file)
	if err != nil {
		return ""
	}
	defer f.Close()
	head := make([]byte, 8)
	if _, err := io.ReadFull(f, head); err != nil {
		return ""
	}
	switch {
	case bytes.Equal(head, []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}):
		if p, err := msi.Open(file); err == nil {
			defer p.Close()
			if p.Kind() == msi.KindDatabase && p.HasTable("File") {
				return "package"
			}
			if p.Kind() == msi.KindPatch {
				return "patch"
			}
		}
	case string(head[:4]) == "MSCF":
		return "cabinet"
	case string(head[:2]) == "MZ":
		rs, cl, err := cab.SearchFile(file)
		if cl != nil {
			cl.Close()
		}
		// A truncated wrapper is still opened: extracting it says what is
		// missing rather than skipping it.
		if len(rs) > 0 || errors.Is(err, cab.ErrTruncated) {
			return "embedded cabinet"
		}
	}
	return ""
}
