package msi_test

import (
	"bytes"
	"fmt"
	"runtime"
	"testing"

	"github.com/msikit/msikit/msi"
)

// benchPackage saves a package of n files in n/8 directories, with the
// tables extraction reads (File, Component, Directory, Media,
// MsiFileHash): the shape of the vs-peers MSI, a source tree packed by
// wixl, one component per file.
func benchPackage(b *testing.B, n int) []byte {
	b.Helper()
	db := msi.NewDatabase(1252)
	table := func(name string) *msi.Table {
		t, err := db.CreateTable(name, msi.StandardColumns(name)[0])
		if err != nil {
			b.Fatal(err)
		}
		return t
	}
	// Rows appended as they are: AddRow's duplicate check would take
	// longer than the benchmark.
	add := func(t *msi.Table, vals ...msi.Value) { t.Rows = append(t.Rows, msi.Row{Table: t, Values: vals}) }
	s, i := msi.StringValue, msi.IntValue
	dirs, comps, files, hashes, media := table("Directory"), table("Component"), table("File"), table("MsiFileHash"), table("Media")
	add(dirs, s("TARGETDIR"), s(""), s("SourceDir"))
	add(dirs, s("INSTALLDIR"), s("TARGETDIR"), s("Bench"))
	ndirs := max(1, n/8)
	for d := range ndirs {
		parent := "INSTALLDIR"
		if d > 0 {
			parent = fmt.Sprintf("d%015x", (d-1)/4) // a tree four wide
		}
		add(dirs, s(fmt.Sprintf("d%015x", d)), s(parent), s(fmt.Sprintf("dir%d|directory number %d", d, d)))
	}
	for f := range n {
		key, comp := fmt.Sprintf("f%015x", f), fmt.Sprintf("c%015x", f)
		add(comps, s(comp), s(fmt.Sprintf("{%08X-0000-4000-8000-000000000000}", f)), s(fmt.Sprintf("d%015x", f%ndirs)), i(0), s(""), s(key))
		add(files, s(key), s(comp), s(fmt.Sprintf("file%d.go|source file number %d.go", f, f)), i(int32(1000+f)), s(""), s(""), i(512), i(int32(f+1)))
		add(hashes, s(key), i(0), i(int32(f)), i(1), i(2), i(3))
	}
	add(media, i(1), i(int32(n)), s(""), s("#bench.cab"), s(""), s(""))
	db.Summary = &msi.SummaryInfo{Codepage: 1252, Title: "Installation Database", Template: "Intel;1033", WordCount: 2}
	var buf bytes.Buffer
	if err := db.Save(&buf); err != nil {
		b.Fatal(err)
	}
	return buf.Bytes()
}

// BenchmarkFileList measures the table loading stage of an extraction:
// opening a package of 20,000 files and making its layout (string pool,
// File, Component, Directory, Media and MsiFileHash). It reports what
// the open package and the layout keep live while the files are read
// (live-MiB), which must stay a few hundred bytes a file: the tables
// themselves are not kept.
func BenchmarkFileList(b *testing.B) {
	const n = 20000
	pkg := benchPackage(b, n)
	list := func() (*msi.Package, []*msi.File) {
		p, err := msi.NewPackage(bytes.NewReader(pkg), int64(len(pkg)), "bench.msi")
		if err != nil {
			b.Fatal(err)
		}
		files, err := msi.FileList(p, msi.FileOptions{})
		if err != nil || len(files) != n {
			b.Fatalf("%d files, %v", len(files), err)
		}
		return p, files
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	p, files := list()
	runtime.GC()
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(p)
	runtime.KeepAlive(files)
	live := float64(after.HeapAlloc) - float64(before.HeapAlloc)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		list()
	}
	b.ReportMetric(live/(1<<20), "live-MiB")
}
