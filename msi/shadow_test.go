package msi_test

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/msikit/msikit/internal/cfb"
	"github.com/msikit/msikit/internal/testutil"
	"github.com/msikit/msikit/msi"
	"github.com/msikit/msikit/msi/internal/streamname"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// renameEntry overwrites, in a written compound file, the directory
// entry named from with to (the same length in UTF-16), as a careless
// writer leaves two entries with one name.
func renameEntry(t *testing.T, file []byte, from, to string) []byte {
	t.Helper()
	enc := func(s string) []byte {
		var b []byte
		for _, u := range utf16.Encode([]rune(s)) {
			b = binary.LittleEndian.AppendUint16(b, u)
		}
		return append(b, 0, 0)
	}
	old, new := enc(from), enc(to)
	require.Equal(t, len(old), len(new), "names of one length")
	require.Equal(t, 1, bytes.Count(file, old), "one place holds %q", from)
	f := bytes.Clone(file)
	copy(f[bytes.Index(f, old):], new)
	return f
}

func writeTree(t *testing.T, b *cfb.Builder) []byte {
	t.Helper()
	var buf bytes.Buffer
	_, err := b.WriteTo(&buf)
	require.NoError(t, err)
	return buf.Bytes()
}

func openBytes(t *testing.T, b []byte) *msi.Package {
	t.Helper()
	p, err := msi.NewPackage(bytes.NewReader(b), int64(len(b)), "dup.msi")
	require.NoError(t, err)
	return p
}

func readBoth(t *testing.T, p *msi.Package, path string) string {
	t.Helper()
	b, err := p.ReadStream(path)
	require.NoError(t, err, path)
	r, _, err := p.OpenStream(path)
	require.NoError(t, err, path)
	c, err := io.ReadAll(r)
	require.NoError(t, err, path)
	require.Equal(t, string(b), string(c), "ReadStream and OpenStream read one entry")
	return string(b)
}

func entryPaths(p *msi.Package) []string {
	var out []string
	for _, e := range p.Entries() {
		out = append(out, e.Path())
	}
	return out
}

// TestDuplicateEntryTreeDecides writes three streams and renames one to
// its neighbour's name. The builder makes the middle name (entry 2) the
// root of the sibling tree, so Windows's search finds entry 2 whether the
// duplicate comes before it in the directory or after: the package reads
// entry 2 and reports the other.
func TestDuplicateEntryTreeDecides(t *testing.T) {
	b := cfb.New()
	for _, n := range []string{"A", "B", "C"} {
		require.NoError(t, b.Root().AddStream(streamname.Encode("Binary."+n), []byte("data of "+n)))
	}
	file := writeTree(t, b)
	for _, c := range []struct {
		from    string
		ignored int
	}{{"A", 1}, {"C", 3}} {
		t.Run(c.from, func(t *testing.T) {
			p := openBytes(t, renameEntry(t, file, streamname.Encode("Binary."+c.from), streamname.Encode("Binary.B")))
			assert.Equal(t, "data of B", readBoth(t, p, "Binary.B"))
			assert.Equal(t, []string{fmt.Sprintf(
				"stream Binary.B appears twice (directory entries %d and %d): entry 2, the one the directory tree finds, is read; entry %d is ignored",
				min(2, c.ignored), max(2, c.ignored), c.ignored)}, p.Warnings())
			assert.ElementsMatch(t, []string{"Binary.B", "Binary." + map[string]string{"A": "C", "C": "A"}[c.from]}, entryPaths(p))
			assert.Len(t, p.Streams(), 2)
		})
	}
}

// TestDuplicateEntryCaseOnly: two names that differ in case only are one
// name to a compound file. Asked for either, Windows opens the one its
// search meets; so does the package, and it lists that one alone.
func TestDuplicateEntryCaseOnly(t *testing.T) {
	b := cfb.New()
	require.NoError(t, b.Root().AddStream("\x05Abc", []byte("first")))
	require.NoError(t, b.Root().AddStream("\x05Abd", []byte("second")))
	p := openBytes(t, renameEntry(t, writeTree(t, b), "\x05Abd", "\x05ABC"))
	// Sorted, "\x05Abc" is entry 1 and the renamed "\x05ABC" entry 2, the
	// tree's root.
	assert.Equal(t, "second", readBoth(t, p, "\x05ABC"))
	assert.Equal(t, "second", readBoth(t, p, "\x05Abc"), "Windows opens entry 2 for either case")
	assert.Equal(t, []string{"\x05ABC"}, entryPaths(p))
	assert.Equal(t, []string{`stream \x05Abc (directory entry 1) and \x05ABC (entry 2) are one name to Windows: entry 2, the one the directory tree finds, is read; entry 1 is ignored`}, p.Warnings())
}

// TestDuplicateEntryUnpackedName: names stored unpacked are not what
// Windows Installer asks for, but a plain OLE search for them still finds
// one, the tree's root here.
func TestDuplicateEntryUnpackedName(t *testing.T) {
	b := cfb.New()
	require.NoError(t, b.Root().AddStream("abc", []byte("first")))
	require.NoError(t, b.Root().AddStream("abd", []byte("second")))
	p := openBytes(t, renameEntry(t, writeTree(t, b), "abc", "abd"))
	assert.Equal(t, "second", readBoth(t, p, "abd"))
	assert.Equal(t, []string{"stream abd appears twice (directory entries 1 and 2): entry 2, the one the directory tree finds, is read; entry 1 is ignored"}, p.Warnings())
}

// TestDuplicateEntryMisorderedTree: when the duplicates sit where the
// search never looks, Windows opens neither; the package reads the first
// in the directory and says so.
func TestDuplicateEntryMisorderedTree(t *testing.T) {
	b := cfb.New()
	for i := 1; i <= 5; i++ {
		require.NoError(t, b.Root().AddStream(fmt.Sprintf("n%d", i), []byte(fmt.Sprintf("data %d", i))))
	}
	// Five siblings: n3 (entry 3) is the root, n2 (2) its left child with
	// n1 (1) below, n5 (5) its right child with n4 (4) below. Named n9,
	// entries 1 and 2 lie left of the root, where a search for n9 never
	// goes.
	f := renameEntry(t, writeTree(t, b), "n1", "n9")
	p := openBytes(t, renameEntry(t, f, "n2", "n9"))
	assert.Equal(t, "data 1", readBoth(t, p, "n9"))
	assert.Equal(t, []string{"stream n9 appears twice (directory entries 1 and 2): entry 1, the first in the directory, as the tree search finds neither, is read; entry 2 is ignored"}, p.Warnings())
}

// TestDuplicateStorage: of two storages with one name, Windows reads the
// one its search finds and never sees what the other holds.
func TestDuplicateStorage(t *testing.T) {
	b := cfb.New()
	for _, n := range []string{"1", "2"} {
		s, err := b.Root().AddStorage(streamname.Encode("T" + n))
		require.NoError(t, err)
		require.NoError(t, s.AddStream(streamname.Encode("x"), []byte("x in T"+n)))
		require.NoError(t, s.AddStream(streamname.Encode("only"+n), []byte("only in T"+n)))
	}
	p := openBytes(t, renameEntry(t, writeTree(t, b), streamname.Encode("T1"), streamname.Encode("T2")))
	// Two siblings: the tree's root is the second, entry 2.
	assert.Equal(t, "x in T2", readBoth(t, p, "T2/x"))
	assert.Equal(t, "only in T2", readBoth(t, p, "T2/only2"))
	_, err := p.ReadStream("T2/only1")
	assert.ErrorIs(t, err, msi.ErrNotFound, "what the shadowed storage holds is not read")
	assert.ElementsMatch(t, []string{"T2", "T2/x", "T2/only2"}, entryPaths(p))
	assert.Equal(t, []string{"storage T2 appears twice (directory entries 1 and 2): entry 2, the one the directory tree finds, is read; entry 1 is ignored, with the 2 entries under it"}, p.Warnings())
}

// TestDuplicateSummaryRewrite is putty-0.68-installer.msi's case: the
// summary information stored under its plain name, which Windows opens
// through OLE, and again under the packed name that decodes alike. The
// plain one is read whatever the tree's shape; a rewrite keeps it alone.
func TestDuplicateSummaryRewrite(t *testing.T) {
	db := msi.NewDatabase(1252)
	require.NoError(t, db.SetProperty("ProductCode", "{8F1C3C3A-7C59-4E39-9D6A-0B1F5E2C4D11}"))
	db.Summary = &msi.SummaryInfo{Codepage: 1252, Title: "Installation Database", Template: "Intel;1033", PageCount: 200}
	want, err := db.Summary.Bytes()
	require.NoError(t, err)
	// A stream of this name is written packed, next to the plain one.
	db.SetStream(msi.SummaryStream, []byte("the packed twin"))
	var buf bytes.Buffer
	require.NoError(t, db.Save(&buf))

	dir, err := cfb.ReadDirectory(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	require.NoError(t, err)
	ids := map[string]int{}
	for i, d := range dir {
		ids[string(utf16.Decode(d.Name))] = i
	}
	plain, packed := ids[msi.SummaryStream], ids[streamname.Encode(msi.SummaryStream)]
	require.NotZero(t, plain)
	require.NotZero(t, packed)

	p := openBytes(t, buf.Bytes())
	assert.Equal(t, string(want), readBoth(t, p, msi.SummaryStream))
	s, err := p.SummaryInfo()
	require.NoError(t, err)
	assert.Equal(t, "Intel;1033", s.Template)
	assert.Equal(t, []string{fmt.Sprintf(
		`stream \x05SummaryInformation appears twice (directory entries %d and %d): entry %d, the one the directory tree finds, is read; entry %d is ignored`,
		min(plain, packed), max(plain, packed), plain, packed)}, p.Warnings())
	assert.Equal(t, 1, strings.Count(strings.Join(entryPaths(p), "\n"), msi.SummaryStream))

	copyDB, err := p.Database()
	require.NoError(t, err)
	buf.Reset()
	require.NoError(t, copyDB.Save(&buf))
	q := openBytes(t, buf.Bytes())
	assert.Empty(t, q.Warnings(), "the rewrite holds the summary once")
	assert.Equal(t, entryPaths(p), entryPaths(q))
	assert.Equal(t, string(want), readBoth(t, q, msi.SummaryStream))
}

// TestEmptyTableStream: a table without rows is saved without a stream,
// as Windows Installer and msibuild write it, unless the package it was
// loaded from held a zero-length stream for it, which a rewrite keeps.
func TestEmptyTableStream(t *testing.T) {
	db := msi.NewDatabase(0)
	require.NoError(t, db.SetProperty("ProductCode", "{8F1C3C3A-7C59-4E39-9D6A-0B1F5E2C4D11}"))
	errs, err := db.CreateTable("Error", msi.StandardColumns("Error")[0])
	require.NoError(t, err)
	var buf bytes.Buffer
	require.NoError(t, db.Save(&buf))
	p := openBytes(t, buf.Bytes())
	assert.False(t, p.HasStream("!Error"), "an empty table has no stream")
	rows, err := p.Table("Error")
	require.NoError(t, err)
	assert.Empty(t, rows.Rows)

	// The same package with a zero-length !Error stream, as
	// putty-0.68-installer.msi holds its empty tables.
	_, err = errs.AddRow(msi.IntValue(1), msi.StringValue("x"))
	require.NoError(t, err)
	buf.Reset()
	require.NoError(t, db.Save(&buf))
	full := openBytes(t, buf.Bytes())
	b := cfb.New()
	b.Root().SetCLSID(cfb.MustParseCLSID(msi.CLSIDDatabase))
	for _, e := range full.Entries() {
		data := []byte(readBoth(t, full, e.Name))
		raw := streamname.Encode(e.Name)
		if e.Name == msi.SummaryStream {
			raw = e.Name
		}
		if e.Name == "!Error" {
			data = nil
		}
		require.NoError(t, b.Root().AddStream(raw, data))
	}
	p = openBytes(t, writeTree(t, b))
	require.True(t, p.HasStream("!Error"))
	rows, err = p.Table("Error")
	require.NoError(t, err)
	assert.Empty(t, rows.Rows)

	copyDB, err := p.Database()
	require.NoError(t, err)
	buf.Reset()
	require.NoError(t, copyDB.Save(&buf))
	q := openBytes(t, buf.Bytes())
	assert.Equal(t, entryPaths(p), entryPaths(q))
	assert.True(t, q.HasStream("!Error"), "the zero-length stream is kept")

	// Dropped and created again, the table is a new one: no stream.
	require.True(t, copyDB.DropTable("Error"))
	_, err = copyDB.CreateTable("Error", msi.StandardColumns("Error")[0])
	require.NoError(t, err)
	buf.Reset()
	require.NoError(t, copyDB.Save(&buf))
	assert.False(t, openBytes(t, buf.Bytes()).HasStream("!Error"))
}

// TestDuplicateSummaryCorpus: putty-0.68-installer.msi holds its summary
// information twice, entry 1 under the packed name and entry 2 under the
// plain one (7-Zip lists both); the plain one, which Windows opens, is
// read, and every other package in the corpus holds each name once.
func TestDuplicateSummaryCorpus(t *testing.T) {
	for _, path := range testutil.CorpusFiles(t, testutil.PackageExts...) {
		p, err := msi.Open(path)
		if err != nil {
			continue
		}
		want := []string(nil)
		if filepath.Base(path) == "putty-0.68-installer.msi" {
			want = []string{`stream \x05SummaryInformation appears twice (directory entries 1 and 2): entry 2, the one the directory tree finds, is read; entry 1 is ignored`}
			s, err := p.SummaryInfo()
			require.NoError(t, err)
			assert.Equal(t, "PuTTY release 0.68 installer", s.Subject)
			if _, err := exec.LookPath("7z"); err == nil {
				out, err := exec.Command("7z", "l", path).Output()
				require.NoError(t, err)
				assert.Equal(t, 2, strings.Count(string(out), "[5]SummaryInformation\n"), "7-Zip lists both entries")
			}
		}
		assert.Equal(t, want, p.Warnings(), filepath.Base(path))
		p.Close()
	}
}
