package authenticode

import (
	"bytes"
	"crypto"
	"encoding/binary"
	"fmt"
	"hash"
	"io"
	"slices"
	"unicode/utf16"

	"github.com/msikit/msikit/internal/cfb"
)

// A package's signature is the root stream \x05DigitalSignature. The
// digest covers every stream's content and every storage: a storage's
// children are taken in the order of their UTF-16LE name bytes (with the
// terminating NUL: a name sorts before the longer names it begins), a
// stream's content is hashed, a storage is hashed in turn, and each
// storage's CLSID follows its children. The two signature streams are
// left out at the root. With \x05MsiDigitalSignatureEx, the digest of
// the entries' metadata comes first, and that stream must hold it.

var (
	digitalSignature   = utf16.Encode([]rune("\x05DigitalSignature"))
	digitalSignatureEx = utf16.Encode([]rune("\x05MsiDigitalSignatureEx"))
)

type msiFile struct {
	f        *cfb.File
	children map[uint32][]uint32 // each storage's children, in hashing order, signature streams left out
	sig, ex  uint32              // the signature streams, or cfb.NoEntry
}

func openMSI(r io.ReaderAt, size int64) (*msiFile, error) {
	f, err := cfb.Open(r, size)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrDamaged, err)
	}
	m := &msiFile{f: f, children: map[uint32][]uint32{}, sig: cfb.NoEntry, ex: cfb.NoEntry}
	seen := make([]bool, len(f.Dir))
	seen[0] = true
	storages := []uint32{0}
	for len(storages) > 0 {
		s := storages[0]
		storages = storages[1:]
		var kids []uint32
		// Walk the sibling tree; an entry met twice (a tree that loops
		// or is shared) is taken once.
		stack := []uint32{f.Dir[s].Child}
		for len(stack) > 0 {
			i := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if i == cfb.NoEntry || int64(i) >= int64(len(f.Dir)) || seen[i] {
				continue
			}
			seen[i] = true
			d := f.Dir[i]
			stack = append(stack, d.Left, d.Right)
			switch {
			case s == 0 && d.Type == 2 && slices.Equal(d.Name, digitalSignature):
				m.sig = i
			case s == 0 && d.Type == 2 && slices.Equal(d.Name, digitalSignatureEx):
				m.ex = i
			case d.Type == 1:
				kids = append(kids, i)
				storages = append(storages, i)
			case d.Type == 2:
				kids = append(kids, i)
			}
		}
		slices.SortStableFunc(kids, func(a, b uint32) int {
			return bytes.Compare(nameBytes(f.Dir[a].Name), nameBytes(f.Dir[b].Name))
		})
		m.children[s] = kids
	}
	return m, nil
}

// nameBytes is a name as stored: UTF-16LE with its terminating NUL.
func nameBytes(u []uint16) []byte {
	b := make([]byte, 2*len(u)+2)
	for i, c := range u {
		binary.LittleEndian.PutUint16(b[2*i:], c)
	}
	return b
}

func (m *msiFile) signature() ([]byte, error) {
	if m.sig == cfb.NoEntry {
		return nil, ErrNotSigned
	}
	if n := m.f.StreamSize(m.sig); n > maxSignature {
		return nil, fmt.Errorf("%w: \\x05DigitalSignature claims %d bytes, more than a signature holds", ErrMalformed, n)
	}
	var b bytes.Buffer
	if err := m.f.ReadStream(&b, m.sig); err != nil {
		return nil, fmt.Errorf("%w: reading \\x05DigitalSignature: %v", ErrMalformed, err)
	}
	return b.Bytes(), nil
}

func (m *msiFile) digest(h crypto.Hash) ([]byte, error) {
	w := h.New()
	if m.ex != cfb.NoEntry {
		pw := h.New()
		m.metadata(pw, 0)
		pre := pw.Sum(nil)
		var got bytes.Buffer
		if n := m.f.StreamSize(m.ex); n > 1024 {
			return nil, errDigest{fmt.Sprintf("\\x05MsiDigitalSignatureEx holds %d bytes, not a digest", n)}
		}
		if err := m.f.ReadStream(&got, m.ex); err != nil {
			return nil, fmt.Errorf("%w: reading \\x05MsiDigitalSignatureEx: %v", ErrMalformed, err)
		}
		if !bytes.Equal(got.Bytes(), pre) {
			return nil, errDigest{"\\x05MsiDigitalSignatureEx does not match the package's metadata"}
		}
		w.Write(pre)
	}
	if err := m.content(w, 0); err != nil {
		return nil, err
	}
	return w.Sum(nil), nil
}

// content hashes storage s: its children in order, then its CLSID.
func (m *msiFile) content(w io.Writer, s uint32) error {
	for _, i := range m.children[s] {
		if m.f.Dir[i].Type == 1 {
			if err := m.content(w, i); err != nil {
				return err
			}
			continue
		}
		if err := m.f.ReadStream(w, i); err != nil {
			return fmt.Errorf("%w: reading stream %q: %v", ErrDamaged, string(utf16.Decode(m.f.Dir[i].Name)), err)
		}
	}
	w.Write(m.f.Dir[s].CLSID[:])
	return nil
}

// metadata hashes the metadata of storage s and of its children, in the
// same order as content: for each entry its name, then a storage's CLSID
// or the low 32 bits of a stream's size, the state bits, and the creation
// and modification times (the root gives neither name nor times).
func (m *msiFile) metadata(w hash.Hash, s uint32) {
	m.entryMetadata(w, s)
	for _, i := range m.children[s] {
		if m.f.Dir[i].Type == 1 {
			m.metadata(w, i)
		} else {
			m.entryMetadata(w, i)
		}
	}
}

func (m *msiFile) entryMetadata(w hash.Hash, i uint32) {
	d := m.f.Dir[i]
	le := binary.LittleEndian
	if i != 0 {
		w.Write(nameBytes(d.Name)[:2*len(d.Name)])
	}
	var b [8]byte
	if d.Type == 2 {
		le.PutUint32(b[:], uint32(d.Size))
		w.Write(b[:4])
	} else {
		w.Write(d.CLSID[:])
	}
	le.PutUint32(b[:], d.StateBits)
	w.Write(b[:4])
	if i != 0 {
		le.PutUint64(b[:], d.Created)
		w.Write(b[:])
		le.PutUint64(b[:], d.Modified)
		w.Write(b[:])
	}
}
