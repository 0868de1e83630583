package oleps

import (
	"bytes"
	"errors"
	"testing"
)

func FuzzParse(f *testing.F) {
	good, err := sampleSet().Bytes()
	if err != nil {
		f.Fatal(err)
	}
	f.Add(good)
	f.Add(good[:60])
	f.Add([]byte{0xFE, 0xFF, 0, 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := Parse(b)
		if err != nil {
			if !errors.Is(err, ErrFormat) {
				t.Fatalf("error %v does not wrap ErrFormat", err)
			}
			return
		}
		out, err := s.Bytes()
		if err != nil {
			if !errors.Is(err, ErrEncode) {
				t.Fatalf("write error %v does not wrap ErrEncode", err)
			}
			return
		}
		back, err := Parse(out)
		if err != nil {
			t.Fatalf("cannot read our own output: %v", err)
		}
		again, err := back.Bytes()
		if err != nil {
			t.Fatalf("cannot rewrite our own output: %v", err)
		}
		if !bytes.Equal(again, out) {
			t.Fatalf("writing is not stable:\n%x\n%x", out, again)
		}
	})
}
