// Package cabtest walks the CFDATA blocks of a single, unspanned cabinet.
//
// It is deliberately minimal and independent of package cab, so that the
// codec packages can test themselves on real cabinets without depending on
// the reader they feed (and so a bug in one cannot hide a bug in the other).
package cabtest

import (
	"encoding/binary"
	"errors"
	"fmt"
	"os"
)

// Block is one CFDATA block.
type Block struct {
	Data  []byte // compressed payload
	USize int    // uncompressed size
}

// Folder is one CFFOLDER with its blocks, in order, and its files.
type Folder struct {
	TypeCompress uint16
	Blocks       []Block
	Files        []File
}

// File is one CFFILE: its name as stored and its place in the folder.
type File struct {
	Name   string
	Offset int // uoffFolderStart
	Size   int
}

// ReadFile reads the folders of the cabinet at path.
func ReadFile(path string) ([]Folder, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return Parse(b)
}

var errShort = errors.New("cabtest: truncated cabinet")

// Parse reads the folders of an in-memory cabinet.
func Parse(b []byte) ([]Folder, error) {
	if len(b) < 36 || string(b[:4]) != "MSCF" {
		return nil, errors.New("cabtest: not a cabinet")
	}
	le := binary.LittleEndian
	nFolders := int(le.Uint16(b[26:]))
	flags := le.Uint16(b[30:])
	off := 36
	var hdrRes, folderRes, dataRes int
	if flags&4 != 0 {
		if len(b) < 40 {
			return nil, errShort
		}
		hdrRes = int(le.Uint16(b[36:]))
		folderRes = int(b[38])
		dataRes = int(b[39])
		off = 40 + hdrRes
	}
	if flags&3 != 0 {
		return nil, errors.New("cabtest: spanned cabinets are not supported")
	}
	var folders []Folder
	for i := 0; i < nFolders; i++ {
		if off+8 > len(b) {
			return nil, errShort
		}
		first := int(le.Uint32(b[off:]))
		n := int(le.Uint16(b[off+4:]))
		f := Folder{TypeCompress: le.Uint16(b[off+6:])}
		p := first
		for j := 0; j < n; j++ {
			if p < 0 || p+8 > len(b) {
				return nil, errShort
			}
			csize := int(le.Uint16(b[p+4:]))
			usize := int(le.Uint16(b[p+6:]))
			p += 8 + dataRes
			if p+csize > len(b) {
				return nil, fmt.Errorf("cabtest: folder %d block %d: %w", i, j, errShort)
			}
			f.Blocks = append(f.Blocks, Block{Data: b[p : p+csize], USize: usize})
			p += csize
		}
		folders = append(folders, f)
		off += 8 + folderRes
	}
	if len(b) < 36 {
		return nil, errShort
	}
	p := int(le.Uint32(b[16:]))
	for i := 0; i < int(le.Uint16(b[28:])); i++ {
		if p+16 > len(b) {
			return nil, errShort
		}
		size, offset, fi := int(le.Uint32(b[p:])), int(le.Uint32(b[p+4:])), int(le.Uint16(b[p+8:]))
		end := p + 16
		for end < len(b) && b[end] != 0 {
			end++
		}
		if end >= len(b) {
			return nil, errShort
		}
		if fi < len(folders) {
			folders[fi].Files = append(folders[fi].Files, File{Name: string(b[p+16 : end]), Offset: offset, Size: size})
		}
		p = end + 1
	}
	return folders, nil
}

// Decompressor is what every codec package provides.
type Decompressor interface {
	Decompress(dst, src []byte) error
}

// DecodeFolder runs d over every block of f and returns the folder's bytes.
func DecodeFolder(d Decompressor, f Folder) ([]byte, error) {
	var out []byte
	for i, blk := range f.Blocks {
		dst := make([]byte, blk.USize)
		if err := d.Decompress(dst, blk.Data); err != nil {
			return out, fmt.Errorf("block %d: %w", i, err)
		}
		out = append(out, dst...)
	}
	return out, nil
}
