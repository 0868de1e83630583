package zipcrypt

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/pbkdf2"
	"crypto/sha1"
	"crypto/subtle"
	"encoding/binary"
	"fmt"
	"hash"
	"io"
)

// WinZip AES (AE-1, AE-2): the entry's method is 99 and its extra field
// 0x9901 names the AES strength and the real compression method. The data
// is a salt, a 2-byte password check, the encrypted compressed bytes
// (AES in WinZip's counter mode) and a 10-byte HMAC-SHA1 of them.
const (
	methodAES      = 99
	extraAES       = 0x9901
	aesIterations  = 1000
	aesMACLen      = 10
	aesCheckLen    = 2
	aesVendorAE1   = 1
	aesVendorAE2   = 2
	aesBlockLength = aes.BlockSize
)

// aesParams is what the 0x9901 extra field says.
type aesParams struct {
	vendor   uint16 // 1: AE-1 (the CRC is checked), 2: AE-2 (it is not)
	strength byte   // 1, 2, 3: 128-, 192-, 256-bit keys
	method   uint16 // the real compression method
}

func (a aesParams) keyLen() int  { return 8 + 8*int(a.strength) }
func (a aesParams) saltLen() int { return a.keyLen() / 2 }

// parseAESExtra finds the 0x9901 field in an entry's extra data.
func parseAESExtra(extra []byte) (aesParams, error) {
	for len(extra) >= 4 {
		id, size := binary.LittleEndian.Uint16(extra), int(binary.LittleEndian.Uint16(extra[2:]))
		extra = extra[4:]
		if size > len(extra) {
			break
		}
		if id == extraAES {
			if size < 7 || string(extra[2:4]) != "AE" {
				return aesParams{}, fmt.Errorf("%w: AES extra field of %d bytes", ErrFormat, size)
			}
			p := aesParams{vendor: binary.LittleEndian.Uint16(extra), strength: extra[4], method: binary.LittleEndian.Uint16(extra[5:])}
			if p.strength < 1 || p.strength > 3 {
				return aesParams{}, fmt.Errorf("%w: AES strength %d", ErrFormat, p.strength)
			}
			if p.vendor != aesVendorAE1 && p.vendor != aesVendorAE2 {
				return aesParams{}, fmt.Errorf("%w: AES vendor version %d", ErrUnsupported, p.vendor)
			}
			return p, nil
		}
		extra = extra[size:]
	}
	return aesParams{}, fmt.Errorf("%w: method 99 without an AES extra field", ErrFormat)
}

// aesKeys derives the encryption key, the authentication key and the
// password check from the password and salt (PBKDF2-HMAC-SHA1).
func aesKeys(password, salt []byte, keyLen int) (enc, auth, check []byte, err error) {
	dk, err := pbkdf2.Key(sha1.New, string(password), salt, aesIterations, 2*keyLen+aesCheckLen)
	if err != nil {
		return nil, nil, nil, err
	}
	return dk[:keyLen], dk[keyLen : 2*keyLen], dk[2*keyLen:], nil
}

// ctr is WinZip's counter mode: the counter block is a little-endian
// 128-bit number starting at 1 (not the big-endian counter of
// crypto/cipher's CTR).
type ctr struct {
	b       cipher.Block
	counter [aesBlockLength]byte
	stream  [aesBlockLength]byte
	used    int
}

func newCTR(key []byte) (*ctr, error) {
	b, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return &ctr{b: b, used: aesBlockLength}, nil
}

func (c *ctr) xor(p []byte) {
	for i := range p {
		if c.used == aesBlockLength {
			for j := range c.counter {
				c.counter[j]++
				if c.counter[j] != 0 {
					break
				}
			}
			c.b.Encrypt(c.stream[:], c.counter[:])
			c.used = 0
		}
		p[i] ^= c.stream[c.used]
		c.used++
	}
}

// aesReader decrypts an AES entry's data of size bytes (salt to MAC
// included) and checks the MAC at the end.
type aesReader struct {
	r    io.Reader // the encrypted bytes only
	tail io.Reader // the MAC
	c    *ctr
	mac  hash.Hash
	done bool
}

func newAESReader(r io.Reader, size int64, password []byte, p aesParams) (io.Reader, error) {
	sl := p.saltLen()
	data := size - int64(sl) - aesCheckLen - aesMACLen
	if data < 0 {
		return nil, fmt.Errorf("%w: AES entry of %d bytes is shorter than its salt, check and MAC", ErrFormat, size)
	}
	head := make([]byte, sl+aesCheckLen)
	if _, err := io.ReadFull(r, head); err != nil {
		return nil, fmt.Errorf("%w: AES header: %v", ErrFormat, err)
	}
	enc, auth, check, err := aesKeys(password, head[:sl], p.keyLen())
	if err != nil {
		return nil, err
	}
	if subtle.ConstantTimeCompare(check, head[sl:]) != 1 {
		return nil, ErrPassword
	}
	c, err := newCTR(enc)
	if err != nil {
		return nil, err
	}
	return &aesReader{r: io.LimitReader(r, data), tail: r, c: c, mac: hmac.New(sha1.New, auth)}, nil
}

func (a *aesReader) Read(b []byte) (int, error) {
	n, err := a.r.Read(b)
	a.mac.Write(b[:n])
	a.c.xor(b[:n])
	if err == io.EOF && !a.done {
		a.done = true
		var want [aesMACLen]byte
		if _, terr := io.ReadFull(a.tail, want[:]); terr != nil {
			return n, fmt.Errorf("%w: AES authentication code: %v", ErrFormat, terr)
		}
		if !hmac.Equal(a.mac.Sum(nil)[:aesMACLen], want[:]) {
			return n, fmt.Errorf("%w: AES authentication code", ErrChecksum)
		}
	}
	return n, err
}

// aesWriter encrypts what is written, after the salt and password check;
// Close appends the MAC.
type aesWriter struct {
	w   io.Writer
	c   *ctr
	mac hash.Hash
}

func newAESWriter(w io.Writer, password, salt []byte, p aesParams) (*aesWriter, error) {
	if len(salt) != p.saltLen() {
		return nil, fmt.Errorf("zipcrypt: AES-%d needs a %d-byte salt", 8*p.keyLen(), p.saltLen())
	}
	enc, auth, check, err := aesKeys(password, salt, p.keyLen())
	if err != nil {
		return nil, err
	}
	c, err := newCTR(enc)
	if err != nil {
		return nil, err
	}
	if _, err := w.Write(append(append([]byte(nil), salt...), check...)); err != nil {
		return nil, err
	}
	return &aesWriter{w: w, c: c, mac: hmac.New(sha1.New, auth)}, nil
}

func (a *aesWriter) Write(b []byte) (int, error) {
	e := append([]byte(nil), b...)
	a.c.xor(e)
	a.mac.Write(e)
	return a.w.Write(e)
}

func (a *aesWriter) Close() error {
	_, err := a.w.Write(a.mac.Sum(nil)[:aesMACLen])
	return err
}
