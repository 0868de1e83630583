package cab

import (
	"compress/flate"
	"fmt"
)

// WriterOption configures NewWriter, NewSetWriter and CreateSet.
type WriterOption func(*writerOptions)

type writerOptions struct {
	comp            Compression
	level           int
	folderThreshold int64
	headerReserve   int
	folderReserve   int
	dataReserve     int
	setID           uint16
	tempDir         string
	memSpool        int64
}

// defaultMemSpool is how much compressed data is kept in memory before
// it spills to a temporary file: enough that small cabinets never touch
// the disk, small enough that memory stays flat for large ones.
const defaultMemSpool = 4 << 20

func buildWriterOptions(opts []WriterOption) (*writerOptions, error) {
	o := &writerOptions{comp: MethodMSZIP, level: flate.DefaultCompression, memSpool: defaultMemSpool}
	for _, f := range opts {
		f(o)
	}
	switch o.comp.Method() {
	case MethodNone, MethodMSZIP:
		if o.comp>>4 != 0 {
			return nil, fmt.Errorf("%w: %s with level or window bits %#04x", ErrUnsupported, o.comp, uint16(o.comp))
		}
	default:
		return nil, fmt.Errorf("%w: the writer cannot compress %s", ErrUnsupported, o.comp)
	}
	if o.level < flate.HuffmanOnly || o.level > flate.BestCompression {
		return nil, fmt.Errorf("%w: MSZIP level %d", ErrUnsupported, o.level)
	}
	if o.headerReserve < 0 || o.headerReserve > maxHeaderReserve ||
		o.folderReserve < 0 || o.folderReserve > 255 || o.dataReserve < 0 || o.dataReserve > 255 {
		return nil, fmt.Errorf("%w: reserve sizes %d/%d/%d exceed 60000/255/255",
			ErrTooLarge, o.headerReserve, o.folderReserve, o.dataReserve)
	}
	return o, nil
}

// WithCompression sets the compression of the folders: MethodNone or
// MethodMSZIP (the default). Other methods are ErrUnsupported.
func WithCompression(c Compression) WriterOption {
	return func(o *writerOptions) { o.comp = c }
}

// MSZIPLevel sets the compress/flate level of MSZIP folders; the default,
// flate.DefaultCompression, compresses about as well as gcab and makecab.
func MSZIPLevel(level int) WriterOption {
	return func(o *writerOptions) { o.level = level }
}

// FolderThreshold starts a new folder before a file when the current
// folder already holds n or more uncompressed bytes. Folders are solid
// (reading a file decodes its folder from the start), so smaller folders
// make random access cheaper at some cost in compression. The default, 0,
// puts every file in one folder, as gcab does, until the format's limit
// of 65535 blocks (2 GiB) per folder.
func FolderThreshold(n int64) WriterOption {
	return func(o *writerOptions) { o.folderThreshold = n }
}

// Reserve sets the sizes of the reserve areas: per cabinet (0 to 60000
// bytes, as an Authenticode signer needs), per folder and per data block
// (0 to 255 each). The areas are written as zeros.
func Reserve(header, folder, data int) WriterOption {
	return func(o *writerOptions) {
		o.headerReserve, o.folderReserve, o.dataReserve = header, folder, data
	}
}

// SetID sets the setID field that ties the cabinets of a set together
// (default 0).
func SetID(id uint16) WriterOption {
	return func(o *writerOptions) { o.setID = id }
}

// TempDir sets the directory of the temporary file that holds compressed
// data until Close (default os.TempDir()).
func TempDir(dir string) WriterOption {
	return func(o *writerOptions) { o.tempDir = dir }
}
