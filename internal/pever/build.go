package pever

import (
	"bytes"
	"encoding/binary"
	"fmt"
)

// Options describe the image Build makes.
type Options struct {
	// Machine is MachineI386 (PE32), MachineAMD64 or MachineIA64 (PE32+),
	// or MachineARMNT or MachineARM64.
	Machine Machine
	// DLL makes a DLL rather than an EXE.
	DLL bool
	// FileVersion and ProductVersion go in VS_FIXEDFILEINFO. A zero
	// ProductVersion means FileVersion.
	FileVersion, ProductVersion Version
	// FileVersionString and ProductVersionString are the StringFileInfo
	// values; empty means the fixed versions' "a.b.c.d".
	FileVersionString, ProductVersionString string
	// CompanyName, FileDescription, OriginalFilename, InternalName,
	// ProductName and LegalCopyright are StringFileInfo values; empty ones
	// are left out.
	CompanyName, FileDescription, OriginalFilename string
	InternalName, ProductName, LegalCopyright      string
	// Language and CodePage key the string table and are the one
	// translation; zero means 0x409 (US English) and 1200 (UTF-16).
	Language, CodePage uint16
	// TimeDateStamp is the COFF header's link time; zero is allowed and
	// keeps builds reproducible.
	TimeDateStamp uint32
	// Subsystem is IMAGE_SUBSYSTEM_*; zero means 2 (GUI) for a DLL and 3
	// (console) for an EXE.
	Subsystem uint16
	// Size is the exact size of the file; zero means as small as
	// possible. Bytes beyond what the image needs are a COFF symbol table
	// whose string table takes up the rest, so that tools that reject
	// data after an image (7-Zip) accept it; a Size less than 22 bytes
	// above the smallest is therefore impossible.
	Size int64
}

// Padding to an exact size is a COFF symbol table holding one symbol and
// a string table as long as needed. Overlay data after the last section
// would be simpler, but 7-Zip refuses to open an image with bytes that
// no header accounts for, while a symbol table, deprecated in images but
// still written by MinGW's linker, is counted, as debug/pe and objdump
// read it. It is also the only structure with a free length: section data
// comes in whole multiples of the file alignment.
const (
	symbolSize = 18
	padMin     = symbolSize + 4 // one symbol and the string table's length
)

// writePadding writes the symbol table filling b: one static absolute
// symbol named ".pad" whose value is the padding's length, then a string
// table of empty strings.
func writePadding(b []byte) {
	le := binary.LittleEndian
	copy(b, ".pad")
	le.PutUint32(b[8:], uint32(len(b)))
	le.PutUint16(b[12:], 0xFFFF) // IMAGE_SYM_ABSOLUTE
	b[16] = 3                    // IMAGE_SYM_CLASS_STATIC
	le.PutUint32(b[symbolSize:], uint32(len(b)-symbolSize))
}

// Layout of the images Build makes: the PE/COFF specification's minimum
// file alignment, and the page size (8 KiB on Itanium) as section
// alignment.
const (
	fileAlign     = 0x200
	maxBuildSize  = 1 << 30
	dosHeaderSize = 0x40
	numDataDirs   = 16
)

// entryCode is a do-nothing entry point for machines the code is written
// for: an EXE's returns 0 (exit code), a DLL's DllMain returns TRUE
// (popping its three stdcall arguments on x86). Other machines get no
// code and, as the specification allows for DLLs, entry point 0.
func entryCode(m Machine, dll bool) []byte {
	switch {
	case m == MachineI386 && dll:
		return []byte{0xB8, 1, 0, 0, 0, 0xC2, 0x0C, 0x00} // mov eax,1; ret 12
	case m == MachineAMD64 && dll:
		return []byte{0xB8, 1, 0, 0, 0, 0xC3} // mov eax,1; ret
	case m == MachineI386 || m == MachineAMD64:
		return []byte{0x31, 0xC0, 0xC3} // xor eax,eax; ret
	}
	return nil
}

type section struct {
	name  string
	rva   uint32
	data  []byte
	flags uint32
}

// Section characteristics.
const (
	scnCode      = 0x00000020
	scnInitData  = 0x00000040
	scnMemExec   = 0x20000000
	scnMemRead   = 0x40000000
	fileExecImg  = 0x0002
	fileLargeAdr = 0x0020
	file32Bit    = 0x0100
	fileDLL      = 0x2000
	dllNXCompat  = 0x0100
)

// Build makes a minimal valid PE image for opts.Machine with a .rsrc
// section holding a version resource (VS_FIXEDFILEINFO, a StringFileInfo
// table with FileVersion, ProductVersion and the other strings given, and
// a VarFileInfo translation), a correct checksum, and exactly opts.Size
// bytes. The same options always give the same bytes.
func Build(opts Options) ([]byte, error) {
	m := opts.Machine
	switch m {
	case MachineI386, MachineAMD64, MachineIA64, MachineARMNT, MachineARM64:
	default:
		return nil, fmt.Errorf("pever: %w: machine %v is not one Build supports", ErrBuild, m)
	}
	if opts.Size < 0 || opts.Size > maxBuildSize {
		return nil, fmt.Errorf("pever: %w: size %d is outside 0..%d", ErrBuild, opts.Size, maxBuildSize)
	}
	sectAlign := uint32(0x1000)
	if m == MachineIA64 {
		sectAlign = 0x2000
	}
	plus := m.PE32Plus()

	vi, err := buildVersionInfo(&opts)
	if err != nil {
		return nil, err
	}
	vdata, err := vi.MarshalBinary()
	if err != nil {
		return nil, err
	}

	var sects []section
	rva := sectAlign
	if code := entryCode(m, opts.DLL); code != nil {
		sects = append(sects, section{".text", rva, code, scnCode | scnMemExec | scnMemRead})
		rva += alignUp(uint32(len(code)), sectAlign)
	}
	sects = append(sects, section{".rsrc", rva, resourceSection(rva, opts.Language, vdata), scnInitData | scnMemRead})

	optSize := 96 + 8*numDataDirs
	if plus {
		optSize = 112 + 8*numDataDirs
	}
	ntOff := dosHeaderSize
	optOff := ntOff + 4 + coffHeaderSize
	headersEnd := optOff + optSize + sectionHdrSize*len(sects)
	sizeOfHeaders := alignUp(uint32(headersEnd), fileAlign)

	// Lay the sections out in the file.
	offsets := make([]uint32, len(sects))
	end := sizeOfHeaders
	for i, s := range sects {
		offsets[i] = end
		end += alignUp(uint32(len(s.data)), fileAlign)
	}
	size := int64(end)
	var symtab int64 // offset of the padding symbol table, if any
	if opts.Size != 0 && opts.Size != size {
		if opts.Size < size+padMin {
			return nil, fmt.Errorf("pever: %w: size %d: this image needs exactly %d bytes or at least %d", ErrBuild, opts.Size, size, size+padMin)
		}
		symtab, size = size, opts.Size
	}
	b := make([]byte, size)

	// DOS header: only e_magic and e_lfanew matter to loaders; the rest
	// are the values linkers write for a header-only DOS program.
	copy(b, "MZ")
	le := binary.LittleEndian
	le.PutUint16(b[0x02:], 0x90)   // bytes on last page
	le.PutUint16(b[0x04:], 3)      // pages
	le.PutUint16(b[0x08:], 4)      // header paragraphs
	le.PutUint16(b[0x0C:], 0xFFFF) // max extra paragraphs
	le.PutUint16(b[0x10:], 0xB8)   // initial SP
	le.PutUint16(b[0x18:], 0x40)   // relocation table offset
	le.PutUint32(b[lfanewOffset:], uint32(ntOff))

	copy(b[ntOff:], "PE\x00\x00")
	coff := b[ntOff+4:]
	chars := uint16(fileExecImg)
	if plus {
		chars |= fileLargeAdr
	} else {
		chars |= file32Bit
	}
	if opts.DLL {
		chars |= fileDLL
	}
	le.PutUint16(coff[0:], uint16(m))
	le.PutUint16(coff[2:], uint16(len(sects)))
	le.PutUint32(coff[4:], opts.TimeDateStamp)
	if symtab != 0 {
		le.PutUint32(coff[8:], uint32(symtab))
		le.PutUint32(coff[12:], 1)
		writePadding(b[symtab:])
	}
	le.PutUint16(coff[16:], uint16(optSize))
	le.PutUint16(coff[18:], chars)

	var codeSize, dataSize, codeBase, entry uint32
	for i, s := range sects {
		raw := alignUp(uint32(len(s.data)), fileAlign)
		if s.flags&scnCode != 0 {
			codeSize += raw
			codeBase, entry = s.rva, s.rva
		} else {
			dataSize += raw
		}
		h := b[optOff+optSize+sectionHdrSize*i:]
		copy(h[0:8], s.name)
		le.PutUint32(h[8:], uint32(len(s.data)))
		le.PutUint32(h[12:], s.rva)
		le.PutUint32(h[16:], raw)
		le.PutUint32(h[20:], offsets[i])
		le.PutUint32(h[36:], s.flags)
		copy(b[offsets[i]:], s.data)
	}
	last := sects[len(sects)-1]
	imageSize := alignUp(last.rva+uint32(len(last.data)), sectAlign)
	subsystem := opts.Subsystem
	if subsystem == 0 {
		subsystem = 3
		if opts.DLL {
			subsystem = 2
		}
	}
	osMajor, osMinor := uint16(5), uint16(0)
	if plus {
		osMinor = 2 // the first 64-bit Windows was 5.2
	}

	o := b[optOff:]
	if plus {
		le.PutUint16(o[0:], magicPE32Plus)
	} else {
		le.PutUint16(o[0:], magicPE32)
	}
	o[2] = 14 // linker version 14.0
	le.PutUint32(o[4:], codeSize)
	le.PutUint32(o[8:], dataSize)
	le.PutUint32(o[16:], entry)
	le.PutUint32(o[20:], codeBase)
	imageBase := uint64(0x400000)
	switch {
	case plus && opts.DLL:
		imageBase = 0x180000000
	case plus:
		imageBase = 0x140000000
	case opts.DLL:
		imageBase = 0x10000000
	}
	// The layouts differ only up to here: PE32 has BaseOfData and a
	// 32-bit image base, PE32+ a 64-bit image base in the same 8 bytes.
	if plus {
		le.PutUint64(o[24:], imageBase)
	} else {
		le.PutUint32(o[24:], last.rva) // BaseOfData
		le.PutUint32(o[28:], uint32(imageBase))
	}
	const p = 32
	le.PutUint32(o[p:], sectAlign)
	le.PutUint32(o[p+4:], fileAlign)
	le.PutUint16(o[p+8:], osMajor)
	le.PutUint16(o[p+10:], osMinor)
	le.PutUint16(o[p+16:], osMajor) // subsystem version
	le.PutUint16(o[p+18:], osMinor)
	le.PutUint32(o[p+24:], imageSize)
	le.PutUint32(o[p+28:], sizeOfHeaders)
	// p+32 is CheckSum, filled in last.
	le.PutUint16(o[p+36:], subsystem)
	le.PutUint16(o[p+38:], dllNXCompat)
	q := p + 40
	for _, v := range []uint64{0x100000, 0x1000, 0x100000, 0x1000} { // stack and heap reserve/commit
		if plus {
			le.PutUint64(o[q:], v)
			q += 8
		} else {
			le.PutUint32(o[q:], uint32(v))
			q += 4
		}
	}
	q += 4 // LoaderFlags
	le.PutUint32(o[q:], numDataDirs)
	dd := o[q+4:]
	le.PutUint32(dd[8*resourceDirSlot:], last.rva)
	le.PutUint32(dd[8*resourceDirSlot+4:], uint32(len(last.data)))

	sum, err := checksum(bytes.NewReader(b), size, int64(optOff+checksumField))
	if err != nil {
		return nil, err
	}
	le.PutUint32(o[checksumField:], sum)
	return b, nil
}

func alignUp(n, a uint32) uint32 { return (n + a - 1) &^ (a - 1) }

// buildVersionInfo turns the options into the version resource's content.
func buildVersionInfo(opts *Options) (*VersionInfo, error) {
	lang, cp := opts.Language, opts.CodePage
	if lang == 0 {
		lang = 0x409
	}
	if cp == 0 {
		cp = 1200
	}
	pv := opts.ProductVersion
	if pv == (Version{}) {
		pv = opts.FileVersion
	}
	fvs, pvs := opts.FileVersionString, opts.ProductVersionString
	if fvs == "" {
		fvs = opts.FileVersion.String()
	}
	if pvs == "" {
		pvs = pv.String()
	}
	typ := uint32(FileTypeApp)
	if opts.DLL {
		typ = FileTypeDLL
	}
	tr := Translation{Language: lang, CodePage: cp}
	st := StringTable{Key: tr.String(), Translation: tr}
	// The order resource compilers' templates use.
	for _, kv := range []KeyValue{
		{"CompanyName", opts.CompanyName},
		{"FileDescription", opts.FileDescription},
		{"FileVersion", fvs},
		{"InternalName", opts.InternalName},
		{"LegalCopyright", opts.LegalCopyright},
		{"OriginalFilename", opts.OriginalFilename},
		{"ProductName", opts.ProductName},
		{"ProductVersion", pvs},
	} {
		if kv.Value != "" {
			st.Strings = append(st.Strings, kv)
		}
	}
	return &VersionInfo{
		Fixed: &FixedFileInfo{
			StrucVersion:   0x10000,
			FileVersion:    opts.FileVersion,
			ProductVersion: pv,
			FlagsMask:      0x3F, // VS_FFI_FILEFLAGSMASK
			OS:             OSNTWindows32,
			Type:           typ,
		},
		StringTables: []StringTable{st},
		Translations: []Translation{tr},
	}, nil
}

// resourceSection lays out a resource directory holding one resource,
// RT_VERSION #1 in the given language, followed by its data. rva is the
// section's address, which the data entry needs.
func resourceSection(rva uint32, lang uint16, data []byte) []byte {
	if lang == 0 {
		lang = 0x409
	}
	const (
		nameDir  = dirHeaderSize + dirEntrySize
		langDir  = nameDir + dirHeaderSize + dirEntrySize
		dataEnt  = langDir + dirHeaderSize + dirEntrySize
		dataOff  = dataEnt + dataEntrySize
		subdir   = 0x80000000
		versName = 1 // VS_VERSION_INFO
	)
	b := make([]byte, dataOff, dataOff+len(data))
	le := binary.LittleEndian
	dir := func(at int, id, target uint32) {
		le.PutUint16(b[at+14:], 1) // one ID entry
		le.PutUint32(b[at+dirHeaderSize:], id)
		le.PutUint32(b[at+dirHeaderSize+4:], target)
	}
	dir(0, RTVersion, subdir|nameDir)
	dir(nameDir, versName, subdir|langDir)
	dir(langDir, uint32(lang), dataEnt)
	le.PutUint32(b[dataEnt:], rva+dataOff)
	le.PutUint32(b[dataEnt+4:], uint32(len(data)))
	return append(b, data...)
}
