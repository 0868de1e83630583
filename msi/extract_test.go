package msi_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/msikit/msikit/internal/testutil"
	"github.com/msikit/msikit/msi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// readAll extracts every file of a package into memory, by layout path.
func readAll(t *testing.T, p *msi.Package, o msi.FileOptions) (map[string][]byte, error) {
	t.Helper()
	files, err := msi.FileList(p, o)
	require.NoError(t, err)
	got := map[string][]byte{}
	var mu sync.Mutex
	_, err = p.ReadFiles(files, msi.ReadOptions{Workers: 2, CheckSize: true}, func(c msi.FileContent) error {
		b, err := io.ReadAll(c.Reader)
		if err != nil {
			return err
		}
		mu.Lock()
		got[c.File.Path] = b
		mu.Unlock()
		return nil
	})
	return got, err
}

// modified copies fixtures/hello.msi into a temporary directory and runs
// SQL on the copy with msibuild.
func modified(t *testing.T, queries ...string) (dir, pkg string) {
	t.Helper()
	testutil.Tool(t, "msibuild")
	dir = t.TempDir()
	pkg = filepath.Join(dir, "hello.msi")
	b, err := os.ReadFile("../fixtures/hello.msi")
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(pkg, b, 0o644))
	for _, q := range queries {
		out, err := exec.Command("msibuild", pkg, "-q", q).CombinedOutput()
		require.NoError(t, err, "msibuild -q %q: %s", q, out)
	}
	return dir, pkg
}

func fixtureSource(t *testing.T, name string) []byte {
	b, err := os.ReadFile(filepath.Join("../fixtures/src", name))
	require.NoError(t, err)
	return b
}

// gcabCreate makes a cabinet of the named files (each given by its name
// in the cabinet and its content) with gcab.
func gcabCreate(t *testing.T, cabPath string, members map[string][]byte) {
	t.Helper()
	testutil.Tool(t, "gcab")
	src := t.TempDir()
	args := []string{"-c", "-z", cabPath}
	var names []string
	for n := range members {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		require.NoError(t, os.WriteFile(filepath.Join(src, n), members[n], 0o644))
		args = append(args, n)
	}
	cmd := exec.Command("gcab", args...)
	cmd.Dir = src
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "gcab: %s", out)
}

// TestExternalCabinetAndSourceFiles: a cabinet beside the package (found
// whatever the case of its name) and an uncompressed file read from the
// source tree (found whatever the case of its directories).
func TestExternalCabinetAndSourceFiles(t *testing.T) {
	dir, pkg := modified(t,
		"UPDATE Media SET Cabinet='Ext.CAB'",
		"UPDATE File SET Attributes=8192 WHERE File='guide.txt'")
	gcabCreate(t, filepath.Join(dir, "ext.cab"), map[string][]byte{
		"readme.txt": fixtureSource(t, "readme.txt"), "data.bin": fixtureSource(t, "data.bin"),
	})
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "MSIKIT HELLO", "Doc"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "MSIKIT HELLO", "Doc", "GUIDE.TXT"), fixtureSource(t, "guide.txt"), 0o644))

	p, err := msi.Open(pkg)
	require.NoError(t, err)
	defer p.Close()
	files, err := msi.FileList(p, msi.FileOptions{})
	require.NoError(t, err)
	needs := p.Needs(files)
	require.Len(t, needs, 2)
	assert.Equal(t, msi.Need{Kind: "external cabinet", Name: "Ext.CAB", DiskID: 1, Files: 2, Present: true}, needs[0])
	assert.Equal(t, msi.Need{Kind: "source file", Name: "msikit Hello/doc/guide.txt", Files: 1, Present: true}, needs[1])

	got, err := readAll(t, p, msi.FileOptions{})
	require.NoError(t, err)
	assert.Equal(t, map[string][]byte{
		"msikit Hello/readme.txt":    fixtureSource(t, "readme.txt"),
		"msikit Hello/data.bin":      fixtureSource(t, "data.bin"),
		"msikit Hello/doc/guide.txt": fixtureSource(t, "guide.txt"),
	}, got)

	// Without the cabinet, the error names it, and media says so.
	require.NoError(t, os.Remove(filepath.Join(dir, "ext.cab")))
	assert.False(t, p.Needs(files)[0].Present)
	got, err = readAll(t, p, msi.FileOptions{})
	require.Error(t, err)
	assert.ErrorIs(t, err, msi.ErrMissingSource)
	assert.Contains(t, err.Error(), "cabinet Ext.CAB (external, beside the package) of disk 1")
	assert.Len(t, got, 1, "the uncompressed file is still read")
}

// TestTwoMedia: files split over two disks, the second an external
// cabinet, chosen by the Media table's LastSequence.
func TestTwoMedia(t *testing.T) {
	dir, pkg := modified(t,
		"INSERT INTO Media (DiskId, LastSequence, Cabinet) VALUES (2, 3, 'disk2.cab')",
		"UPDATE Media SET LastSequence=2 WHERE DiskId=1")
	second := []byte("Guide from disk two....\n") // as long as the File table says
	gcabCreate(t, filepath.Join(dir, "disk2.cab"), map[string][]byte{"guide.txt": second})
	p, err := msi.Open(pkg)
	require.NoError(t, err)
	defer p.Close()
	got, err := readAll(t, p, msi.FileOptions{})
	require.NoError(t, err)
	assert.Equal(t, second, got["msikit Hello/doc/guide.txt"], "sequence 3 is on disk 2")
	assert.Equal(t, fixtureSource(t, "readme.txt"), got["msikit Hello/readme.txt"])
}

// TestHostileTables: names that climb out of the root, drives, cycles and
// dangling components are refused with an error naming the row.
func TestHostileTables(t *testing.T) {
	cases := []struct {
		query, want string
	}{
		{"UPDATE Directory SET DefaultDir='..' WHERE Directory='DocDir'", "directory DocDir"},
		{"UPDATE Directory SET DefaultDir='x:..' WHERE Directory='DocDir'", "directory DocDir"},
		{"UPDATE Directory SET DefaultDir='doc:C:' WHERE Directory='DocDir'", "names a drive"},
		{"UPDATE Directory SET DefaultDir='a\\b' WHERE Directory='DocDir'", "path separator"},
		{"UPDATE Directory SET Directory_Parent='DocDir' WHERE Directory='INSTALLDIR'", "cycle"},
		{"UPDATE Directory SET Directory_Parent='..' WHERE Directory='DocDir'", "directory .., a parent named by the Directory table, names a parent directory"},
		{"UPDATE File SET FileName='..' WHERE File='guide.txt'", "file guide.txt"},
		{"UPDATE File SET FileName='x|../../etc/passwd' WHERE File='guide.txt'", "file guide.txt"},
		{"UPDATE File SET FileName='/etc/passwd' WHERE File='guide.txt'", "path separator"},
		{"UPDATE File SET Component_='Ghost' WHERE File='guide.txt'", "component Ghost does not exist"},
	}
	for _, c := range cases {
		_, pkg := modified(t, c.query)
		p, err := msi.Open(pkg)
		require.NoError(t, err)
		_, err = msi.FileList(p, msi.FileOptions{})
		p.Close()
		require.Error(t, err, c.query)
		assert.ErrorIs(t, err, msi.ErrFormat, c.query)
		assert.Contains(t, err.Error(), c.want, c.query)
		assert.Contains(t, err.Error(), "hello.msi", c.query)
	}
}

// lessmsiListing reads a lessmsi expected-output CSV: path under
// SourceDir (slash-separated) and size.
func lessmsiListing(t *testing.T, csvPath string) map[string]int64 {
	b, err := os.ReadFile(csvPath)
	require.NoError(t, err)
	b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
	rows, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	require.NoError(t, err)
	out := map[string]int64{}
	for _, r := range rows[1:] {
		// lessmsi puts a tree whose parent directory is missing beside
		// SourceDir; msikit, whose output directory is SourceDir, in it.
		p := strings.TrimPrefix(strings.TrimPrefix(strings.ReplaceAll(r[0], "\\", "/"), "/SourceDir"), "/")
		n, err := strconv.ParseInt(r[1], 10, 64)
		require.NoError(t, err)
		out[p] = n
	}
	return out
}

func listing(t *testing.T, pkg string, o msi.FileOptions) map[string]int64 {
	p, err := msi.Open(pkg)
	require.NoError(t, err)
	defer p.Close()
	files, err := msi.FileList(p, o)
	require.NoError(t, err)
	out := map[string]int64{}
	for _, f := range files {
		out[f.Path] = f.Size
	}
	return out
}

// TestLessmsiListings compares our layouts with lessmsi's expected
// extraction listings. lessmsi lays files out by their *target* directory
// names; an administrative image (msiexec /a) by their *source* names.
// They differ only where DefaultDir gives a source name of its own
// ("target:source"), which among these packages only vcredist.msi does:
// there the target layout needs a ".duplicate1" name because two
// different ATL80.dll (97,280 and 114,688 bytes) share one target
// directory, while the source layout keeps them apart, as a source image
// must.
func TestLessmsiListings(t *testing.T) {
	for _, name := range []string{"NUnit-2.5.2.9222.msi", "msi_with_external_cab.msi", "vcredist.msi", "IviNetSharedComponents32_Fx20_1.3.0.msi"} {
		pkg := testutil.Corpus(t, "lessmsi", name)
		want := lessmsiListing(t, pkg+".expected.csv")
		assert.Equal(t, want, listing(t, pkg, msi.FileOptions{Layout: msi.LayoutTarget}), "%s, target layout", name)
		admin := listing(t, pkg, msi.FileOptions{Layout: msi.LayoutAdmin})
		if name != "vcredist.msi" {
			assert.Equal(t, want, admin, "%s, admin layout", name)
			continue
		}
		assert.Len(t, admin, len(want))
		assert.Contains(t, want, "Windows/system32/ATL80.dll.duplicate1")
		assert.Equal(t, int64(114688), admin["Windows/system32/Ansi/ATL80.dll"], "the ANSI build in its source directory")
		assert.Equal(t, int64(97280), admin["Windows/winsxs/53t3z6j5.7ag/ATL80.dll"], "a merge module's source directory name")
		for p := range admin {
			assert.NotContains(t, p, ".duplicate", "no collisions in the source layout")
		}
	}
	// ExtractOnlySomeFiles: lessmsi asked for three files of NUnit.
	pkg := testutil.Corpus(t, "lessmsi", "NUnit-2.5.2.9222.msi")
	want := lessmsiListing(t, testutil.Corpus(t, "lessmsi", "ExtractOnlySomeFiles.msi.expected.csv"))
	all := listing(t, pkg, msi.FileOptions{})
	for p, size := range want {
		assert.Equal(t, size, all[p], p)
	}
}

// TestOnlyDecodesNeededFolders reads one file of vcredist.msi, whose files
// are spread over eleven cabinets: only that file's cabinet is opened and
// only its folder decoded.
func TestOnlyDecodesNeededFolders(t *testing.T) {
	pkg := testutil.Corpus(t, "lessmsi", "vcredist.msi")
	p, err := msi.Open(pkg)
	require.NoError(t, err)
	defer p.Close()
	files, err := msi.FileList(p, msi.FileOptions{})
	require.NoError(t, err)
	var total int64
	var pick *msi.File
	for _, f := range files {
		total += f.Size
		if f.LongName == "mfc80CHS.dll" {
			pick = f
		}
	}
	require.NotNil(t, pick)
	var got []byte
	rep, err := p.ReadFiles([]*msi.File{pick}, msi.ReadOptions{}, func(c msi.FileContent) error {
		got, err = io.ReadAll(c.Reader)
		return err
	})
	require.NoError(t, err)
	assert.Len(t, got, int(pick.Size))
	assert.Equal(t, []string{pick.Media.CabinetName()}, rep.Cabinets)
	var cabTotal int64
	for _, f := range files {
		if f.Media == pick.Media {
			cabTotal += f.Size
		}
	}
	assert.LessOrEqual(t, rep.DecodedBytes, cabTotal, "decoded no more than the file's cabinet")
	assert.GreaterOrEqual(t, rep.DecodedBytes, pick.Size)
	assert.Less(t, rep.DecodedBytes*4, total, "a small part of the package's %d bytes", total)
}

// TestAgainstMsiextract: for every corpus MSI that msiextract extracts,
// we extract the same multiset of (file name, size, SHA-256).
func TestAgainstMsiextract(t *testing.T) {
	testutil.Tool(t, "msiextract")
	for _, pkg := range testutil.CorpusFiles(t, ".msi") {
		name := filepath.Base(pkg)
		dir := t.TempDir()
		cmd := exec.Command("msiextract", "-C", dir, pkg)
		if err := cmd.Run(); err != nil {
			continue // msiextract fails: see TestTruncatedSpannedSet
		}
		var theirs []string
		filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err == nil && d.Type().IsRegular() {
				b, _ := os.ReadFile(p)
				theirs = append(theirs, fmt.Sprintf("%s %d %x", d.Name(), len(b), sha256.Sum256(b)))
			}
			return nil
		})
		if len(theirs) == 0 {
			continue // nothing to compare: its files are missing uncompressed sources
		}
		p, err := msi.Open(pkg)
		require.NoError(t, err)
		got, err := readAll(t, p, msi.FileOptions{})
		p.Close()
		require.NoError(t, err, name)
		var ours []string
		for path, b := range got {
			ours = append(ours, fmt.Sprintf("%s %d %x", filepath.Base(path), len(b), sha256.Sum256(b)))
		}
		sort.Strings(theirs)
		sort.Strings(ours)
		assert.Equal(t, theirs, ours, name)
	}
}

// TestTruncatedSpannedSet: VBRuntime.msi's second embedded cabinet is cut
// short upstream. msiextract extracts nothing; we extract the eight files
// that do not need it and name the two that do, and why.
func TestTruncatedSpannedSet(t *testing.T) {
	pkg := testutil.Corpus(t, "lessmsi", "VBRuntime.msi")
	p, err := msi.Open(pkg)
	require.NoError(t, err)
	defer p.Close()
	got, err := readAll(t, p, msi.FileOptions{})
	require.Error(t, err)
	assert.Len(t, got, 8)
	var names []string
	for _, e := range err.(interface{ Unwrap() []error }).Unwrap() {
		var fe *msi.FileError
		require.True(t, errors.As(e, &fe), "%v", e)
		names = append(names, fe.File.LongName)
		assert.Contains(t, e.Error(), "Disk2.CAB")
		assert.Contains(t, e.Error(), "truncated")
	}
	sort.Strings(names)
	assert.Equal(t, []string{"MSVBVM60.DLL", "OLEPRO32.DLL"}, names)
}

// TestOrphanDirectory: a Directory row whose parent is no row (a property
// set at install time) is laid out under a folder named by the parent's
// key, in every layout, and the choice is said once.
func TestOrphanDirectory(t *testing.T) {
	_, pkg := modified(t, "UPDATE Directory SET Directory_Parent='SETBYACTION' WHERE Directory='DocDir'")
	for _, layout := range []msi.Layout{msi.LayoutAdmin, msi.LayoutTarget, msi.LayoutInstall} {
		p, err := msi.Open(pkg)
		require.NoError(t, err)
		files, err := msi.FileList(p, msi.FileOptions{Layout: layout})
		require.NoError(t, err, "layout %d", layout)
		paths := map[string]string{}
		for _, f := range files {
			paths[f.Key] = f.Path
		}
		assert.Equal(t, "SETBYACTION/doc/guide.txt", paths["guide.txt"], "layout %d", layout)
		assert.NotContains(t, paths["readme.txt"], "SETBYACTION", "the rest of the tree stays where it was")
		warnings := p.Warnings()
		p.Close()
		require.Len(t, warnings, 1)
		assert.Equal(t, "directory DocDir: its parent SETBYACTION is not in the Directory table (a property set at install time); its files go under SETBYACTION/ at the root, as lessmsi lays them out", warnings[0])
	}
}

// TestSourceFileSizeMismatch: an uncompressed source file whose size is
// not the File table's is copied as it is (as msiexec /a copies it) and
// the difference is said; Strict refuses it instead.
func TestSourceFileSizeMismatch(t *testing.T) {
	dir, pkg := modified(t, "UPDATE File SET Attributes=8192, FileSize=99 WHERE File='guide.txt'")
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "msikit Hello", "doc"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "msikit Hello", "doc", "guide.txt"), fixtureSource(t, "guide.txt"), 0o644))
	p, err := msi.Open(pkg)
	require.NoError(t, err)
	defer p.Close()
	files, err := msi.FileList(p, msi.FileOptions{})
	require.NoError(t, err)

	sizes := map[string]int64{}
	got := map[string]string{}
	_, err = p.ReadFiles(files, msi.ReadOptions{CheckSize: true}, func(c msi.FileContent) error {
		b, err := io.ReadAll(c.Reader)
		sizes[c.File.Key], got[c.File.Key] = c.Size, string(b)
		return err
	})
	require.NoError(t, err)
	assert.Equal(t, string(fixtureSource(t, "guide.txt")), got["guide.txt"])
	assert.Equal(t, int64(len(fixtureSource(t, "guide.txt"))), sizes["guide.txt"])
	assert.Equal(t, int64(20), sizes["readme.txt"], "files in the cabinet keep the table's size")
	assert.Equal(t, []string{"file guide.txt: the source file msikit Hello/doc/guide.txt has 24 bytes, the File table says 99; copied as it is, as msiexec /a copies it"}, p.Warnings())

	delivered := 0
	_, err = p.ReadFiles(files, msi.ReadOptions{Strict: true}, func(c msi.FileContent) error {
		delivered++
		_, err := io.Copy(io.Discard, c.Reader)
		return err
	})
	require.ErrorIs(t, err, msi.ErrSize)
	assert.Contains(t, err.Error(), "guide.txt")
	assert.Contains(t, err.Error(), "has 24 bytes, the table says 99")
	assert.Equal(t, 2, delivered, "the files in the cabinet are still delivered")
}
