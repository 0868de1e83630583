package msi

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"unicode/utf16"

	"github.com/msikit/msikit/internal/cfb"
	"github.com/msikit/msikit/msi/internal/streamname"
	"github.com/richardlehane/mscfb"
)

// A compound file can hold two directory entries that Windows takes for
// one: the same name twice in a storage (names compare case-insensitively),
// or, in a package, a packed and an unpacked name that decode alike
// (putty-0.68-installer.msi holds "\x05SummaryInformation" both ways).
// Windows opens a child by searching its storage's red-black tree, so it
// reads the one entry the search meets and never sees the other. The
// package reads that same entry: the others (and what lies under a
// shadowed storage) are left out of Entries, reads and rewrites, and each
// is reported by Warnings.

// placed is where mscfb's File k sits in the directory: its entry number
// and its parent storage's.
type placed struct {
	id, parent uint32
}

// placeFiles replays mscfb's walk of the directory (from the root: the
// left siblings, the entry, its children, the right siblings) to give each
// of its Files its entry number. ok is false when the replay does not list
// the same names as mscfb did.
func placeFiles(dir []cfb.DirEntry, files []*mscfb.File) (out []placed, ok bool) {
	out = make([]placed, 0, len(files))
	ok = true
	var walk func(i, parent uint32)
	walk = func(i, parent uint32) {
		if !ok || int64(i) >= int64(len(dir)) || len(out) >= len(files) {
			ok = false
			return
		}
		d := dir[i]
		if d.Left != cfb.NoEntry {
			walk(d.Left, parent)
		}
		k := len(out)
		if !ok || k >= len(files) || (k > 0 && rawName(files[k]) != string(utf16.Decode(d.Name))) {
			ok = false
			return
		}
		out = append(out, placed{id: i, parent: parent})
		if d.Child != cfb.NoEntry {
			walk(d.Child, i)
		}
		if d.Right != cfb.NoEntry {
			walk(d.Right, parent)
		}
	}
	walk(0, cfb.NoEntry)
	return out, ok && len(out) == len(files)
}

// windowsName is the stored name Windows Installer asks for to open the
// stream or storage it calls name: property sets and the other names
// that start with a control character ("\x05SummaryInformation",
// "\x05DigitalSignature") go through OLE by their plain name; the rest
// are packed.
func windowsName(name string) []uint16 {
	return utf16.Encode([]rune(streamname.Stored(name)))
}

// shadowing is the outcome of resolveShadowed: the Files left out, each
// with the File read in its place, and a warning for each.
type shadowing struct {
	by       map[int]int // File index → the File Windows reads instead (-1 under a shadowed storage)
	warnings []string
	placed   []placed // each File's place, nil when the directory could not be read
}

// resolveShadowed decides, for every set of entries Windows takes for
// one, which one it reads. It reads the directory itself, since mscfb
// does not expose the tree; when that fails, or disagrees with mscfb, the
// first entry mscfb lists is kept and the warning says why.
func resolveShadowed(r io.ReaderAt, size int64, files []*mscfb.File) shadowing {
	sh := shadowing{by: map[int]int{}}
	dir, err := cfb.ReadDirectory(r, size)
	var pl []placed
	ok := err == nil
	if ok {
		pl, ok = placeFiles(dir, files)
		if !ok {
			err = fmt.Errorf("it does not list the entries the reader found")
		}
	}
	if !ok {
		sh.firstWins(files, err)
		return sh
	}
	sh.placed = pl
	children := map[uint32][]int{}
	for k := 1; k < len(files); k++ {
		children[pl[k].parent] = append(children[pl[k].parent], k)
	}
	var resolve func(storage uint32, path string)
	resolve = func(storage uint32, path string) {
		for _, g := range sameNameGroups(children[storage], files, dir, pl) {
			w, found := windowsPick(g, files, dir, pl, storage)
			for _, k := range g {
				if k == w {
					continue
				}
				sh.by[k] = w
				under := sh.shadowTree(pl[k].id, children, pl)
				sh.warnings = append(sh.warnings, shadowWarning(files, pl, path, k, w, found, under))
			}
		}
		for _, k := range children[storage] {
			if _, gone := sh.by[k]; !gone && dir[pl[k].id].IsStorage() {
				resolve(pl[k].id, joinStorage(path, streamname.Decode(rawName(files[k]))))
			}
		}
	}
	resolve(0, "")
	return sh
}

// sameNameGroups splits a storage's children into the sets Windows takes
// for one name, keeping only sets of two or more, each in entry order.
// Two children are one name when they decode alike or when the compound
// file compares their stored names equal.
func sameNameGroups(kids []int, files []*mscfb.File, dir []cfb.DirEntry, pl []placed) [][]int {
	group := make([]int, len(kids)) // union-find over positions in kids
	for i := range group {
		group[i] = i
	}
	find := func(i int) int {
		for group[i] != i {
			group[i] = group[group[i]]
			i = group[i]
		}
		return i
	}
	union := func(seen map[string]int, key string, i int) {
		if j, ok := seen[key]; ok {
			group[find(i)] = find(j)
			return
		}
		seen[key] = i
	}
	byDecoded, byStored := map[string]int{}, map[string]int{}
	for i, k := range kids {
		union(byDecoded, streamname.Decode(rawName(files[k])), i)
		union(byStored, cfb.NameKey(dir[pl[k].id].Name), i)
	}
	sets := map[int][]int{}
	for i, k := range kids {
		sets[find(i)] = append(sets[find(i)], k)
	}
	var out [][]int
	for _, g := range sets {
		if len(g) > 1 {
			sort.Slice(g, func(a, b int) bool { return pl[g[a]].id < pl[g[b]].id })
			out = append(out, g)
		}
	}
	sort.Slice(out, func(a, b int) bool { return pl[out[a][0]].id < pl[out[b][0]].id })
	return out
}

// windowsPick returns the member of g that Windows reads: the one its
// tree search finds when asked for the name Windows Installer uses for a
// member or, failing that, for a member's stored name (what any OLE
// reader asks for). found is false when the search finds none of them (a
// misordered tree); the first in entry order is read then.
func windowsPick(g []int, files []*mscfb.File, dir []cfb.DirEntry, pl []placed, storage uint32) (int, bool) {
	var asked [][]uint16
	for _, k := range g {
		asked = append(asked, windowsName(streamname.Decode(rawName(files[k]))))
	}
	for _, k := range g {
		asked = append(asked, dir[pl[k].id].Name)
	}
	for _, name := range asked {
		id, ok := cfb.Lookup(dir, storage, name)
		if !ok {
			continue
		}
		for _, m := range g {
			if pl[m].id == id {
				return m, true
			}
		}
	}
	return g[0], false
}

// shadowTree marks everything under the shadowed storage entry id as
// shadowed too, and returns how many entries that is.
func (sh *shadowing) shadowTree(id uint32, children map[uint32][]int, pl []placed) int {
	n := 0
	for _, k := range children[id] {
		sh.by[k] = -1
		n += 1 + sh.shadowTree(pl[k].id, children, pl)
	}
	return n
}

func shadowWarning(files []*mscfb.File, pl []placed, storage string, k, w int, found bool, under int) string {
	kind := "stream"
	if files[k].FileInfo().IsDir() {
		kind = "storage"
	}
	name := quoteName(joinStorage(storage, streamname.Decode(rawName(files[k]))))
	wname := quoteName(joinStorage(storage, streamname.Decode(rawName(files[w]))))
	var s string
	if name == wname {
		s = fmt.Sprintf("%s %s appears twice (directory entries %d and %d)", kind, name, min(pl[k].id, pl[w].id), max(pl[k].id, pl[w].id))
	} else {
		s = fmt.Sprintf("%s %s (directory entry %d) and %s (entry %d) are one name to Windows", kind, name, pl[k].id, wname, pl[w].id)
	}
	how := "the one the directory tree finds"
	if !found {
		how = "the first in the directory, as the tree search finds neither"
	}
	s += fmt.Sprintf(": entry %d, %s, is read; entry %d is ignored", pl[w].id, how, pl[k].id)
	if under > 0 {
		s += fmt.Sprintf(", with the %d entries under it", under)
	}
	return s
}

// firstWins is the fallback when the directory cannot be read: of two
// Files with one decoded path, the first mscfb lists is kept.
func (sh *shadowing) firstWins(files []*mscfb.File, why error) {
	seen := map[string]int{}
	for k := 1; k < len(files); k++ {
		path := strings.Join(append(append([]string(nil), files[k].Path...), rawName(files[k])), "/")
		path = streamname.Decode(path)
		if w, dup := seen[path]; dup {
			sh.by[k] = w
			sh.warnings = append(sh.warnings, fmt.Sprintf("%s appears twice; the first listed is read and the other ignored (the directory tree could not be read: %v)", quoteName(path), why))
			continue
		}
		seen[path] = k
	}
}

func joinStorage(storage, name string) string {
	if storage == "" {
		return name
	}
	return storage + "/" + name
}
