package cfb

import (
	"encoding/binary"
	"testing"
	"unicode/utf16"
)

// checkStructure parses a written file on its own (not through the
// writer's code) and checks what readers rely on and mscfb does not
// check: header constants, every sector owned by exactly one chain or
// table, chains of the right length, sizes, unused entries, and the
// red-black invariants of every sibling tree.
func checkStructure(t testing.TB, f []byte) {
	t.Helper()
	le := binary.LittleEndian
	fail := func(format string, a ...any) {
		t.Helper()
		t.Fatalf("structure: "+format, a...)
	}
	if len(f) < 512 || string(f[:8]) != string(signature[:]) {
		fail("no signature")
	}
	major := le.Uint16(f[26:])
	var ss int64
	switch major {
	case 3:
		ss = 512
	case 4:
		ss = 4096
	default:
		fail("major version %d", major)
	}
	if le.Uint16(f[24:]) != 0x3E || le.Uint16(f[28:]) != 0xFFFE || int64(1)<<le.Uint16(f[30:]) != ss || le.Uint16(f[32:]) != 6 {
		fail("header constants % x", f[24:34])
	}
	for _, b := range f[8:24] {
		if b != 0 {
			fail("header CLSID not zero")
		}
	}
	for _, b := range f[34:40] {
		if b != 0 {
			fail("reserved bytes not zero")
		}
	}
	if le.Uint32(f[52:]) != 0 || le.Uint32(f[56:]) != 4096 {
		fail("transaction signature %d, cutoff %d", le.Uint32(f[52:]), le.Uint32(f[56:]))
	}
	for _, b := range f[512:ss] {
		if b != 0 {
			fail("version 4 header padding not zero")
		}
	}
	if int64(len(f))%ss != 0 {
		fail("file size %d is not whole sectors", len(f))
	}
	n := int64(len(f))/ss - 1
	sector := func(s uint32) []byte {
		if int64(s) >= n {
			fail("sector %d outside the file (%d sectors)", s, n)
		}
		return f[(int64(s)+1)*ss : (int64(s)+2)*ss]
	}
	owner := make([]string, n)
	claim := func(s uint32, what string) {
		if int64(s) >= n {
			fail("%s: sector %d outside the file", what, s)
		}
		if owner[s] != "" {
			fail("sector %d claimed by %s and %s", s, owner[s], what)
		}
		owner[s] = what
	}

	// DIFAT: header part, then the chain of DIFAT sectors.
	nFAT := int(le.Uint32(f[44:]))
	nDIFAT := int(le.Uint32(f[72:]))
	var fatSecs []uint32
	for i := 0; i < headerDIFAT; i++ {
		v := le.Uint32(f[76+4*i:])
		if i < nFAT {
			fatSecs = append(fatSecs, v)
		} else if v != freeSect {
			fail("header DIFAT[%d] = %#x past the FAT", i, v)
		}
	}
	var difatSecs []uint32
	next := le.Uint32(f[68:])
	if nDIFAT == 0 && next != endOfChain {
		fail("no DIFAT sectors but first DIFAT sector %#x", next)
	}
	per := int(ss/4 - 1)
	for k := 0; k < nDIFAT; k++ {
		difatSecs = append(difatSecs, next)
		b := sector(next)
		for j := 0; j < per; j++ {
			v := le.Uint32(b[4*j:])
			if len(fatSecs) < nFAT {
				fatSecs = append(fatSecs, v)
			} else if v != freeSect {
				fail("DIFAT entry past the FAT is %#x", v)
			}
		}
		next = le.Uint32(b[4*per:])
	}
	if next != endOfChain && nDIFAT > 0 {
		fail("DIFAT chain ends with %#x", next)
	}
	if len(fatSecs) != nFAT {
		fail("DIFAT names %d FAT sectors, header says %d", len(fatSecs), nFAT)
	}
	var fat []uint32
	for _, s := range fatSecs {
		b := sector(s)
		for j := int64(0); j < ss/4; j++ {
			fat = append(fat, le.Uint32(b[4*j:]))
		}
	}
	if int64(len(fat)) < n {
		fail("FAT maps %d sectors of %d", len(fat), n)
	}
	for s := n; s < int64(len(fat)); s++ {
		if fat[s] != freeSect {
			fail("FAT entry %d past the end of the file is %#x", s, fat[s])
		}
	}
	for _, s := range difatSecs {
		claim(s, "DIFAT")
		if fat[s] != difSect {
			fail("DIFAT sector %d marked %#x in the FAT", s, fat[s])
		}
	}
	for _, s := range fatSecs {
		claim(s, "FAT")
		if fat[s] != fatSect {
			fail("FAT sector %d marked %#x in the FAT", s, fat[s])
		}
	}
	chain := func(start uint32, what string) []uint32 {
		var out []uint32
		for s := start; s != endOfChain; s = fat[s] {
			if int64(len(out)) > n {
				fail("%s: chain loops", what)
			}
			claim(s, what)
			out = append(out, s)
		}
		return out
	}
	read := func(secs []uint32) []byte {
		var out []byte
		for _, s := range secs {
			out = append(out, sector(s)...)
		}
		return out
	}

	dirSecs := chain(le.Uint32(f[48:]), "directory")
	if got := le.Uint32(f[40:]); major == 3 && got != 0 || major == 4 && int(got) != len(dirSecs) {
		fail("directory sector count %d for %d sectors", got, len(dirSecs))
	}
	dir := read(dirSecs)
	nMiniFAT := le.Uint32(f[64:])
	var miniFAT []uint32
	if nMiniFAT == 0 {
		if le.Uint32(f[60:]) != endOfChain {
			fail("no MiniFAT but first MiniFAT sector %#x", le.Uint32(f[60:]))
		}
	} else {
		secs := chain(le.Uint32(f[60:]), "MiniFAT")
		if len(secs) != int(nMiniFAT) {
			fail("MiniFAT chain is %d sectors, header says %d", len(secs), nMiniFAT)
		}
		b := read(secs)
		for j := 0; j < len(b); j += 4 {
			miniFAT = append(miniFAT, le.Uint32(b[j:]))
		}
	}

	entries := len(dir) / entrySize
	ent := func(i uint32) []byte { return dir[int(i)*entrySize : int(i+1)*entrySize] }
	if ent(0)[66] != typeRoot || string(utf16.Decode(utf16Name(ent(0)))) != "Root Entry" || le.Uint64(ent(0)[100:]) != 0 {
		fail("entry 0 is not a proper root entry")
	}
	root := ent(0)
	miniSize := int64(le.Uint64(root[120:]))
	var miniSecs []uint32
	if miniSize > 0 {
		miniSecs = chain(le.Uint32(root[116:]), "mini stream")
		if int64(len(miniSecs)) != ceilDiv(miniSize, ss) {
			fail("mini stream of %d bytes in %d sectors", miniSize, len(miniSecs))
		}
	} else if le.Uint32(root[116:]) != endOfChain {
		fail("empty mini stream starts at %#x", le.Uint32(root[116:]))
	}
	if miniSize != int64(len(miniFATUsed(miniFAT)))*64 {
		fail("mini stream is %d bytes, MiniFAT uses %d mini sectors", miniSize, len(miniFATUsed(miniFAT)))
	}
	miniOwner := make([]bool, len(miniFAT))

	seen := make([]bool, entries)
	var walkTree func(top uint32, storage string)
	walkTree = func(top uint32, storage string) {
		if top == noStream {
			return
		}
		// Red-black invariants and the sort order, node by node.
		var visit func(id uint32, lo, hi []uint16, parentRed bool) int
		visit = func(id uint32, lo, hi []uint16, parentRed bool) int {
			if id == noStream {
				return 1
			}
			if int(id) >= entries || id == 0 || seen[id] {
				fail("storage %q: bad or repeated entry %d in its tree", storage, id)
			}
			seen[id] = true
			e := ent(id)
			name := utf16Name(e)
			if lo != nil && compareNames(lo, name) >= 0 || hi != nil && compareNames(name, hi) >= 0 {
				fail("storage %q: %q out of order", storage, string(utf16.Decode(name)))
			}
			isRed := e[67] == red
			if e[67] != red && e[67] != black {
				fail("colour %d", e[67])
			}
			if isRed && parentRed {
				fail("storage %q: red %q under a red node", storage, string(utf16.Decode(name)))
			}
			bl := visit(le.Uint32(e[68:]), lo, name, isRed)
			br := visit(le.Uint32(e[72:]), name, hi, isRed)
			if bl != br {
				fail("storage %q: black heights %d and %d under %q", storage, bl, br, string(utf16.Decode(name)))
			}
			checkEntry(t, e, ss, fat, miniFAT, miniOwner, chain, storage)
			if e[66] == typeStorage {
				walkTree(le.Uint32(e[76:]), storage+"/"+string(utf16.Decode(name)))
			}
			if !isRed {
				bl++
			}
			return bl
		}
		if ent(top)[67] != black {
			fail("storage %q: tree root is red", storage)
		}
		visit(top, nil, nil, false)
	}
	walkTree(le.Uint32(root[76:]), "")
	for i := 1; i < entries; i++ {
		if seen[i] {
			continue
		}
		e := ent(uint32(i))
		for j, b := range e {
			if (j < 68 || j >= 80) && b != 0 || j >= 68 && j < 80 && b != 0xFF {
				fail("unused entry %d is not blank", i)
			}
		}
	}
	for s, o := range owner {
		if o == "" {
			fail("sector %d is owned by nothing", s)
		}
	}
	for i, v := range miniFAT {
		if (v != freeSect) != miniOwner[i] {
			fail("mini sector %d: MiniFAT %#x, owned %v", i, v, miniOwner[i])
		}
	}
}

func miniFATUsed(m []uint32) []uint32 {
	for len(m) > 0 && m[len(m)-1] == freeSect {
		m = m[:len(m)-1]
	}
	return m
}

func utf16Name(e []byte) []uint16 {
	n := int(binary.LittleEndian.Uint16(e[64:]))/2 - 1
	if n < 0 || n > 31 {
		return nil
	}
	out := make([]uint16, n)
	for i := range out {
		out[i] = binary.LittleEndian.Uint16(e[2*i:])
	}
	return out
}

// checkEntry checks one storage or stream entry and claims its sectors.
func checkEntry(t testing.TB, e []byte, ss int64, fat, miniFAT []uint32, miniOwner []bool, chain func(uint32, string) []uint32, storage string) {
	t.Helper()
	le := binary.LittleEndian
	name := string(utf16.Decode(utf16Name(e)))
	if int(le.Uint16(e[64:])) != 2*(len(utf16Name(e))+1) || le.Uint16(e[2*len(utf16Name(e)):]) != 0 {
		t.Fatalf("%s/%s: name not NUL-terminated", storage, name)
	}
	size := int64(le.Uint64(e[120:]))
	start := le.Uint32(e[116:])
	switch e[66] {
	case typeStorage:
		if size != 0 || start != 0 {
			t.Fatalf("storage %s/%s has start %d size %d", storage, name, start, size)
		}
	case typeStream:
		for _, b := range e[80:116] {
			if b != 0 {
				t.Fatalf("stream %s/%s has a CLSID, state bits or times", storage, name)
			}
		}
		if le.Uint32(e[76:]) != noStream {
			t.Fatalf("stream %s/%s has a child", storage, name)
		}
		switch {
		case size == 0:
			if start != endOfChain {
				t.Fatalf("empty stream %s/%s starts at %#x", storage, name, start)
			}
		case size < miniCutoff:
			var k int64
			for s := start; s != endOfChain; s = miniFAT[s] {
				if int(s) >= len(miniFAT) || miniOwner[s] {
					t.Fatalf("stream %s/%s: bad or shared mini sector %d", storage, name, s)
				}
				miniOwner[s] = true
				k++
			}
			if k != ceilDiv(size, 64) {
				t.Fatalf("stream %s/%s: %d bytes in %d mini sectors", storage, name, size, k)
			}
		default:
			if k := int64(len(chain(start, storage+"/"+name))); k != ceilDiv(size, ss) {
				t.Fatalf("stream %s/%s: %d bytes in %d sectors", storage, name, size, k)
			}
		}
	default:
		t.Fatalf("%s/%s: object type %d", storage, name, e[66])
	}
}
