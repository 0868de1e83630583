package verify

import (
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/msikit/msikit/cab"
	"github.com/msikit/msikit/container"
	"github.com/msikit/msikit/internal/infile"
	"github.com/msikit/msikit/manifest"
	"github.com/msikit/msikit/msi"
	"github.com/msikit/msikit/msi/patch"
)

// collector gathers the files of a source, reading them in parallel.
type collector struct {
	opts  Options
	names map[string]bool // entry names: files, not containers
	sha   bool

	mu          sync.Mutex
	files       []*File
	notes       []string
	unopened    []error // packages and cabinets of a folder that could not be read
	sigs        []Signature
	required    bool // the manifest's signed: true
	done, total int64
}

func (c *collector) add(fs ...*File) {
	c.mu.Lock()
	c.files = append(c.files, fs...)
	c.mu.Unlock()
}

func (c *collector) note(format string, a ...any) {
	c.mu.Lock()
	c.notes = append(c.notes, fmt.Sprintf(format, a...))
	c.mu.Unlock()
}

func (c *collector) progress(n int64) {
	if c.opts.Progress == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.done += n
	c.opts.Progress(c.done, c.total)
}

// sorted puts the files and notes in a stable order, whatever order the
// workers finished in.
func (c *collector) sorted() {
	sort.SliceStable(c.files, func(i, j int) bool {
		a, b := c.files[i], c.files[j]
		if a.Container != b.Container {
			return a.Container < b.Container
		}
		return a.Path < b.Path
	})
	sort.Strings(c.notes)
	sort.Slice(c.sigs, func(i, j int) bool { return c.sigs[i].Path < c.sigs[j].Path })
}

// kindOf tells what the file at path holds, by content (package
// container's Detect): the one detection msikit has.
func kindOf(path string) (container.Kind, error) {
	f, err := infile.Open(path)
	if err != nil {
		return container.File, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return container.File, err
	}
	k, derr := container.Detect(f, st.Size())
	if derr != nil && k == container.File {
		// A compound file that does not open: the package reader says
		// why.
		k = container.MSI
	}
	return k, nil
}

// sourceKind is the Report.Kind of a source of this kind.
func sourceKind(k container.Kind) string {
	switch k {
	case container.MSI, container.MSM, container.MSP, container.MST:
		return KindPackage
	case container.Cabinet:
		return KindCabinet
	}
	return k.String()
}

// single collects the files of a package, cabinet or download (ZIP, Burn
// bundle, InstallShield launcher, executable with cabinets) given as the
// source.
func (c *collector) single(path string, size int64) (string, error) {
	kind, err := kindOf(path)
	if err != nil {
		return "", err
	}
	if kind == container.File {
		return "", fmt.Errorf("%w: %s is neither a Windows Installer package, nor a cabinet, nor a download msikit opens", ErrSource, path)
	}
	if err := c.open(path, "", kind, c.opts.Workers, true); err != nil {
		return "", newSourceError(path, sourceKind(kind), err)
	}
	c.sorted()
	return sourceKind(kind), nil
}

// open collects the files of the container of the given kind at path;
// where is its path relative to the source folder.
func (c *collector) open(path, where string, kind container.Kind, workers int, progress bool) error {
	switch sourceKind(kind) {
	case KindPackage:
		p, err := msi.Open(path)
		if err != nil {
			return err
		}
		defer p.Close()
		if err := c.pkg(p, where, workers, progress); err != nil {
			return err
		}
		if c.opts.Signatures {
			rel := where
			if rel == "" {
				rel = path
			}
			c.signature(path, rel)
		}
		return nil
	case KindCabinet:
		rc, err := cab.Open(path)
		if err != nil {
			return err
		}
		defer rc.Close()
		return c.cabinet(&rc.Reader, where, workers, progress)
	}
	return c.wrapper(path, where, progress)
}

type item struct {
	path, rel string
	size      int64
}

// folder collects every regular file under root, and the files of the
// packages and cabinets in it that no entry names.
func (c *collector) folder(root string) error {
	var items []item
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			// NAME.extracted beside NAME is what msikit extract -r made of
			// it: NAME itself is read, so its extraction is not extra.
			if base, ok := strings.CutSuffix(d.Name(), ".extracted"); ok && p != root {
				if fi, err := os.Stat(filepath.Join(filepath.Dir(p), base)); err == nil && fi.Mode().IsRegular() {
					c.note("%s: skipped, the extraction of %s (msikit extract -r), which is read itself", relPath(root, p), base)
					return filepath.SkipDir
				}
			}
			return nil
		}
		rel := relPath(root, p)
		if !d.Type().IsRegular() {
			c.note("%s: not a regular file, not read", rel)
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		items = append(items, item{p, rel, info.Size()})
		c.total += info.Size()
		return nil
	})
	if err != nil {
		return err
	}
	if len(items) == 0 {
		return fmt.Errorf("%w: %s holds no files", ErrSource, root)
	}
	work := make(chan item)
	errs := make([]error, 0)
	var errMu sync.Mutex
	var wg sync.WaitGroup
	for range min(c.opts.Workers, len(items)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for it := range work {
				if err := c.item(it); err != nil {
					errMu.Lock()
					errs = append(errs, err)
					errMu.Unlock()
				}
				c.progress(it.size)
			}
		}()
	}
	for _, it := range items {
		work <- it
	}
	close(work)
	wg.Wait()
	if len(errs) > 0 {
		return errors.Join(errs...)
	}
	c.sorted()
	return nil
}

// item reads one file of a folder: a container is opened, anything else
// (including a container that cannot be opened) observed as it is.
func (c *collector) item(it item) error {
	if !c.names[strings.ToLower(filepath.Base(it.path))] {
		kind, err := kindOf(it.path)
		if err != nil {
			return err
		}
		if kind != container.File {
			err = c.open(it.path, it.rel, kind, 1, false)
			if err == nil {
				return nil
			}
			c.note("%s: not opened as a %s (%v): checked as a file", it.rel, sourceKind(kind), err)
			c.mu.Lock()
			c.unopened = append(c.unopened, newSourceError(it.rel, sourceKind(kind), err))
			c.mu.Unlock()
		}
	}
	return c.loose(it)
}

func (c *collector) loose(it item) error {
	fh, err := infile.Open(it.path)
	if err != nil {
		return err
	}
	defer fh.Close()
	st, err := fh.Stat()
	if err != nil {
		return err
	}
	f := &File{Path: it.rel, Name: filepath.Base(it.path), folderPlatform: folderPlatform(it.rel), loose: true,
		Modified: wallUTC(st.ModTime().In(c.opts.Location))}
	if err := observeReaderAt(f, fh, st.Size(), c.sha); err != nil {
		return fmt.Errorf("%s: %w", it.path, err)
	}
	checkFolder(f)
	c.add(f)
	return nil
}

// wallUTC is t's wall-clock time labelled UTC: how a
// zoneless cabinet time compares with the manifest's UTC times.
func wallUTC(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), time.UTC)
}

// pkg collects the files of a package (or, for a patch, of its cabinets),
// decoding them in memory. progress says whether each file counts towards
// Options.Progress (for a package that is the source itself).
func (c *collector) pkg(p *msi.Package, container string, workers int, progress bool) error {
	switch p.Kind() {
	case msi.KindPatch:
		return c.patch(p, container, progress)
	case msi.KindDatabase:
	default:
		return fmt.Errorf("a %s, which holds no files", p.Kind())
	}
	list, err := msi.FileList(p, msi.FileOptions{Layout: msi.LayoutAdmin})
	if err != nil {
		return err
	}
	keys := map[string]bool{}
	byRow := make(map[*msi.File]*File, len(list))
	files := make([]*File, len(list))
	var total int64
	for i, mf := range list {
		keys[mf.Key] = true
		f := &File{Container: container, Path: mf.Path, Name: mf.LongName, folderPlatform: folderPlatform(mf.Path),
			Row: &Row{Key: mf.Key, Size: mf.Size, Version: mf.Version, Language: mf.Language}}
		if mf.Hash != nil {
			f.Row.Hash = hex.EncodeToString(mf.Hash[:])
		}
		byRow[mf], files[i] = f, f
		total += mf.Size
	}
	if len(list) == 0 {
		c.note("%s: the package has no files", nameOr(container, p.Name()))
	}
	if progress {
		c.mu.Lock()
		c.total += total
		c.mu.Unlock()
	}
	var mu sync.Mutex
	read := map[*File]bool{}
	_, rerr := p.ReadFiles(list, msi.ReadOptions{Workers: workers}, func(fc msi.FileContent) error {
		f := byRow[fc.File]
		if err := observeStream(f, fc.Reader, c.sha); err != nil {
			return err
		}
		f.Modified = wallUTC(fc.Modified)
		mu.Lock()
		read[f] = true
		mu.Unlock()
		if progress {
			c.progress(f.Size)
		}
		return nil
	})
	failed := map[*File]bool{}
	var rerrs msi.FileErrors
	if rerr != nil && !errors.As(rerr, &rerrs) {
		return rerr
	}
	for _, fe := range rerrs {
		f := byRow[fe.File]
		if f == nil {
			return fe
		}
		f.Problems = append(f.Problems, readProblem(fe.Err))
		failed[f] = true
	}
	for _, f := range files {
		switch {
		case read[f]:
			checkFolder(f)
			checkRow(f, keys)
		case !failed[f]:
			f.Problems = append(f.Problems, readProblem(errors.New("the package did not deliver the file")))
		}
	}
	c.add(files...)
	return nil
}

func nameOr(container, path string) string {
	if container != "" {
		return container
	}
	return path
}

// patch collects the files of a patch's cabinets. Binary deltas are not
// the files' bytes and are not candidates.
func (c *collector) patch(p *msi.Package, container string, progress bool) error {
	pt, err := patch.New(p)
	if err != nil {
		return err
	}
	defer pt.Close()
	list, err := pt.Files(patch.FileOptions{Layout: msi.LayoutAdmin})
	if err != nil {
		return err
	}
	byFile := make(map[*patch.File]*File, len(list))
	var files []*File
	var total int64
	for _, pf := range list {
		if pf.Delta {
			c.note("%s: %s is a binary delta (%s), not a file: not checked", nameOr(container, p.Name()), pf.Key, pf.DeltaFormat)
			continue
		}
		where := pf.Path
		if where == "" {
			where = pf.Name()
		}
		f := &File{Container: container, Path: where, Name: pf.Name(), folderPlatform: folderPlatform(where)}
		if pf.Named {
			f.Row = &Row{Key: pf.Key, Size: pf.Size, Version: pf.Version, Language: pf.Language}
		}
		byFile[pf], files = f, append(files, f)
		total += pf.Member.Size
	}
	if progress {
		c.mu.Lock()
		c.total += total
		c.mu.Unlock()
	}
	var todo []*patch.File
	for _, pf := range list {
		if byFile[pf] != nil {
			todo = append(todo, pf)
		}
	}
	read := map[*File]bool{}
	rerr := pt.ReadFiles(todo, msi.ReadOptions{}, func(pf *patch.File, r io.Reader) error {
		f := byFile[pf]
		if err := observeStream(f, r, c.sha); err != nil {
			return err
		}
		f.Modified = wallUTC(pf.Member.Modified)
		read[f] = true
		if progress {
			c.progress(f.Size)
		}
		return nil
	})
	var perrs patch.FileErrors
	if rerr != nil && !errors.As(rerr, &perrs) {
		return rerr
	}
	for _, fe := range perrs {
		f := byFile[fe.File]
		if f == nil {
			return fe
		}
		f.Problems = append(f.Problems, readProblem(fe.Err))
		read[f] = true // reported
	}
	for _, f := range files {
		if f.MD5 != "" {
			checkFolder(f)
			if f.Row != nil {
				checkRow(f, nil)
			}
		} else if !read[f] {
			f.Problems = append(f.Problems, readProblem(errors.New("the patch did not deliver the file")))
		}
	}
	c.add(files...)
	return nil
}

// cabinet collects the members of a cabinet.
func (c *collector) cabinet(rc *cab.Reader, container string, workers int, progress bool) error {
	byMember := make(map[*cab.File]*File, len(rc.File))
	files := make([]*File, len(rc.File))
	var total int64
	for i, cf := range rc.File {
		p := strings.ReplaceAll(cf.Name, `\`, "/")
		f := &File{Container: container, Path: p, Name: p[strings.LastIndexByte(p, '/')+1:], folderPlatform: folderPlatform(p),
			Modified: wallUTC(cf.Modified)}
		byMember[cf], files[i] = f, f
		total += cf.Size
	}
	if progress {
		c.mu.Lock()
		c.total += total
		c.mu.Unlock()
	}
	var mu sync.Mutex
	read := map[*File]bool{}
	rerr := rc.Extract(nil, workers, func(cf *cab.File, r io.Reader) error {
		f := byMember[cf]
		if err := observeStream(f, r, c.sha); err != nil {
			return err
		}
		mu.Lock()
		read[f] = true
		mu.Unlock()
		if progress {
			c.progress(f.Size)
		}
		return nil
	})
	var fails cab.Errors[*cab.FileError]
	errors.As(rerr, &fails)
	for _, fe := range fails {
		f := byMember[fe.File]
		f.Problems = append(f.Problems, readProblem(fe.Err))
		read[f] = true
	}
	for _, f := range files {
		if f.MD5 != "" {
			checkFolder(f)
		} else if !read[f] {
			f.Problems = append(f.Problems, readProblem(errors.New("the cabinet did not deliver the file")))
		}
	}
	c.add(files...)
	return nil
}

func readProblem(err error) Mismatch {
	return Mismatch{Field: FieldRead, Found: err.Error(), Message: "cannot read the bytes: " + err.Error()}
}

// checkFolder adds the problem of a PE image in a folder named after
// another platform.
func checkFolder(f *File) {
	if f.folderPlatform == "" || f.Machine == 0 || f.Platform == f.folderPlatform {
		return
	}
	dir := f.Path[:max(strings.LastIndexByte(f.Path, '/'), 0)]
	f.Problems = append(f.Problems, Mismatch{Field: FieldPlatform, Expected: f.folderPlatform, Found: f.Platform,
		Message: fmt.Sprintf("the image is %s but its folder %s is for %s", f.Platform, dir, f.folderPlatform)})
}

// checkRow adds the problems of a File table row that disagrees with the
// bytes. keys are the package's File keys: a Version that is one names a
// companion file and is not a version.
func checkRow(f *File, keys map[string]bool) {
	r := f.Row
	add := func(col, table, bytes, msg string) {
		f.Problems = append(f.Problems, Mismatch{Field: FieldFileTable, Column: col, Expected: table, Found: bytes,
			Message: fmt.Sprintf("File table %s of %s: %s", col, r.Key, msg)})
	}
	if r.Size != f.Size {
		add("FileSize", fmt.Sprint(r.Size), fmt.Sprint(f.Size), fmt.Sprintf("%d, the bytes are %d", r.Size, f.Size))
	}
	if f.Version != "" && !keys[r.Version] {
		bytesV := f.Version
		switch tv, err := manifest.ParseVersion(r.Version); {
		case r.Version == "":
			if bytesV != manifest.NA {
				add("Version", "", bytesV, fmt.Sprintf("none, the bytes have version %s", bytesV))
			}
		case err != nil:
			add("Version", r.Version, bytesV, fmt.Sprintf("%q is not a version", r.Version))
		case tv != bytesV:
			add("Version", r.Version, bytesV, fmt.Sprintf("%s, the bytes have %s", r.Version, versionText(bytesV)))
		}
	}
	if r.Hash != "" && r.Hash != f.MD5 {
		f.Problems = append(f.Problems, Mismatch{Field: FieldHash, Expected: r.Hash, Found: f.MD5,
			Message: fmt.Sprintf("MsiFileHash of %s is MD5 %s, the bytes' MD5 is %s", r.Key, r.Hash, f.MD5)})
	}
	if msg := languageMismatch(r.Language, f.languages); msg != "" {
		add("Language", r.Language, joinLangs(f.languages), msg)
	}
}

func versionText(v string) string {
	if v == manifest.NA {
		return "no version"
	}
	return v
}
