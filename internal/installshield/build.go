package installshield

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf16"
)

// BuildFile is a file for Build to store.
type BuildFile struct {
	// Name is the stored name (a plain record's path; its last element
	// is the record's name).
	Name string
	Data []byte
	// Flags are stored as they are and say how the bytes are obfuscated
	// (FlagObfuscated, FlagBlockObfuscate); header formats only.
	Flags uint32
	// Compress stores the bytes as a zlib stream; header formats only.
	Compress bool
	// Version is a plain record's version string; "" writes 0.0.0.0.
	Version string
}

// BuildOptions say which overlay Build makes.
type BuildOptions struct {
	Format Format
	// HeaderType goes in the header's type field; 4 makes ISSetupStream
	// records 24 bytes longer.
	HeaderType uint32
	// DebugPath, when set, puts a CodeView "NB10" record naming it before
	// the header, as some launchers have.
	DebugPath string
}

// Build returns an overlay holding files in the chosen format, for tests
// that need launchers of every kind and damaged ones: launchers of real
// products are large and rarely redistributable. BuildLauncher puts it
// after a PE image.
func Build(o BuildOptions, files []BuildFile) ([]byte, error) {
	var b bytes.Buffer
	if o.DebugPath != "" {
		b.WriteString("NB10")
		b.Write(make([]byte, 12))
		b.WriteString(o.DebugPath)
		b.WriteByte(0)
	}
	switch o.Format {
	case FormatInstallShield, FormatSetupStream:
		return buildHeaderFormat(&b, o, files)
	case FormatPlain, FormatPlainWide:
		return buildPlain(&b, o, files)
	}
	return nil, fmt.Errorf("installshield: Build: unknown format %d", o.Format)
}

func buildHeaderFormat(b *bytes.Buffer, o BuildOptions, files []BuildFile) ([]byte, error) {
	if len(files) > maxFiles {
		return nil, errors.New("installshield: Build: too many files")
	}
	h := make([]byte, headerSize)
	if o.Format == FormatInstallShield {
		copy(h, sigInstallShield)
	} else {
		copy(h, sigSetupStream)
	}
	le.PutUint16(h[14:], uint16(len(files)))
	le.PutUint32(h[16:], o.HeaderType)
	b.Write(h)
	for _, f := range files {
		data := f.Data
		if f.Compress {
			var z bytes.Buffer
			zw := zlib.NewWriter(&z)
			zw.Write(data)
			zw.Close()
			data = z.Bytes()
		}
		seed := []byte(f.Name)
		if f.Flags&(FlagObfuscated|FlagBlockObfuscate) != 0 {
			data = obfuscate(data, seed, f.Flags&FlagBlockObfuscate != 0)
		}
		var comp uint16
		if f.Compress {
			comp = 1
		}
		if o.Format == FormatInstallShield {
			if len(seed) >= ansiNameField {
				return nil, fmt.Errorf("installshield: Build: name %q is too long", f.Name)
			}
			rec := make([]byte, ansiRecordSize)
			copy(rec, seed)
			le.PutUint32(rec[260:], f.Flags)
			le.PutUint32(rec[268:], uint32(len(data)))
			le.PutUint16(rec[280:], comp)
			b.Write(rec)
		} else {
			name := encodeUTF16(f.Name)
			rec := make([]byte, streamRecordSize)
			le.PutUint32(rec[0:], uint32(len(name)))
			le.PutUint32(rec[4:], f.Flags)
			le.PutUint32(rec[10:], uint32(len(data)))
			le.PutUint16(rec[22:], comp)
			b.Write(rec)
			if o.HeaderType == 4 {
				b.Write(make([]byte, streamExtraSize))
			}
			b.Write(name)
		}
		b.Write(data)
	}
	return b.Bytes(), nil
}

func buildPlain(b *bytes.Buffer, o BuildOptions, files []BuildFile) ([]byte, error) {
	if o.Format == FormatPlainWide {
		binary.Write(b, le, uint32(len(files)))
	}
	put := func(s string) {
		if o.Format == FormatPlainWide {
			b.Write(encodeUTF16(s))
			b.Write([]byte{0, 0})
		} else {
			b.WriteString(s)
			b.WriteByte(0)
		}
	}
	for _, f := range files {
		if f.Flags != 0 || f.Compress {
			return nil, fmt.Errorf("installshield: Build: %s: plain overlays store files as they are", f.Name)
		}
		v := f.Version
		if v == "" {
			v = "0.0.0.0"
		}
		put(f.Name[strings.LastIndexByte(f.Name, '\\')+1:])
		put(f.Name)
		put(v)
		put(strconv.Itoa(len(f.Data)))
		b.Write(f.Data)
	}
	return b.Bytes(), nil
}

func encodeUTF16(s string) []byte {
	u := utf16.Encode([]rune(s))
	b := make([]byte, 2*len(u))
	for i, c := range u {
		le.PutUint16(b[2*i:], c)
	}
	return b
}

// BuildLauncher returns a minimal PE32 image (one section, no code)
// followed by overlay and, when cert is not nil, by cert as the image's
// certificate table, as a signed launcher ends.
func BuildLauncher(overlay, cert []byte) []byte {
	const (
		fileAlign = 0x200
		peAt      = 0x40
		optSize   = 224
	)
	img := make([]byte, 2*fileAlign)
	img[0], img[1] = 'M', 'Z'
	le.PutUint32(img[0x3c:], peAt)
	copy(img[peAt:], "PE\x00\x00")
	coff := img[peAt+4:]
	le.PutUint16(coff[0:], 0x14c) // i386
	le.PutUint16(coff[2:], 1)
	le.PutUint16(coff[16:], optSize)
	le.PutUint16(coff[18:], 0x0102)
	opt := img[peAt+24:]
	le.PutUint16(opt[0:], 0x10b)
	le.PutUint32(opt[28:], 0x400000)
	le.PutUint32(opt[32:], 0x1000)
	le.PutUint32(opt[36:], fileAlign)
	le.PutUint32(opt[56:], 0x2000)
	le.PutUint32(opt[60:], fileAlign)
	le.PutUint16(opt[68:], 2)
	le.PutUint32(opt[92:], 16)
	sec := img[peAt+24+optSize:]
	copy(sec, ".text")
	le.PutUint32(sec[8:], fileAlign)
	le.PutUint32(sec[12:], 0x1000)
	le.PutUint32(sec[16:], fileAlign)
	le.PutUint32(sec[20:], fileAlign)
	le.PutUint32(sec[36:], 0x60000020)
	if cert != nil {
		le.PutUint32(opt[96+4*8:], uint32(len(img)+len(overlay)))
		le.PutUint32(opt[96+4*8+4:], uint32(len(cert)))
	}
	out := append(img, overlay...)
	out = append(out, cert...)
	return out
}
