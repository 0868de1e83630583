package cab

import (
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/msikit/msikit/cab/mszip"
)

// Format limits the Writer observes.
const (
	maxFolderBlocks = 0xFFFF     // cCFData is 16 bits
	maxCount        = 0xFFFF     // cFolders, cFiles, iCabinet
	maxCabinetSize  = 0xFFFFFFFF // cbCabinet is 32 bits
	// autoFolderSize starts a new folder before a file once a folder
	// holds this much, whatever the threshold: a folder cannot exceed
	// 65535 blocks (2 GiB) and a file cannot leave its folder, so this
	// leaves room for any file up to 1 GiB after it.
	autoFolderSize = 1 << 30
)

// FileHeader describes a file to add to a cabinet.
type FileHeader struct {
	// Name is the stored name. Slashes are stored as backslashes, the
	// cabinet directory separator. A name with non-ASCII characters is
	// stored as UTF-8 with the AttrNameIsUTF attribute.
	Name string
	// Modified is stored as an MS-DOS date and time: its wall clock in its
	// own location (readers take it as local time), to 2-second
	// resolution, clamped to 1980..2107.
	Modified time.Time
	// Attributes are the CFFILE attributes (AttrReadOnly, AttrArchive...).
	Attributes uint16
}

// Writer writes a cabinet, or a spanned set of cabinets, file by file,
// as archive/zip.Writer writes a zip file: Create returns an io.Writer for
// a file's bytes, valid until the next Create or Close.
//
// The header of a cabinet lists every file before the data, so the
// compressed data is held in a temporary file (in memory while small)
// until Close writes the cabinet: memory use does not grow with the
// input. The same files, names, times and options always give the same
// bytes.
//
// Files are stored in the order they are created, in folders of the
// chosen compression: all in one folder unless FolderThreshold says
// otherwise. MSZIP folders are cut into 32 KiB blocks, each compressed
// with the previous 32 KiB as its dictionary.
type Writer struct {
	o       *writerOptions
	out     io.Writer // single cabinet
	set     *setTarget
	sp      spool
	enc     *mszip.Encoder
	block   []byte // uncompressed data of the block being filled
	payload []byte

	files   []wfile
	folders []wfolder
	blocks  []wblock
	cur     *fileWriter
	lay     *layouter
	// unplaced is the first file not yet assigned a folder, lo the first
	// that may have bytes in the block being filled.
	unplaced, lo int
	parts        []string
	err          error
	closed       bool
}

type wfile struct {
	name             []byte
	attribs          uint16
	date, time       uint16
	folder           int
	offset, size     int64
	placed           bool // assigned to a folder (see place)
	firstPart, lastP int  // the parts listing the file
}

type wfolder struct {
	nblocks int
	size    int64
	// sealed is set once the folder continues into another cabinet:
	// no new file may start in it then (see layout.go). contLo is then
	// the first file of the block that continued.
	sealed bool
	contLo int
}

type wblock struct{ csize, usize int }

// NewWriter returns a Writer of a single cabinet to w. Nothing is written
// to w before Close. An invalid option is reported by the first Create or
// by Close.
func NewWriter(w io.Writer, opts ...WriterOption) *Writer {
	cw := &Writer{out: w}
	cw.init(opts)
	return cw
}

func (w *Writer) init(opts []WriterOption) {
	o, err := buildWriterOptions(opts)
	if err != nil {
		w.err = err
		o = &writerOptions{memSpool: defaultMemSpool}
	}
	w.o = o
	w.sp = spool{dir: o.tempDir, limit: o.memSpool}
	w.block = make([]byte, 0, maxBlockUncomp)
	var limit int64
	var names func(int) string
	if w.set != nil {
		limit = w.set.max
		names = func(i int) string { return PartName(w.set.first, i) }
	}
	w.lay, err = newLayouter(w, limit, names)
	if err != nil {
		w.fail(err)
	}
}

// Create adds a file with the archive attribute, as makecab and gcab
// store files, and returns a writer for its bytes.
func (w *Writer) Create(name string, modified time.Time) (io.Writer, error) {
	return w.CreateHeader(&FileHeader{Name: name, Modified: modified, Attributes: AttrArchive})
}

// CreateHeader adds a file described by fh and returns a writer for its
// bytes, valid until the next CreateHeader, Create or Close.
func (w *Writer) CreateHeader(fh *FileHeader) (io.Writer, error) {
	if w.closed {
		return nil, ErrWriterClosed
	}
	if w.err != nil {
		return nil, w.err
	}
	name, utf, err := encodeName(fh.Name)
	if err != nil {
		return nil, err
	}
	w.cur = nil
	f := wfile{name: name, attribs: fh.Attributes, firstPart: -1, lastP: -1}
	if utf {
		f.attribs |= AttrNameIsUTF
	}
	f.date, f.time = toDOSTime(fh.Modified)
	w.files = append(w.files, f)
	w.cur = &fileWriter{w: w, idx: len(w.files) - 1}
	return w.cur, nil
}

// encodeName converts a name to its stored bytes and says whether it
// needs the UTF-8 attribute.
func encodeName(name string) ([]byte, bool, error) {
	switch {
	case name == "":
		return nil, false, fmt.Errorf("%w: empty name", ErrInvalidName)
	case len(name) > maxNameLen:
		return nil, false, fmt.Errorf("%w: %q is %d bytes, more than %d", ErrInvalidName, name, len(name), maxNameLen)
	case !utf8.ValidString(name):
		return nil, false, fmt.Errorf("%w: %q is not valid UTF-8", ErrInvalidName, name)
	case strings.IndexByte(name, 0) >= 0:
		return nil, false, fmt.Errorf("%w: %q contains a NUL", ErrInvalidName, name)
	}
	utf := false
	for i := 0; i < len(name); i++ {
		if name[i] >= 0x80 {
			utf = true
			break
		}
	}
	return []byte(strings.ReplaceAll(name, "/", `\`)), utf, nil
}

// fail records a sticky error: after a failed write the folder's data is
// in an unknown state, so nothing more can be added.
func (w *Writer) fail(err error) error {
	if w.err == nil {
		w.err = err
	}
	return w.err
}

type fileWriter struct {
	w   *Writer
	idx int
}

func (fw *fileWriter) Write(p []byte) (int, error) {
	w := fw.w
	if w.cur != fw || w.closed {
		return 0, ErrWriterClosed
	}
	if w.err != nil {
		return 0, w.err
	}
	if len(p) == 0 {
		return 0, nil
	}
	f := &w.files[fw.idx]
	if !f.placed {
		if err := w.place(fw.idx); err != nil {
			return 0, err
		}
	}
	fo := &w.folders[f.folder]
	// The folder, and so the file, cannot exceed 65535 blocks.
	if room := int64(maxFolderBlocks)*maxBlockUncomp - fo.size; int64(len(p)) > room {
		return 0, w.fail(fmt.Errorf("%w: %s: a folder holds at most %d bytes", ErrTooLarge, f.name, int64(maxFolderBlocks)*maxBlockUncomp))
	}
	n := 0
	for n < len(p) {
		k := copy(w.block[len(w.block):cap(w.block)], p[n:])
		w.block = w.block[:len(w.block)+k]
		n += k
		f.size += int64(k)
		fo.size += int64(k)
		if len(w.block) == cap(w.block) {
			if err := w.flushBlock(false); err != nil {
				return n, err
			}
		}
	}
	return n, nil
}

// place decides the folder of file i, at its first byte, and of the empty
// files created since the last file was placed: the end of the current
// folder, or the start of a new one when the folder is over its
// threshold, has continued into a new cabinet, or cannot take the files'
// entries in the current cabinet.
func (w *Writer) place(i int) error {
	if n := len(w.folders); n > 0 {
		fi := n - 1
		fo := &w.folders[fi]
		full := fo.size >= autoFolderSize || (w.o.folderThreshold > 0 && fo.size >= w.o.folderThreshold)
		if !full && !fo.sealed && w.lay.admits(fi, w.lo, i+1) {
			w.assign(i+1, fi)
			return nil
		}
		if err := w.finishFolder(); err != nil {
			return err
		}
	}
	w.folders = append(w.folders, wfolder{})
	if w.enc != nil {
		w.enc.Reset()
	}
	w.lo = w.unplaced
	w.assign(i+1, len(w.folders)-1)
	return nil
}

// assign puts the unplaced files before end at the current end of folder
// fi.
func (w *Writer) assign(end, fi int) {
	for k := w.unplaced; k < end; k++ {
		f := &w.files[k]
		f.folder, f.offset, f.placed = fi, w.folders[fi].size, true
	}
	w.unplaced = end
}

// finishFolder flushes the folder's last, partial, block; empty files
// placed after its last block are listed where that block ended.
func (w *Writer) finishFolder() error {
	if len(w.block) > 0 {
		return w.flushBlock(true)
	}
	fi := len(w.folders) - 1
	if w.lo < w.unplaced && w.folders[fi].nblocks > 0 {
		w.lay.listHere(w.lo, w.unplaced)
	}
	return nil
}

// flushBlock compresses the pending block into the spool and places it
// in the layout.
func (w *Writer) flushBlock(last bool) error {
	fi := len(w.folders) - 1
	fo := &w.folders[fi]
	src := w.block
	payload := src
	if w.o.comp.Method() == MethodMSZIP {
		if w.enc == nil {
			enc, err := mszip.NewEncoder(w.o.level)
			if err != nil {
				return w.fail(err)
			}
			w.enc = enc
		}
		var err error
		w.payload, err = w.enc.Compress(w.payload[:0], src)
		if err != nil {
			return w.fail(err)
		}
		payload = w.payload
	}
	if len(payload) > maxBlockComp {
		return w.fail(fmt.Errorf("%w: block compressed to %d bytes", ErrTooLarge, len(payload)))
	}
	if _, err := w.sp.Write(payload); err != nil {
		return w.fail(fmt.Errorf("cab: spooling compressed data: %w", err))
	}
	b := len(w.blocks)
	w.blocks = append(w.blocks, wblock{csize: len(payload), usize: len(src)})
	fo.nblocks++
	bs, be := fo.size-int64(len(src)), fo.size
	fa, fb := w.blockFiles(fi, bs, be, last)
	if fo.sealed {
		// Every cabinet the folder reaches lists the files that
		// continued into the first: see layout.go.
		fa = fo.contLo
	}
	split, err := w.lay.placeBlock(fi, b, last, fa, fb)
	if err != nil {
		return w.fail(err)
	}
	if split && !fo.sealed {
		fo.sealed, fo.contLo = true, fa
	}
	w.lo = fa
	w.block = w.block[:0]
	return nil
}

// blockFiles returns the range of placed files of folder fi with bytes in
// [bs, be) or, for an empty file, an offset there; the last block also
// takes the empty files at the folder's end.
func (w *Writer) blockFiles(fi int, bs, be int64, last bool) (int, int) {
	fa := w.lo
	for fa < w.unplaced {
		f := &w.files[fa]
		if f.folder == fi && (f.size > 0 && f.offset+f.size > bs || f.size == 0 && f.offset >= bs) {
			break
		}
		fa++
	}
	fb := fa
	for fb < w.unplaced && w.files[fb].folder == fi && (last || w.files[fb].offset < be) {
		fb++
	}
	return fa, fb
}

// placeRest places the empty files left at Close: at the end of the last
// folder if it can take them, else in a folder of their own, which has
// no blocks.
func (w *Writer) placeRest() error {
	n := len(w.files)
	if w.unplaced == n {
		return nil
	}
	if k := len(w.folders); k > 0 {
		fi := k - 1
		if !w.folders[fi].sealed && w.lay.admits(fi, w.lo, n) {
			w.assign(n, fi)
			return nil
		}
		if err := w.finishFolder(); err != nil {
			return err
		}
	}
	w.folders = append(w.folders, wfolder{})
	fa := w.unplaced
	w.lo = fa
	w.assign(n, len(w.folders)-1)
	if err := w.lay.placeEmptyFolder(len(w.folders)-1, fa, n); err != nil {
		return w.fail(err)
	}
	return nil
}

// Close finishes the last file and writes the cabinet (or every cabinet
// of the set). It does not close the io.Writer given to NewWriter.
func (w *Writer) Close() error {
	if w.closed {
		return ErrWriterClosed
	}
	w.closed = true
	w.cur = nil
	defer w.sp.close()
	err := w.err
	if err == nil {
		err = w.placeRest()
	}
	if err == nil && len(w.folders) > 0 {
		err = w.finishFolder()
	}
	if err == nil {
		err = w.writeAll()
	}
	if w.set != nil && w.set.finish != nil {
		if ferr := w.set.finish(err == nil); err == nil {
			err = ferr
		}
	}
	if err == nil {
		err = w.sp.close()
	}
	return err
}

// Parts returns the names of the cabinets a set Writer wrote, in order,
// after Close; for a single cabinet it returns nil.
func (w *Writer) Parts() []string { return w.parts }
