package burn

import (
	"bytes"
	"errors"
	"testing"
)

// FuzzReadSection reads arbitrary bytes as a bundle's headers: no input
// may panic or allocate beyond what the file holds, every error wraps a
// sentinel, and the containers of a section read lie one after another.
func FuzzReadSection(f *testing.F) {
	f.Add(BuildStub(Section{ContainerSizes: []uint32{1000, 2000}}))
	f.Add(BuildStub(Section{ContainerSizes: []uint32{1}, OriginalSignatureOffset: 5000, OriginalSignatureSize: 10}))
	f.Add([]byte("MZ"))
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := ReadSection(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			if !errors.Is(err, ErrNotBundle) && !errors.Is(err, ErrFormat) {
				t.Fatalf("error wraps no sentinel: %v", err)
			}
			return
		}
		if 4*len(s.ContainerSizes) > len(b) {
			t.Fatalf("%d container sizes from %d bytes", len(s.ContainerSizes), len(b))
		}
		cs := s.Containers()
		if len(cs) != len(s.ContainerSizes) {
			t.Fatalf("%d containers, %d sizes", len(cs), len(s.ContainerSizes))
		}
		for i := 2; i < len(cs); i++ {
			if cs[i].Offset != cs[i-1].Offset+cs[i-1].Size {
				t.Fatalf("container %d at %d does not follow %v", i, cs[i].Offset, cs[i-1])
			}
		}
	})
}
