package msi

import (
	"encoding/binary"
	"fmt"
	"sort"
	"strings"

	"github.com/msikit/msikit/msi/internal/names"
)

// File attribute bits that decide where a file's bytes are.
const (
	FileAttrNoncompressed = 0x2000 // msidbFileAttributesNoncompressed
	FileAttrCompressed    = 0x4000 // msidbFileAttributesCompressed
)

// File is one row of the File table with everything needed to find and
// place its bytes.
type File struct {
	Key        string // the File column: also the file's name in its cabinet
	Component  string
	Directory  string // the component's directory
	ShortName  string
	LongName   string
	Size       int64
	Version    string // a version, or for a companion file the key of another file
	Language   string
	Attributes int
	Sequence   int
	// Path is where the file goes in the chosen layout, slash-separated,
	// relative to the root (TARGETDIR).
	Path string
	// SourcePath is where an uncompressed file is found beside the
	// package, relative to the package's directory.
	SourcePath string
	// Compressed tells a file in a cabinet from one read from the source
	// tree.
	Compressed bool
	// Media is the disk holding the file (nil if no Media row covers its
	// sequence number).
	Media *Media
	// Hash is the MsiFileHash MD5 of an unversioned file, if the package
	// records one.
	Hash *[16]byte
}

// FileOptions chooses the layout of FileList.
type FileOptions struct {
	Layout Layout
	// ShortNames uses short file and directory names even when the
	// summary information does not say the source uses them.
	ShortNames bool
}

// FileList reads the File, Component, Directory, Media and MsiFileHash
// tables of a package or a database and returns every file, in sequence
// order, with its place in the layout and the source of its bytes.
func FileList(src TableReader, o FileOptions) ([]*File, error) {
	t, err := readCells(src, "File")
	if err != nil || t == nil {
		return nil, err
	}
	short, compressedDefault := false, false
	if s, err := src.SummaryInfo(); err == nil {
		wc := s.WordCountFlags()
		short, compressedDefault = wc.ShortNames, wc.Compressed
	}
	// A flat layout places files by name alone: directories are read
	// for the source tree.
	dirLayout := o.Layout
	if dirLayout == LayoutFlat {
		dirLayout = LayoutAdmin
	}
	layoutDirs, err := readDirectories(src, dirLayout, short || o.ShortNames)
	if err != nil {
		return nil, err
	}
	sourceDirs := layoutDirs
	if dirLayout != LayoutAdmin || o.ShortNames != short {
		if sourceDirs, err = readDirectories(src, LayoutAdmin, short); err != nil {
			return nil, err
		}
	}
	components, err := readCells(src, "Component")
	if err != nil {
		return nil, err
	}
	var compDir map[string]string
	if components != nil {
		compDir = make(map[string]string, components.rows())
		key, dir := components.col("Component"), components.col("Directory_")
		for r := range components.rows() {
			compDir[components.cell(r, key).String()] = components.cell(r, dir).String()
		}
	}
	media, err := MediaList(src)
	if err != nil {
		return nil, err
	}
	module := len(media) == 1 && media[0].module
	hashes, err := fileHashes(src)
	if err != nil {
		return nil, err
	}
	cKey, cComp, cName, cSize := t.col("File"), t.col("Component_"), t.col("FileName"), t.col("FileSize")
	cVersion, cLang, cAttrs, cSeq := t.col("Version"), t.col("Language"), t.col("Attributes"), t.col("Sequence")
	// One allocation for every File: the list is held while the files
	// are read.
	all := make([]File, t.rows())
	files := make([]*File, 0, t.rows())
	for r := range t.rows() {
		f := &all[r]
		f.Key, f.Component = t.cell(r, cKey).String(), t.cell(r, cComp).String()
		f.Version, f.Language = t.cell(r, cVersion).String(), t.cell(r, cLang).String()
		f.ShortName, f.LongName = names.SplitShortLong(t.cell(r, cName).String())
		f.Size, f.Sequence, f.Attributes = int64(t.cell(r, cSize).Int), int(t.cell(r, cSeq).Int), int(t.cell(r, cAttrs).Int)
		for _, n := range []string{f.ShortName, f.LongName} {
			if n == "" {
				return nil, errorf(src, "table File", formatErr("file %s has no name", f.Key))
			}
			if err := names.Check(n); err != nil {
				return nil, errorf(src, "table File", formatErr("file %s: name %q %v", f.Key, n, err))
			}
		}
		dir, ok := compDir[f.Component]
		if !ok {
			return nil, errorf(src, "table File", formatErr("file %s: component %s does not exist", f.Key, f.Component))
		}
		f.Directory = dir
		dirPath, ok := layoutDirs.Path(dir)
		if !ok {
			return nil, errorf(src, "table Component", formatErr("component %s: directory %s does not exist", f.Component, dir))
		}
		name := f.LongName
		if short || o.ShortNames {
			name = f.ShortName
		}
		switch {
		case o.Layout == LayoutFlat:
			f.Path = f.LongName
		default:
			f.Path = joinName(dirPath, name)
		}
		srcDir, _ := sourceDirs.Path(dir)
		srcName := f.LongName
		if short {
			srcName = f.ShortName
		}
		if f.SourcePath = f.Path; srcDir != dirPath || srcName != name || o.Layout == LayoutFlat {
			f.SourcePath = joinName(srcDir, srcName)
		}
		f.Compressed = compressedDefault
		switch {
		case f.Attributes&FileAttrNoncompressed != 0:
			f.Compressed = false
		case f.Attributes&FileAttrCompressed != 0:
			f.Compressed = true
		}
		f.Media = mediaFor(media, f.Sequence)
		switch {
		case module:
			f.Compressed = true // whatever the attributes say
		case f.Media != nil && f.Media.Cabinet == "":
			f.Compressed = false // a disk without a cabinet holds files as they are
		}
		f.Hash = hashes[f.Key]
		files = append(files, f)
	}
	sort.SliceStable(files, func(i, j int) bool { return files[i].Sequence < files[j].Sequence })
	dedupePaths(files)
	return files, nil
}

// joinName is path.Join for a clean directory path and a name that
// names.Check passed (no separator, not "." or ".."), without its
// cleaning pass.
func joinName(dir, name string) string {
	if dir == "" {
		return name
	}
	return dir + "/" + name
}

// dedupePaths gives a file whose path another file already has (ignoring
// case, as Windows does) the suffix ".duplicateN", as lessmsi does, so
// that no file overwrites another. Installs can map two files to one
// place (the ANSI and Unicode builds of a DLL, chosen by condition); a
// source layout should not.
func dedupePaths(files []*File) {
	seen := make(map[string]int, len(files)) // lower-cased path: how many files claimed it
	for _, f := range files {
		key := strings.ToLower(f.Path)
		before := seen[key]
		seen[key]++
		if before == 0 {
			continue
		}
		for i := before; ; i++ {
			cand := fmt.Sprintf("%s.duplicate%d", f.Path, i)
			if seen[strings.ToLower(cand)] == 0 {
				seen[strings.ToLower(cand)] = 1
				f.Path = cand
				break
			}
		}
	}
}

// fileHashes reads MsiFileHash: per file, the MD5 of its bytes, stored as
// four little-endian 32-bit words.
func fileHashes(src TableReader) (map[string]*[16]byte, error) {
	t, err := readCells(src, "MsiFileHash")
	if err != nil || t == nil {
		return map[string]*[16]byte{}, err
	}
	key := t.col("File_")
	var part [4]int
	for i := range part {
		part[i] = t.col(fmt.Sprintf("HashPart%d", i+1))
	}
	out := make(map[string]*[16]byte, t.rows())
	all := make([][16]byte, t.rows())
	for r := range t.rows() {
		h := &all[r]
		for i, c := range part {
			binary.LittleEndian.PutUint32(h[4*i:], uint32(t.cell(r, c).Int))
		}
		out[t.cell(r, key).String()] = h
	}
	return out, nil
}
