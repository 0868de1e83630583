package burn

// Layout of the images BuildStub makes: one .wixburn section after
// headers padded to the file alignment.
const (
	fileAlign    = 0x200
	sectionAlign = 0x1000
	optSizePE32  = 224 // a PE32 optional header with 16 data directories
)

// BuildStub returns a minimal PE32 image (it holds no code) whose
// .wixburn section records s, with s.StubSize set to the image's length
// and a zero Version or Format made 2 and FormatCabinet. Appending the
// containers, container 0 first, makes a bundle laid out as Burn lays one
// out; SignatureOffset and SignatureSize go in the certificate table
// entry. It is for tests, which need bundles cut in chosen places.
func BuildStub(s Section) []byte {
	if s.Version == 0 {
		s.Version = 2
	}
	if s.Format == 0 {
		s.Format = FormatCabinet
	}
	data := headerSize + 4*len(s.ContainerSizes)
	raw := (data + fileAlign - 1) / fileAlign * fileAlign
	if raw < fileAlign {
		raw = fileAlign
	}
	b := make([]byte, fileAlign+raw)
	s.StubSize = uint32(len(b))

	b[0], b[1] = 'M', 'Z'
	const pe = 0x40
	le.PutUint32(b[lfanewField:], pe)
	copy(b[pe:], "PE\x00\x00")
	coff := b[pe+4:]
	le.PutUint16(coff[0:], 0x14c) // i386
	le.PutUint16(coff[2:], 1)     // one section
	le.PutUint16(coff[16:], optSizePE32)
	le.PutUint16(coff[18:], 0x0102) // executable, 32-bit

	opt := b[pe+4+coffSize:]
	le.PutUint16(opt[0:], 0x10b)
	le.PutUint32(opt[28:], 0x400000) // image base
	le.PutUint32(opt[32:], sectionAlign)
	le.PutUint32(opt[36:], fileAlign)
	le.PutUint16(opt[40:], 4) // OS and subsystem version 4.0
	le.PutUint16(opt[48:], 4)
	image := sectionAlign + (raw+sectionAlign-1)/sectionAlign*sectionAlign
	le.PutUint32(opt[56:], uint32(image))
	le.PutUint32(opt[60:], fileAlign) // size of headers
	le.PutUint16(opt[68:], 2)         // Windows GUI subsystem
	le.PutUint32(opt[92:], 16)        // data directories
	le.PutUint32(opt[96+securityDir*8:], s.SignatureOffset)
	le.PutUint32(opt[96+securityDir*8+4:], s.SignatureSize)

	sec := b[pe+4+coffSize+optSizePE32:]
	copy(sec, ".wixburn")
	le.PutUint32(sec[8:], uint32(data))
	le.PutUint32(sec[12:], sectionAlign)
	le.PutUint32(sec[16:], uint32(raw))
	le.PutUint32(sec[20:], fileAlign)
	le.PutUint32(sec[36:], 0x40000040) // initialized data, readable

	d := b[fileAlign:]
	le.PutUint32(d[0:], Magic)
	le.PutUint32(d[4:], s.Version)
	copy(d[8:24], s.BundleID[:])
	le.PutUint32(d[24:], s.StubSize)
	le.PutUint32(d[28:], s.OriginalChecksum)
	le.PutUint32(d[32:], s.OriginalSignatureOffset)
	le.PutUint32(d[36:], s.OriginalSignatureSize)
	le.PutUint32(d[40:], s.Format)
	le.PutUint32(d[44:], uint32(len(s.ContainerSizes)))
	for i, n := range s.ContainerSizes {
		le.PutUint32(d[headerSize+4*i:], n)
	}
	return b
}
