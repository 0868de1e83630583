package cfb

import (
	"bytes"
	"fmt"
	"testing"
)

// TestSiblingTreeInvariants checks the red-black rules on the tree shapes
// for every sibling count up to 1100: a binary search tree over positions
// 0..n-1 (so in-order is sorted order), every node once, a black root, no
// red node with a red child, and one black height on every path.
func TestSiblingTreeInvariants(t *testing.T) {
	for n := 0; n <= 1100; n++ {
		tr := buildSiblingTree(n)
		if n == 0 {
			if tr.root != -1 {
				t.Fatalf("empty tree has root %d", tr.root)
			}
			continue
		}
		if tr.colour[tr.root] != black {
			t.Fatalf("n=%d: red root", n)
		}
		var order []int
		var walk func(i int, parentRed bool) int
		walk = func(i int, parentRed bool) int {
			if i < 0 {
				return 1
			}
			isRed := tr.colour[i] == red
			if isRed && parentRed {
				t.Fatalf("n=%d: red node %d under a red parent", n, i)
			}
			bl := walk(tr.left[i], isRed)
			order = append(order, i)
			br := walk(tr.right[i], isRed)
			if bl != br {
				t.Fatalf("n=%d: node %d has black heights %d and %d", n, i, bl, br)
			}
			if !isRed {
				bl++
			}
			return bl
		}
		walk(tr.root, false)
		if len(order) != n {
			t.Fatalf("n=%d: %d nodes reachable", n, len(order))
		}
		for i, v := range order {
			if v != i {
				t.Fatalf("n=%d: in-order position %d holds %d", n, i, v)
			}
		}
	}
}

// TestSiblingTreeShape pins the shape and colours for small counts, so a
// change to the layout (which changes the output bytes) is deliberate.
func TestSiblingTreeShape(t *testing.T) {
	for _, tc := range []struct {
		n    int
		want string // root; then per node: left,right,colour (R/B)
	}{
		{1, "0: -1,-1,B"},
		{2, "1: -1,-1,R 0,-1,B"},
		{3, "1: -1,-1,B 0,2,B -1,-1,B"},
		{4, "2: -1,-1,R 0,-1,B 1,3,B -1,-1,B"},
		{5, "2: -1,-1,R 0,-1,B 1,4,B -1,-1,R 3,-1,B"},
	} {
		tr := buildSiblingTree(tc.n)
		var b bytes.Buffer
		fmt.Fprintf(&b, "%d:", tr.root)
		for i := 0; i < tc.n; i++ {
			c := "B"
			if tr.colour[i] == red {
				c = "R"
			}
			fmt.Fprintf(&b, " %d,%d,%s", tr.left[i], tr.right[i], c)
		}
		if b.String() != tc.want {
			t.Errorf("n=%d: %s, want %s", tc.n, b.String(), tc.want)
		}
	}
}

// fatalTB turns the checker's Fatalf into a panic, to see that it fails.
type fatalTB struct{ testing.TB }

type checkFailed string

func (f fatalTB) Helper()                        {}
func (f fatalTB) Fatalf(format string, a ...any) { panic(checkFailed(fmt.Sprintf(format, a...))) }

func checkFails(t *testing.T, file []byte) (msg string) {
	t.Helper()
	defer func() {
		if v := recover(); v != nil {
			m, ok := v.(checkFailed)
			if !ok {
				panic(v)
			}
			msg = string(m)
		}
	}()
	checkStructure(fatalTB{t}, file)
	return ""
}

// TestCheckerCatchesDamage makes sure the structure checker the other
// tests rely on does fail on a broken tree or allocation.
func TestCheckerCatchesDamage(t *testing.T) {
	b := New()
	for _, n := range []string{"a", "b", "c", "d", "e"} {
		must(t, b.Root().AddStream(n, pattern(10, 1)))
	}
	file := build(t, b)
	dirOff := 512 * (1 + int(le32(file[48:])))
	// Entries 1..5 are a..e; c (entry 3) is the root of the tree, b and d
	// its children, a and e the red leaves.
	for _, tc := range []struct {
		name   string
		damage func(f []byte)
		want   string
	}{
		{"red root", func(f []byte) { f[dirOff+3*128+67] = red }, "tree root is red"},
		{"red under red", func(f []byte) { f[dirOff+2*128+67] = red }, "under a red node"},
		{"black leaf", func(f []byte) { f[dirOff+1*128+67] = black }, "black heights"},
		{"order", func(f []byte) { f[dirOff+1*128], f[dirOff+5*128] = 'e', 'a' }, "out of order"},
		{"leaked sector", func(f []byte) { f[dirOff+116] = 0xFE; f[dirOff+120] = 0 }, "mini stream"},
		{"FAT mark", func(f []byte) { f[512+4*0] = 0xFE }, "FAT sector 0 marked"},
	} {
		f := bytes.Clone(file)
		tc.damage(f)
		if msg := checkFails(t, f); !bytes.Contains([]byte(msg), []byte(tc.want)) {
			t.Errorf("%s: checker said %q, want %q", tc.name, msg, tc.want)
		}
	}
}
