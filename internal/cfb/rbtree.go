package cfb

import "sort"

// Colours of directory entries ([MS-CFB] 2.6.3).
const (
	red   = 0
	black = 1
)

// sorted returns the storage's children in [MS-CFB] order. The order is
// total (duplicates are refused when added), so the result does not depend
// on the order entries were added in.
func (s *Storage) sorted() []*entry {
	kids := make([]*entry, 0, len(s.children))
	for _, e := range s.children {
		kids = append(kids, e)
	}
	sort.Slice(kids, func(i, j int) bool { return compareNames(kids[i].units, kids[j].units) < 0 })
	return kids
}

// siblingTree is a red-black tree over n siblings given in sorted order,
// by position: left[i] and right[i] are positions or -1.
type siblingTree struct {
	root        int
	left, right []int
	colour      []byte
}

// buildSiblingTree shapes n sorted siblings as a red-black tree without
// the insert-and-rotate dance: splitting at the median makes a tree of
// minimum height whose levels are all full except perhaps the deepest.
// Every path from the root then passes the same black nodes if the full
// levels are black and a partial deepest level is red; a red node there is
// a leaf, so no red node has a red child, and the root is black.
func buildSiblingTree(n int) siblingTree {
	t := siblingTree{root: -1, left: make([]int, n), right: make([]int, n), colour: make([]byte, n)}
	depth := make([]int, n)
	maxDepth := 0
	var build func(lo, hi, d int) int
	build = func(lo, hi, d int) int {
		if lo >= hi {
			return -1
		}
		mid := lo + (hi-lo)/2
		depth[mid] = d
		if d > maxDepth {
			maxDepth = d
		}
		t.left[mid] = build(lo, mid, d+1)
		t.right[mid] = build(mid+1, hi, d+1)
		return mid
	}
	t.root = build(0, n, 0)
	full := n == 1<<(maxDepth+1)-1
	for i := range t.colour {
		t.colour[i] = black
		if depth[i] == maxDepth && !full {
			t.colour[i] = red
		}
	}
	return t
}
