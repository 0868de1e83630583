// Command benchpeers is `make bench`'s side-by-side comparison of msikit
// with the C tools when ../shared/bench/vs-peers is not there: the same
// inputs (the Go toolchain's own source tree and tools packed into an
// MSZIP cabinet with gcab -cz and into an MSI with wixl), the same pairs
// run alternately after a warm-up, and the same figure, the ratio of
// medians (peer time / msikit time: above 1 means msikit is faster), with
// msikit's peak RSS. Output goes to /dev/shm when there is one, so the
// disk does not decide.
//
//	go run ./internal/benchpeers [-runs N] [-dir DIR] PATH/TO/msikit
//
// With -memory it instead checks that memory stays flat: the peak RSS of
// `msikit cab test` on cabinets of very different sizes. With -gencab it
// writes such a cabinet: MB megabytes of text-like data in a few files.
package main

import (
	"compress/flate"
	"crypto/md5"
	"encoding/hex"
	"flag"
	"fmt"
	"html"
	"io/fs"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/msikit/msikit/cab"
)

func main() {
	runs := flag.Int("runs", 5, "runs per tool")
	dir := flag.String("dir", filepath.Join(os.TempDir(), "msikit-benchpeers"), "where the inputs are built and kept between runs")
	memory := flag.String("memory", "", "instead, print the peak RSS of `cab test` on each of these comma-separated cabinets")
	gencab := flag.Int("gencab", 0, "instead, write a cabinet of this many MB of data to the path given")
	flag.Parse()
	if *gencab > 0 && flag.NArg() == 1 {
		check(genCab(flag.Arg(0), int64(*gencab)<<20))
		return
	}
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: benchpeers [-runs N] [-dir DIR] [-memory CABS] PATH/TO/msikit")
		os.Exit(2)
	}
	msikit, err := filepath.Abs(flag.Arg(0))
	check(err)
	if *memory != "" {
		for _, c := range strings.Split(*memory, ",") {
			fi, err := os.Stat(c)
			check(err)
			rc, err := cab.Open(c)
			check(err)
			var out int64
			for _, f := range rc.File {
				out += f.Size
			}
			rc.Close()
			t, rss, ok := run("", nil, msikit, "cab", "test", c)
			status := ""
			if !ok {
				status = "  (FAILED)"
			}
			fmt.Printf("cab test %-22s %9.1f MB out of %8.2f MB in %6.1fs: peak RSS %5.1f MiB%s\n",
				filepath.Base(c), float64(out)/1e6, float64(fi.Size())/1e6, t, rss, status)
		}
		return
	}
	for _, t := range []string{"gcab", "cabextract", "msiextract", "wixl"} {
		if _, err := exec.LookPath(t); err != nil {
			fmt.Fprintf(os.Stderr, "benchpeers: %s is not installed\n", t)
			os.Exit(2)
		}
	}
	check(os.MkdirAll(*dir, 0o755))
	files := buildInputs(*dir)
	out := filepath.Join(*dir, "out")
	if fi, err := os.Stat("/dev/shm"); err == nil && fi.IsDir() {
		out = "/dev/shm/msikit-benchpeers-out"
	}
	w := filepath.Join(*dir, "w.cab")
	cabPath, msiPath, data := filepath.Join(*dir, "big.cab"), filepath.Join(*dir, "big.msi"), filepath.Join(*dir, "data")

	// The outputs must agree before the timings mean anything.
	sameTree(msikit, out, []string{"cab", "extract", "-q", cabPath, "-o", out + "/a"}, []string{"cabextract", "-q", "-d", out + "/b", cabPath})

	type result struct {
		ratio, rss float64
		ok         bool
	}
	pair := func(name string, cwd string, a, b []string) result {
		var ta, tb []float64
		var peak float64
		ok := true
		timed := func(cmd []string) (float64, float64, bool) {
			os.RemoveAll(out)
			check(os.MkdirAll(out, 0o755))
			os.Remove(w)
			return run(cwd, nil, cmd[0], cmd[1:]...)
		}
		timed(a)
		timed(b) // warm-up
		for range *runs {
			t, rss, good := timed(a)
			ta, peak, ok = append(ta, t), max(peak, rss), ok && good
			t, _, _ = timed(b)
			tb = append(tb, t)
		}
		ma, mb := median(ta), median(tb)
		failed := ""
		if !ok {
			failed = "  (msikit FAILED)"
		}
		fmt.Printf("%-34s msikit %6.2fs  peer %6.2fs  ratio %5.2fx  msikit peak RSS %4.0f MiB%s\n", name, ma, mb, mb/ma, peak, failed)
		return result{mb / ma, peak, ok}
	}
	res := []result{
		pair("cab extract vs cabextract", "", []string{msikit, "cab", "extract", "-q", cabPath, "-o", out}, []string{"cabextract", "-q", "-d", out, cabPath}),
		pair("cab test vs cabextract -t", "", []string{msikit, "cab", "test", cabPath}, []string{"cabextract", "-t", cabPath}),
		pair("extract (MSI) vs msiextract", "", []string{msikit, "extract", "-q", msiPath, "-o", out}, []string{"msiextract", "-C", out, msiPath}),
		pair("cab create vs gcab -cz", data, append([]string{msikit, "cab", "create", "-q", "-o", w}, files...), append([]string{"gcab", "-cz", w}, files...)),
	}
	os.RemoveAll(out)
	size := func(cmd []string) int64 {
		os.Remove(w)
		run(data, nil, cmd[0], cmd[1:]...)
		fi, err := os.Stat(w)
		check(err)
		return fi.Size()
	}
	a := size(append([]string{msikit, "cab", "create", "-q", "-o", w}, files...))
	g := size(append([]string{"gcab", "-cz", w}, files...))
	fmt.Printf("cab create size: msikit %d bytes, gcab %d bytes (%.3fx)\n", a, g, float64(a)/float64(g))
	ok, peak := true, 0.0
	for _, r := range res {
		ok, peak = ok && r.ok, max(peak, r.rss)
	}
	failed := ""
	if !ok {
		failed = ", msikit FAILED"
	}
	fmt.Printf("vs-peers: cab %.2fx, cab test %.2fx, msi %.2fx, create %.2fx (size %.3fx), peak RSS %.0f MiB%s\n",
		res[0].ratio, res[1].ratio, res[2].ratio, res[3].ratio, float64(a)/float64(g), peak, failed)
}

// buildInputs copies the Go tree once and packs it; it returns the files'
// paths, relative to DIR/data, sorted.
func buildInputs(dir string) []string {
	data := filepath.Join(dir, "data")
	list := filepath.Join(dir, "list.txt")
	if b, err := os.ReadFile(list); err == nil {
		if _, err := os.Stat(filepath.Join(dir, "big.msi")); err == nil {
			return strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
		}
	}
	fmt.Fprintf(os.Stderr, "building the inputs in %s (once)...\n", dir)
	goroot, err := exec.Command("go", "env", "GOROOT").Output()
	check(err)
	root := strings.TrimSpace(string(goroot))
	check(os.RemoveAll(data))
	check(os.MkdirAll(data, 0o755))
	for _, d := range [][2]string{{"src", "src"}, {"pkg/tool", "tool"}} {
		check(exec.Command("cp", "-r", filepath.Join(root, d[0]), filepath.Join(data, d[1])).Run())
	}
	var files []string
	check(filepath.WalkDir(data, func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			rel, _ := filepath.Rel(data, p)
			files = append(files, rel)
		}
		return err
	}))
	sort.Strings(files)
	// One gcab run with every file: a cabinet of the whole tree (xargs
	// would split the list and leave only the last part).
	cmd := exec.Command("gcab", append([]string{"-cz", filepath.Join(dir, "big.cab")}, files...)...)
	cmd.Dir = data
	if out, err := cmd.CombinedOutput(); err != nil {
		fail("gcab: %v\n%s", err, out)
	}
	check(os.WriteFile(filepath.Join(dir, "big.wxs"), []byte(wxs(dir, data)), 0o644))
	cmd = exec.Command("wixl", "-o", "big.msi", "big.wxs")
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		fail("wixl: %v\n%s", err, out)
	}
	check(os.WriteFile(list, []byte(strings.Join(files, "\n")+"\n"), 0o644))
	return files
}

// wxs is a WiX source with one component per file, as vs-peers writes it.
func wxs(dir, root string) string {
	id := func(p string) string {
		h := md5.Sum([]byte(p))
		return hex.EncodeToString(h[:])[:16]
	}
	var comps []string
	var walk func(d string) []string
	walk = func(d string) []string {
		entries, err := os.ReadDir(d)
		check(err)
		var out []string
		for _, e := range entries {
			p := filepath.Join(d, e.Name())
			if e.IsDir() {
				out = append(out, fmt.Sprintf(`<Directory Id="d%s" Name="%s">`, id(p), html.EscapeString(e.Name())))
				out = append(out, walk(p)...)
				out = append(out, "</Directory>")
				continue
			}
			rel, _ := filepath.Rel(dir, p)
			comps = append(comps, "c"+id(p))
			out = append(out, fmt.Sprintf(`<Component Id="c%s" Guid="*"><File Id="f%s" Name="%s" Source="%s" KeyPath="yes"/></Component>`,
				id(p), id(p), html.EscapeString(e.Name()), html.EscapeString(rel)))
		}
		return out
	}
	body := walk(root)
	var refs strings.Builder
	for _, c := range comps {
		fmt.Fprintf(&refs, `<ComponentRef Id="%s"/>`, c)
	}
	return `<?xml version="1.0" encoding="utf-8"?><Wix xmlns="http://schemas.microsoft.com/wix/2006/wi">
<Product Id="*" Name="Bench" Language="1033" Version="1.0.0" Manufacturer="Bench" UpgradeCode="11111111-2222-3333-4444-555555555556">
<Package InstallerVersion="200" Compressed="yes"/><Media Id="1" Cabinet="bench.cab" EmbedCab="yes"/>
<Directory Id="TARGETDIR" Name="SourceDir"><Directory Id="INSTALLDIR" Name="Bench">` + strings.Join(body, "\n") + `</Directory></Directory>
<Feature Id="F" Level="1">` + refs.String() + `</Feature></Product></Wix>`
}

// run runs a command and returns its wall time in seconds, its peak RSS
// in MiB and whether it succeeded.
func run(dir string, env []string, name string, args ...string) (float64, float64, bool) {
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	if env != nil {
		cmd.Env = append(os.Environ(), env...)
	}
	start := time.Now()
	err := cmd.Run()
	secs := time.Since(start).Seconds()
	var rss float64
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		rss = float64(ru.Maxrss) / 1024 // KiB on Linux
	}
	return secs, rss, err == nil
}

// sameTree extracts with both commands and fails unless the trees match.
func sameTree(msikit, out string, a, b []string) {
	os.RemoveAll(out)
	for _, c := range [][]string{append([]string{msikit}, a...), b} {
		if o, err := exec.Command(c[0], c[1:]...).CombinedOutput(); err != nil {
			fail("%s: %v\n%s", strings.Join(c, " "), err, o)
		}
	}
	if o, err := exec.Command("diff", "-r", out+"/a", out+"/b").CombinedOutput(); err != nil {
		fail("msikit and cabextract outputs differ:\n%s", o)
	}
	os.RemoveAll(out)
}

func median(v []float64) float64 {
	s := slices.Clone(v)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func check(err error) {
	if err != nil {
		fail("%v", err)
	}
}

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "benchpeers: "+format+"\n", args...)
	os.Exit(1)
}

// genCab writes a cabinet of size bytes in files of at most 1 GiB each
// (a folder holds at most 2 GiB), MSZIP at the fastest level: text that
// repeats with variations, so that writing it takes seconds per GB.
func genCab(path string, size int64) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := cab.NewWriter(f, cab.MSZIPLevel(flate.BestSpeed), cab.FolderThreshold(1<<30), cab.TempDir(filepath.Dir(path)))
	rng := rand.New(rand.NewPCG(3, 4))
	words := strings.Fields("cabinet folder block window installer package stream table component feature registry property 0x0000 {} <File/>")
	var base []byte
	for len(base) < 16<<10 {
		base = append(base, words[rng.IntN(len(words))]...)
		base = append(base, " \n"[rng.IntN(2)])
	}
	base = base[:16<<10]
	buf := make([]byte, len(base))
	for i := 0; size > 0; i++ {
		n := min(size, 1<<30)
		fw, err := w.Create(fmt.Sprintf("part%d.txt", i), time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC))
		if err != nil {
			return err
		}
		for left := n; left > 0; {
			copy(buf, base)
			for k := 0; k < 4; k++ {
				buf[rng.IntN(len(buf))] = byte('a' + rng.IntN(26))
			}
			m := min(left, int64(len(buf)))
			if _, err := fw.Write(buf[:m]); err != nil {
				return err
			}
			left -= m
		}
		size -= n
	}
	if err := w.Close(); err != nil {
		return err
	}
	return f.Close()
}
