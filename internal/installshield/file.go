package installshield

import (
	"bufio"
	"compress/flate"
	"compress/zlib"
	"errors"
	"fmt"
	"io"
)

// File is one file of the overlay.
type File struct {
	// Name is the stored name: in the header formats, the name the
	// launcher gives the file it unpacks; in the plain formats, its path
	// on the source medium (such as Disk1\data1.cab). Directories, if
	// any, are separated by backslashes.
	Name string
	// Version is a plain record's version string (0.0.0.0 for files
	// without one); empty in the header formats.
	Version string
	// Size is the file's decoded size, or -1 for a compressed file whose
	// size is not known until it is read (see Measure).
	Size int64
	// Offset and StoredSize locate the stored bytes in the launcher.
	Offset, StoredSize int64
	// Flags is the record's flags field: 4 obfuscates the bytes with the
	// key restarted at every 1024-byte block, 2 alone with the key run
	// over the whole file.
	Flags uint32
	// Compressed says the bytes, once deobfuscated, are a zlib stream.
	Compressed bool

	r    io.ReaderAt
	seed []byte // the name's bytes as the key is made from them
}

// Obfuscation flags.
const (
	FlagObfuscated     = 2 // the key runs over the whole file
	FlagBlockObfuscate = 4 // the key restarts at every 1024-byte block
)

// blockSize is the unit at which flag 4 restarts the key.
const blockSize = 1024

// keyMask is XORed into the name's bytes, repeated, to make the key.
var keyMask = [4]byte{0x13, 0x35, 0x86, 0x07}

// Obfuscated reports whether the stored bytes are obfuscated.
func (f *File) Obfuscated() bool {
	return f.Flags&(FlagObfuscated|FlagBlockObfuscate) != 0 && len(f.seed) > 0
}

// Open returns a reader of the file's decoded bytes. It reads the
// launcher as it goes, holding a block and, for a compressed file, the
// decompressor's window: memory does not grow with the file.
func (f *File) Open() (io.ReadCloser, error) {
	var r io.Reader = &exactReader{r: io.NewSectionReader(f.r, f.Offset, f.StoredSize), left: f.StoredSize, name: f.Name}
	if f.Obfuscated() {
		r = newDeobfuscator(r, f.seed, f.Flags&FlagBlockObfuscate != 0)
	}
	if !f.Compressed {
		return io.NopCloser(r), nil
	}
	br := bufio.NewReaderSize(r, 4096)
	hdr, err := br.Peek(2)
	if err != nil {
		return nil, f.decodeError(err)
	}
	var dec io.ReadCloser
	// A zlib header: deflate with a window of at most 32 KiB, and the
	// check bits the format requires. Anything else is taken for a raw
	// deflate stream.
	if hdr[0]&0x0F == 8 && hdr[0]>>4 <= 7 && (uint16(hdr[0])<<8|uint16(hdr[1]))%31 == 0 {
		dec, err = zlib.NewReader(br)
		if err != nil {
			return nil, f.decodeError(err)
		}
	} else {
		dec = flate.NewReader(br)
	}
	return &decodeReader{dec: dec, f: f}, nil
}

// Measure returns the file's decoded size, reading a compressed file to
// its end to learn it, and records it in Size. It is not safe to call
// concurrently with itself on the same File.
func (f *File) Measure() (int64, error) {
	if f.Size >= 0 {
		return f.Size, nil
	}
	rc, err := f.Open()
	if err != nil {
		return 0, err
	}
	defer rc.Close()
	n, err := io.Copy(io.Discard, rc)
	if err != nil {
		return 0, err
	}
	f.Size = n
	return n, nil
}

func (f *File) decodeError(err error) error {
	if errors.Is(err, ErrFormat) {
		return err
	}
	if err == io.EOF {
		err = io.ErrUnexpectedEOF
	}
	return fmt.Errorf("%w: %s: the compressed data does not decode: %v", ErrFormat, f.Name, err)
}

// decodeReader reports the decompressor's errors as ErrFormat naming the
// file.
type decodeReader struct {
	dec io.ReadCloser
	f   *File
}

func (d *decodeReader) Read(p []byte) (int, error) {
	n, err := d.dec.Read(p)
	if err != nil && err != io.EOF {
		err = d.f.decodeError(err)
	}
	return n, err
}

func (d *decodeReader) Close() error { return d.dec.Close() }

// exactReader reads a file's stored bytes and reports an input shorter
// than the size it was opened with, which would otherwise end the file
// early without a word.
type exactReader struct {
	r    io.Reader
	left int64
	name string
}

func (e *exactReader) Read(p []byte) (int, error) {
	n, err := e.r.Read(p)
	e.left -= int64(n)
	if err == io.EOF && e.left > 0 {
		err = fmt.Errorf("%w: %s: the input ends %d bytes before the file does", ErrFormat, e.name, e.left)
	}
	return n, err
}

// deobfuscator decodes obfuscated bytes as they are read: each byte b
// becomes NOT(k XOR swap(b)), that is swap(b) XOR NOT k, k being the key
// byte for its position.
type deobfuscator struct {
	r   io.Reader
	key []byte // NOT of the key, one period (block mode: one block)
	pos int    // position in key
}

func newDeobfuscator(r io.Reader, seed []byte, block bool) *deobfuscator {
	return &deobfuscator{r: r, key: expandKey(seed, block)}
}

// expandKey returns the complemented key for one period of the
// obfuscation: the key itself, or in block mode the key repeated over a
// 1024-byte block, so that position i uses key[i mod len(key)] either way.
func expandKey(seed []byte, block bool) []byte {
	k := make([]byte, len(seed))
	for i, c := range seed {
		k[i] = ^(c ^ keyMask[i%len(keyMask)])
	}
	if !block {
		return k
	}
	b := make([]byte, blockSize)
	for i := range b {
		b[i] = k[i%len(k)]
	}
	return b
}

func (d *deobfuscator) Read(p []byte) (int, error) {
	n, err := d.r.Read(p)
	for i, b := range p[:n] {
		p[i] = (b<<4 | b>>4) ^ d.key[d.pos]
		if d.pos++; d.pos == len(d.key) {
			d.pos = 0
		}
	}
	return n, err
}

// obfuscate is the inverse of the deobfuscator, for Build.
func obfuscate(data, seed []byte, block bool) []byte {
	key := expandKey(seed, block)
	out := make([]byte, len(data))
	for i, b := range data {
		x := b ^ key[i%len(key)]
		out[i] = x<<4 | x>>4
	}
	return out
}
