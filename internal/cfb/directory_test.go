package cfb

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"testing"
	"unicode/utf16"
)

func units(s string) []uint16 { return utf16.Encode([]rune(s)) }

// TestReadDirectoryAndLookup reads back what the Builder wrote: every
// entry's name and type, and each child found by a tree search, under
// its own name and under another case of it, at every size of sibling
// set the builder shapes differently.
func TestReadDirectoryAndLookup(t *testing.T) {
	for _, n := range []int{1, 2, 3, 7, 8, 40} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			b := New()
			sub, err := b.Root().AddStorage("Sub")
			must(t, err)
			var names []string
			for i := range n {
				name := fmt.Sprintf("s%0*d", i%5+1, i) // lengths differ, so order is by length first
				names = append(names, name)
				must(t, b.Root().AddStream(name, pattern(i*10, byte(i))))
			}
			must(t, sub.AddStream("inner", []byte("x")))
			file := build(t, b)
			dir, err := ReadDirectory(bytes.NewReader(file), int64(len(file)))
			must(t, err)
			if got := string(utf16.Decode(dir[0].Name)); got != "Root Entry" || !dir[0].IsStorage() {
				t.Fatalf("entry 0 is %q, type %d", got, dir[0].Type)
			}
			for _, name := range append(names, "Sub") {
				id, ok := Lookup(dir, 0, units(name))
				if !ok || string(utf16.Decode(dir[id].Name)) != name {
					t.Fatalf("Lookup(%q) = %d, %v", name, id, ok)
				}
				if id2, ok := Lookup(dir, 0, units(lowerASCII(name))); !ok || id2 != id {
					t.Errorf("Lookup(%q) = %d, %v; want %d, the same entry", lowerASCII(name), id2, ok, id)
				}
				wantType := byte(typeStream)
				if name == "Sub" {
					wantType = typeStorage
				}
				if dir[id].Type != wantType {
					t.Errorf("%q has type %d, want %d", name, dir[id].Type, wantType)
				}
			}
			subID, _ := Lookup(dir, 0, units("Sub"))
			if id, ok := Lookup(dir, subID, units("INNER")); !ok || string(utf16.Decode(dir[id].Name)) != "inner" {
				t.Errorf("Sub/inner: %d, %v", id, ok)
			}
			for _, absent := range []string{"s", "zz", "inner", "s99999"} {
				if id, ok := Lookup(dir, 0, units(absent)); ok {
					t.Errorf("Lookup(%q) found entry %d", absent, id)
				}
			}
		})
	}
}

func lowerASCII(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// TestLookupDuplicateNames renames one sibling to another's name in the
// written bytes, as a damaged or careless writer leaves a file: the search
// finds the one it meets first from the tree's root, which is not the
// first in directory order when the renamed entry lies above.
func TestLookupDuplicateNames(t *testing.T) {
	b := New()
	for _, name := range []string{"aaa", "bbb", "ccc"} {
		must(t, b.Root().AddStream(name, []byte(name)))
	}
	file := build(t, b)
	// Three siblings split at the median: "bbb" (entry 2) is the root of
	// the tree, "aaa" (1) its left child, "ccc" (3) its right.
	for _, c := range []struct{ from, to string }{{"aaa", "bbb"}, {"ccc", "bbb"}, {"bbb", "aaa"}} {
		f := renameEntry(t, file, c.from, c.to)
		dir, err := ReadDirectory(bytes.NewReader(f), int64(len(f)))
		must(t, err)
		var same []uint32
		for i, d := range dir {
			if string(utf16.Decode(d.Name)) == c.to {
				same = append(same, uint32(i))
			}
		}
		if len(same) != 2 {
			t.Fatalf("%s→%s: %d entries named %q", c.from, c.to, len(same), c.to)
		}
		id, ok := Lookup(dir, 0, units(c.to))
		if !ok || id != 2 {
			t.Errorf("%s→%s: Lookup found %d, %v; want entry 2, the tree's root", c.from, c.to, id, ok)
		}
	}
}

// renameEntry overwrites the directory entry named from with the name to
// (of the same length).
func renameEntry(t *testing.T, file []byte, from, to string) []byte {
	t.Helper()
	enc := func(s string) []byte {
		var b []byte
		for _, u := range units(s) {
			b = binary.LittleEndian.AppendUint16(b, u)
		}
		return append(b, 0, 0)
	}
	f := bytes.Clone(file)
	i := bytes.Index(f, enc(from))
	if i < 0 || len(from) != len(to) {
		t.Fatalf("no entry %q to rename", from)
	}
	copy(f[i:], enc(to))
	return f
}

// TestReadDirectoryDamage checks the refusals: a directory chain that
// loops or leaves the file, an allocation table outside it, a file too
// short for its header.
func TestReadDirectoryDamage(t *testing.T) {
	b := New()
	must(t, b.Root().AddStream("a", []byte("x")))
	file := build(t, b)
	le := binary.LittleEndian
	firstDir := le.Uint32(file[48:])
	firstFAT := le.Uint32(file[76:])
	fatEntry := func(f []byte, s uint32) []byte { return f[512*(int(firstFAT)+1)+4*int(s):] }
	cases := map[string]func([]byte) []byte{
		"loop": func(f []byte) []byte {
			le.PutUint32(fatEntry(f, firstDir), firstDir)
			return f
		},
		"directory outside": func(f []byte) []byte {
			le.PutUint32(f[48:], 1000)
			return f
		},
		"next sector outside": func(f []byte) []byte {
			le.PutUint32(fatEntry(f, firstDir), 5000)
			return f
		},
		"allocation table outside": func(f []byte) []byte {
			le.PutUint32(f[76:], 7000)
			return f
		},
		"no allocation table": func(f []byte) []byte {
			le.PutUint32(f[44:], 0)
			return f
		},
		"truncated": func(f []byte) []byte { return f[:300] },
		"no root": func(f []byte) []byte {
			f[512*(int(firstDir)+1)+66] = typeStream
			return f
		},
		"sector size": func(f []byte) []byte {
			le.PutUint16(f[30:], 10)
			return f
		},
	}
	for name, damage := range cases {
		f := damage(bytes.Clone(file))
		_, err := ReadDirectory(bytes.NewReader(f), int64(len(f)))
		if !errors.Is(err, ErrDamaged) {
			t.Errorf("%s: err = %v, want ErrDamaged", name, err)
		}
	}
	if _, err := ReadDirectory(bytes.NewReader(file), int64(len(file))); err != nil {
		t.Fatalf("undamaged file: %v", err)
	}
}

// FuzzReadDirectory reads fuzzed files: an error or a directory, never a
// panic or a loop; every search ends.
func FuzzReadDirectory(f *testing.F) {
	b := New()
	s, _ := b.Root().AddStorage("s")
	_ = s.AddStream("x", []byte("data"))
	_ = b.Root().AddStream("y", pattern(5000, 1))
	var buf bytes.Buffer
	if _, err := b.WriteTo(&buf); err != nil {
		f.Fatal(err)
	}
	f.Add(buf.Bytes())
	f.Add(buf.Bytes()[:1024])
	f.Fuzz(func(t *testing.T, in []byte) {
		dir, err := ReadDirectory(bytes.NewReader(in), int64(len(in)))
		if err != nil {
			if !errors.Is(err, ErrDamaged) {
				t.Fatalf("error without ErrDamaged: %v", err)
			}
			return
		}
		if int64(len(dir))*entrySize > int64(len(in)) {
			t.Fatalf("%d entries from %d bytes", len(dir), len(in))
		}
		for i, d := range dir {
			if d.IsStorage() {
				Lookup(dir, uint32(i), units("x"))
			}
		}
	})
}
