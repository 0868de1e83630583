package capbuf

import (
	"bytes"
	"testing"
)

func TestBuffer(t *testing.T) {
	b := New(5)
	b.Write([]byte("abc"))
	b.Write([]byte("de"))
	if b.Over() || !bytes.Equal(b.Bytes(), []byte("abcde")) {
		t.Fatalf("within the limit: %q over=%v", b.Bytes(), b.Over())
	}
	n, err := b.Write([]byte("f"))
	if n != 1 || err != nil || !b.Over() || len(b.Bytes()) != 0 {
		t.Fatalf("past the limit: n=%d err=%v over=%v kept %q", n, err, b.Over(), b.Bytes())
	}
	b.Write([]byte("g"))
	if len(b.Bytes()) != 0 {
		t.Fatal("keeps nothing once over")
	}
}
