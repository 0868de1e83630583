package zipcrypt

import (
	"hash/crc32"
	"io"
)

// keys is the state of traditional PKWARE encryption (APPNOTE.TXT 6.1.5):
// three 32-bit keys updated with every plaintext byte.
type keys [3]uint32

var crcTable = crc32.MakeTable(crc32.IEEE)

// crcByte is one step of the CRC-32 the key schedule uses, on an
// uncomplemented register.
func crcByte(crc uint32, b byte) uint32 { return crcTable[byte(crc)^b] ^ crc>>8 }

func newKeys(password []byte) *keys {
	k := &keys{0x12345678, 0x23456789, 0x34567890}
	for _, c := range password {
		k.update(c)
	}
	return k
}

func (k *keys) update(c byte) {
	k[0] = crcByte(k[0], c)
	k[1] = (k[1]+k[0]&0xff)*134775813 + 1
	k[2] = crcByte(k[2], byte(k[1]>>24))
}

// stream is the byte the keys XOR with the next byte.
func (k *keys) stream() byte {
	t := uint16(k[2] | 2)
	return byte((uint32(t) * uint32(t^1)) >> 8)
}

func (k *keys) decrypt(b []byte) {
	for i, c := range b {
		p := c ^ k.stream()
		k.update(p)
		b[i] = p
	}
}

func (k *keys) encrypt(b []byte) {
	for i, p := range b {
		c := p ^ k.stream()
		k.update(p)
		b[i] = c
	}
}

// headerLen is the size of the encryption header before the data.
const headerLen = 12

// traditionalReader decrypts traditional-encryption data after its
// 12-byte header, whose last byte must equal check.
type traditionalReader struct {
	r io.Reader
	k *keys
}

func newTraditionalReader(r io.Reader, password []byte, check byte) (io.Reader, error) {
	k := newKeys(password)
	var h [headerLen]byte
	if _, err := io.ReadFull(r, h[:]); err != nil {
		return nil, ErrFormat
	}
	k.decrypt(h[:])
	if h[headerLen-1] != check {
		return nil, ErrPassword
	}
	return &traditionalReader{r: r, k: k}, nil
}

func (t *traditionalReader) Read(b []byte) (int, error) {
	n, err := t.r.Read(b)
	t.k.decrypt(b[:n])
	return n, err
}

// traditionalWriter encrypts what is written to w after writing the
// 12-byte header. The first 11 header bytes are random in real archives;
// here they come from seed so that the output is reproducible.
type traditionalWriter struct {
	w io.Writer
	k *keys
}

func newTraditionalWriter(w io.Writer, password []byte, check byte, seed [headerLen - 1]byte) (io.Writer, error) {
	k := newKeys(password)
	var h [headerLen]byte
	copy(h[:], seed[:])
	h[headerLen-1] = check
	k.encrypt(h[:])
	if _, err := w.Write(h[:]); err != nil {
		return nil, err
	}
	return &traditionalWriter{w: w, k: k}, nil
}

func (t *traditionalWriter) Write(b []byte) (int, error) {
	c := append([]byte(nil), b...)
	t.k.encrypt(c)
	return t.w.Write(c)
}
