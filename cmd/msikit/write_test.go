package main

import (
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/msikit/msikit/cab"
	"github.com/msikit/msikit/internal/testutil"
	"github.com/msikit/msikit/msi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The tests of what msikit writes: every command that writes a tree or
// a file, against symbolic links planted in the output, devices and FIFOs
// given as -o, concurrent runs and signals.

// TestMain runs the test binary as msikit itself when MSIKIT_TEST_MAIN is
// set, so that tests can run it as a process (to send it signals, or
// to run two at once).
func TestMain(m *testing.M) {
	if os.Getenv("MSIKIT_TEST_MAIN") == "1" {
		main()
		return
	}
	os.Exit(m.Run())
}

// msikitProcess is msikit run as a process of its own.
func msikitProcess(t *testing.T, env []string, args ...string) *exec.Cmd {
	t.Helper()
	exe, err := os.Executable()
	require.NoError(t, err)
	cmd := exec.Command(exe, args...)
	cmd.Env = append(append(os.Environ(), "MSIKIT_TEST_MAIN=1"), env...)
	return cmd
}

// listFiles lists what is under dir but directories: files, and
// anything else (FIFOs, links).
func listFiles(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	require.NoError(t, filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		out = append(out, filepath.ToSlash(rel))
		return nil
	}))
	return out
}

// plant makes a symbolic link at link (under out) to a fresh directory
// outside, and returns that directory.
func plant(t *testing.T, out, link string) string {
	t.Helper()
	elsewhere := filepath.Join(t.TempDir(), "elsewhere")
	require.NoError(t, os.MkdirAll(elsewhere, 0o755))
	lp := filepath.Join(out, filepath.FromSlash(link))
	require.NoError(t, os.MkdirAll(filepath.Dir(lp), 0o755))
	if err := os.Symlink(elsewhere, lp); err != nil {
		t.Skip("symbolic links unsupported:", err)
	}
	return elsewhere
}

// TestNestedExtractionSymlink: extract -r writes what it finds inside
// a package's files (a cabinet, a patch) through the output tree, so a
// link planted at NAME.extracted is refused, not followed; the rest is
// extracted.
func TestNestedExtractionSymlink(t *testing.T) {
	pkg := "../../fixtures/kb977203/SCCM2007-SP2-KB977203-ENU.msi"
	for _, link := range []string{
		"Client/i386/ccmsetup-sup.cab.extracted",
		"Client/i386/hotfix/KB977203/SCCM2007AC-SP2-KB977203-x86.msp.extracted",
	} {
		out := t.TempDir()
		elsewhere := plant(t, out, link)
		code, _, errOut := msikit(t, "extract", "-q", "-r", pkg, "-o", out)
		assert.Equal(t, 1, code, errOut)
		assert.Contains(t, errOut, link+": refusing to follow a symbolic link")
		assert.Empty(t, listFiles(t, elsewhere), "written through %s", link)
		b, err := os.ReadFile(filepath.Join(out, "Logs", "KB977203", "CCMCertFix.exe"))
		require.NoError(t, err)
		assert.Len(t, b, 17768, "the package's own files are extracted")
	}
	// Without a link, both nested outputs are there.
	out := t.TempDir()
	code, _, errOut := msikit(t, "extract", "-q", "-r", pkg, "-o", out)
	require.Equal(t, 0, code, errOut)
	got := listFiles(t, out)
	assert.Contains(t, got, "Client/i386/ccmsetup-sup.cab.extracted/ccmsetup-sup.txt")
	assert.Contains(t, got, "Client/i386/hotfix/KB977203/SCCM2007AC-SP2-KB977203-x86.msp.extracted/CCMSetupKB977203/KB977203.txt")
}

// TestExportAllSymlink: export --all refuses a table directory that is a
// link; without one, Binary/Logo.ibd holds the stream's bytes.
func TestExportAllSymlink(t *testing.T) {
	out := t.TempDir()
	elsewhere := plant(t, out, "Binary")
	code, _, errOut := msikit(t, "export", hello, "--all", "-o", out)
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, "Binary: refusing to follow a symbolic link")
	assert.Empty(t, listFiles(t, elsewhere))

	out = t.TempDir()
	code, _, errOut = msikit(t, "export", hello, "--all", "-o", out)
	require.Equal(t, 0, code, errOut)
	_, logo, _ := msikit(t, "streams", hello, "--extract", "Binary.Logo", "-o", "-")
	b, err := os.ReadFile(filepath.Join(out, "Binary", "Logo.ibd"))
	require.NoError(t, err)
	assert.Equal(t, logo, string(b))
	assert.NotEmpty(t, logo)
}

// writeCab writes a cabinet of the named contents (stored, so it is
// quick) to path.
func writeCab(t *testing.T, path string, names []string, content func(i int) string) {
	t.Helper()
	f, err := os.Create(path)
	require.NoError(t, err)
	defer f.Close()
	w := cab.NewWriter(f, cab.WithCompression(cab.MethodNone))
	for i, n := range names {
		fw, err := w.Create(n, time.Date(2010, 1, 25, 6, 27, 0, 0, time.UTC))
		require.NoError(t, err)
		_, err = io.WriteString(fw, content(i))
		require.NoError(t, err)
	}
	require.NoError(t, w.Close())
}

// TestCabExtractSymlink: cab extract refuses a link where a directory of
// a member's path is.
func TestCabExtractSymlink(t *testing.T) {
	c := filepath.Join(t.TempDir(), "x.cab")
	writeCab(t, c, []string{`ok.txt`, `sub\dir\f.txt`}, func(i int) string { return fmt.Sprint("content ", i) })
	out := t.TempDir()
	elsewhere := plant(t, out, "sub/dir")
	code, _, errOut := msikit(t, "cab", "extract", "-q", c, "-o", out)
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, "sub/dir: refusing to follow a symbolic link")
	assert.Empty(t, listFiles(t, elsewhere))
	b, err := os.ReadFile(filepath.Join(out, "ok.txt"))
	require.NoError(t, err)
	assert.Equal(t, "content 0", string(b))
}

// TestPatchExtractSymlink: patch extract refuses a link at the
// transform's directory.
func TestPatchExtractSymlink(t *testing.T) {
	msp := testutil.Corpus(t, "wix3", "GDR1__gdr1.msp")
	out := t.TempDir()
	elsewhere := plant(t, out, "rtm.2")
	code, _, errOut := msikit(t, "patch", "extract", "-q", msp, "-o", out)
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, "rtm.2: refusing to follow a symbolic link")
	assert.Empty(t, listFiles(t, elsewhere))
}

// TestAdminSymlink: admin refuses a link in the image's layout, and
// replaces (with --overwrite) a link at the package's name rather than
// writing through it.
func TestAdminSymlink(t *testing.T) {
	out := t.TempDir()
	elsewhere := plant(t, out, "msikit Hello")
	code, _, errOut := msikit(t, "admin", "-q", hello, "-o", out)
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, "msikit Hello: refusing to follow a symbolic link")
	assert.Empty(t, listFiles(t, elsewhere))

	out = t.TempDir()
	target := filepath.Join(t.TempDir(), "target")
	require.NoError(t, os.WriteFile(target, []byte("keep"), 0o644))
	require.NoError(t, os.Symlink(target, filepath.Join(out, "hello.msi")))
	code, _, errOut = msikit(t, "admin", "-q", hello, "-o", out)
	assert.Equal(t, 2, code, "a file in the way is the environment's (exit 2)")
	assert.Contains(t, errOut, "hello.msi exists (use --overwrite to replace it)")
	code, _, errOut = msikit(t, "admin", "-q", "--overwrite", hello, "-o", out)
	require.Equal(t, 0, code, errOut)
	b, _ := os.ReadFile(target)
	assert.Equal(t, "keep", string(b), "the link's target is untouched")
	fi, err := os.Lstat(filepath.Join(out, "hello.msi"))
	require.NoError(t, err)
	assert.True(t, fi.Mode().IsRegular(), "the image's package replaced the link")
	code, info, _ := msikit(t, "info", filepath.Join(out, "hello.msi"))
	require.Equal(t, 0, code)
	assert.Contains(t, info, "administrative image")
}

// singleOutputs are the commands that write one file with -o, with what
// they need; each is run with -o replaced.
func singleOutputs(t *testing.T) map[string][]string {
	work := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(work, "a.txt"), []byte("a file to store\n"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(work, "spec.yaml"), []byte("product:\n  name: Out\n  version: 1.0.0\n  manufacturer: msikit tests\n  upgrade_code: \"{0D5C6B83-4F69-4A5E-8C3B-2E8F40E2A6B2}\"\nfiles:\n  - {source: a.txt, path: Out/a.txt, modified: 2010-01-25T06:27:00Z}\n"), 0o644))
	v1 := buildVersion(t, filepath.Join(work, "v1"), "v1.msi", map[string]string{"Demo/readme.txt": "one"})
	v2 := buildVersion(t, filepath.Join(work, "v2"), "v2.msi", map[string]string{"Demo/readme.txt": "two"})
	mst := filepath.Join(work, "t.mst")
	code, _, errOut := msikit(t, "transform", "create", v1, v2, "-o", mst)
	require.Equal(t, 0, code, errOut)
	kb := "../../fixtures/kb977203/SCCM2007-SP2-KB977203-ENU.msi"
	old, delta := writeDelta(t, work)
	return map[string][]string{
		"delta apply":        {"delta", "apply", old, delta},
		"streams --extract":  {"streams", hello, "--extract", "Binary.Logo"},
		"verify":             {"verify", kb, "--manifest", "kb977203", "--variant", "auto", "--format", "junit"},
		"manifest generate":  {"manifest", "generate", hello},
		"manifest import-kb": {"manifest", "import-kb", "../../manifest/testdata/kb977203-tables.md"},
		"cab create":         {"cab", "create", "-q", filepath.Join(work, "a.txt")},
		"transform create":   {"transform", "create", v1, v2},
		"transform apply":    {"transform", "apply", v1, mst},
		"patch create":       {"patch", "create", v1, v2},
		"build":              {"build", filepath.Join(work, "spec.yaml")},
	}
}

// TestConcurrentExtractions: two cab extract processes write cabinets with
// the same 3,000 names into one directory at once; each name is claimed
// by exactly one, holds its bytes, and the other reports that it exists.
func TestConcurrentExtractions(t *testing.T) {
	work := t.TempDir()
	var names []string
	for i := range 3000 {
		names = append(names, fmt.Sprintf(`d%d\f%04d.txt`, i%9, i))
	}
	cabs := []string{filepath.Join(work, "a.cab"), filepath.Join(work, "b.cab")}
	for k, c := range cabs {
		writeCab(t, c, names, func(i int) string { return fmt.Sprintf("cabinet %d file %d", k, i) })
	}
	out := filepath.Join(work, "out")
	var outs, errs [2]bytes.Buffer
	var codes [2]int
	var wg sync.WaitGroup
	for k, c := range cabs {
		cmd := msikitProcess(t, nil, "cab", "extract", c, "-o", out)
		cmd.Stdout, cmd.Stderr = &outs[k], &errs[k]
		require.NoError(t, cmd.Start())
		wg.Add(1)
		go func() {
			defer wg.Done()
			cmd.Wait()
			codes[k] = cmd.ProcessState.ExitCode()
		}()
	}
	wg.Wait()
	claimed := map[string]int{}
	for k := range 2 {
		for _, line := range strings.Split(outs[k].String(), "\n") {
			if rel, ok := strings.CutPrefix(line, "  extracting "); ok {
				if prev, dup := claimed[rel]; dup {
					t.Fatalf("%s claimed by both (%d and %d)", rel, prev, k)
				}
				claimed[rel] = k
			}
		}
	}
	require.Len(t, claimed, 3000)
	for i, n := range names {
		rel := strings.ReplaceAll(n, `\`, "/")
		k, ok := claimed[rel]
		require.True(t, ok, "%s claimed by neither", rel)
		b, err := os.ReadFile(filepath.Join(out, rel))
		require.NoError(t, err)
		require.Equal(t, fmt.Sprintf("cabinet %d file %d", k, i), string(b), rel)
		require.Contains(t, errs[1-k].String(), rel+" exists (use --overwrite to replace it)")
	}
	for k := range 2 {
		lost := 3000 - strings.Count(outs[k].String(), "  extracting ")
		if lost > 0 {
			assert.Equal(t, 2, codes[k], "files in the way: exit 2")
			assert.Contains(t, errs[k].String(), fmt.Sprintf("%d of 3000 files not extracted", lost))
		}
	}
	assert.Len(t, listFiles(t, out), 3000, "temporary files left")
}

// bigPackage builds a package holding one file of size bytes in an
// uncompressed cabinet: more than 16 MiB, so extracting it spools the
// cabinet to a temporary file.
func bigPackage(t *testing.T, size int) string {
	t.Helper()
	dir := t.TempDir()
	b := make([]byte, size)
	r := rand.New(rand.NewChaCha8([32]byte{1}))
	for i := 0; i+8 <= len(b); i += 8 {
		v := r.Uint64()
		copy(b[i:], []byte{byte(v), byte(v >> 8), byte(v >> 16), byte(v >> 24), byte(v >> 32), byte(v >> 40), byte(v >> 48), byte(v >> 56)})
	}
	require.NoError(t, os.WriteFile(filepath.Join(dir, "big.bin"), b, 0o644))
	spec := "product:\n  name: Big\n  version: 1.0.0\n  manufacturer: msikit tests\n  upgrade_code: \"{0D5C6B83-4F69-4A5E-8C3B-2E8F40E2A6B2}\"\n  compression: none\n  root: TARGETDIR\nfiles:\n  - {source: big.bin, path: Big/big.bin}\n"
	require.NoError(t, os.WriteFile(filepath.Join(dir, "spec.yaml"), []byte(spec), 0o644))
	pkg := filepath.Join(dir, "big.msi")
	code, _, errOut := msikit(t, "build", filepath.Join(dir, "spec.yaml"), "-o", pkg)
	require.Equal(t, 0, code, errOut)
	require.NoError(t, os.Remove(filepath.Join(dir, "big.bin")))
	return pkg
}

// TestSignalCleanup: SIGINT or SIGTERM while extraction writes a big file
// stops msikit with 130 or 143, leaving neither a temporary file in the
// output nor the spooled cabinet in TMPDIR, and no partial file. SIGKILL
// leaves nothing either: on Linux neither file ever had a name.
func TestSignalCleanup(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("watches /proc to send the signal while a file is written")
	}
	pkg := bigPackage(t, 192<<20)
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM, syscall.SIGKILL} {
		t.Run(sig.String(), func(t *testing.T) {
			tmp, out := t.TempDir(), filepath.Join(t.TempDir(), "out")
			cmd := msikitProcess(t, []string{"TMPDIR=" + tmp}, "extract", "-q", pkg, "-o", out)
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			require.NoError(t, cmd.Start())
			writing := waitWriting(t, cmd.Process.Pid, out)
			require.NoError(t, cmd.Process.Signal(sig))
			cmd.Wait()
			require.True(t, writing, "the extraction ended before it was seen writing: %s", stderr.String())
			if sig == syscall.SIGKILL {
				assert.Equal(t, -1, cmd.ProcessState.ExitCode(), "killed")
			} else {
				assert.Equal(t, 128+int(sig), cmd.ProcessState.ExitCode(), stderr.String())
				assert.Contains(t, stderr.String(), "stopped; temporary files removed")
			}
			assert.Empty(t, listFiles(t, out), "left in the output")
			left, err := os.ReadDir(tmp)
			require.NoError(t, err)
			assert.Empty(t, left, "left in TMPDIR")
		})
	}
}

// waitWriting waits until process pid has a file open under dir with
// bytes in it, and reports whether it saw one before the process ended.
func waitWriting(t *testing.T, pid int, dir string) bool {
	fds := fmt.Sprintf("/proc/%d/fd", pid)
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
		entries, err := os.ReadDir(fds)
		if err != nil {
			return false // ended
		}
		for _, e := range entries {
			target, err := os.Readlink(filepath.Join(fds, e.Name()))
			if err != nil || !strings.HasPrefix(target, dir+"/") {
				continue
			}
			if fi, err := os.Stat(filepath.Join(fds, e.Name())); err == nil && fi.Mode().IsRegular() && fi.Size() > 0 {
				return true
			}
		}
	}
	return false
}

// TestControlCharactersEverySource: control characters in a file name are
// written as '_' whether the name comes from a cabinet or from a
// package's File table.
func TestControlCharactersEverySource(t *testing.T) {
	const name = "a\x01\x02\r\nb.txt"
	work := t.TempDir()
	c := filepath.Join(work, "ctl.cab")
	writeCab(t, c, []string{`ctl\` + name}, func(int) string { return "from a cabinet" })
	fromCab := t.TempDir()
	code, _, errOut := msikit(t, "cab", "extract", "-q", c, "-o", fromCab)
	require.Equal(t, 0, code, errOut)

	// A package whose File row names the file with the same characters.
	plain := buildVersion(t, filepath.Join(work, "pkg"), "plain.msi", map[string]string{"Demo/readme.txt": "from a package"})
	p, err := msi.Open(plain)
	require.NoError(t, err)
	db, err := p.Database()
	require.NoError(t, err)
	ft, err := db.Table("File")
	require.NoError(t, err)
	col := ft.Index("FileName")
	require.GreaterOrEqual(t, col, 0)
	require.Len(t, ft.Rows, 1)
	ft.Rows[0].Values[col] = msi.StringValue("README.TXT|" + name)
	ctl := filepath.Join(work, "ctl.msi")
	require.NoError(t, db.SaveFile(ctl))
	p.Close()
	fromPkg := t.TempDir()
	code, stdout, errOut := msikit(t, "extract", ctl, "-o", fromPkg)
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, stdout, "extracting PFiles/Demo/a____b.txt")

	assert.Equal(t, map[string]string{"ctl/a____b.txt": "from a cabinet"}, readTree(t, fromCab))
	assert.Equal(t, map[string]string{"PFiles/Demo/a____b.txt": "from a package"}, readTree(t, fromPkg))
}

// deepPackage builds a package whose Directory table is a chain depth
// deep with a file at every level.
func deepPackage(t testing.TB, depth int) string {
	dir := t.TempDir()
	var spec strings.Builder
	spec.WriteString("product:\n  name: Deep\n  version: 1.0.0\n  manufacturer: msikit tests\n  upgrade_code: \"{0D5C6B83-4F69-4A5E-8C3B-2E8F40E2A6B2}\"\n  root: TARGETDIR\nfiles:\n")
	p := ""
	for i := range depth {
		p += "d/"
		src := fmt.Sprintf("f%d.txt", i)
		if err := os.WriteFile(filepath.Join(dir, src), []byte(fmt.Sprint(i)), 0o644); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&spec, "  - {source: %s, path: %s%s, modified: 2010-01-25T06:27:00Z}\n", src, p, src)
	}
	if err := os.WriteFile(filepath.Join(dir, "spec.yaml"), []byte(spec.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	pkg := filepath.Join(dir, "deep.msi")
	var o, e bytes.Buffer
	if code := run([]string{"build", filepath.Join(dir, "spec.yaml"), "-o", pkg}, &o, &e); code != 0 {
		t.Fatal(e.String())
	}
	return pkg
}

// TestDeepChainLinear: a 500-deep Directory chain with a file at every
// level is extracted opening each directory once (the writer used to
// check every prefix of every path again: 125,000 lookups at this depth).
func TestDeepChainLinear(t *testing.T) {
	const depth = 500
	pkg := deepPackage(t, depth)
	out := t.TempDir()
	x := &extractor{ctx: &context{stdout: io.Discard, stderr: io.Discard, path: "msikit extract"}, quiet: true}
	require.NoError(t, x.run(pkg, out))
	s := x.root.Stats()
	assert.Equal(t, int64(depth), s.DirOpens)
	assert.Equal(t, int64(depth), s.Mkdirs)
	got := readTree(t, out)
	assert.Len(t, got, depth)
	assert.Equal(t, "499", got[strings.Repeat("d/", depth)+"f499.txt"])
}

// BenchmarkExtractDeepChain extracts a package whose Directory table is a
// chain 500 deep (msi reads at most 512) with a file at every level.
func BenchmarkExtractDeepChain(b *testing.B) {
	pkg := deepPackage(b, 500)
	for b.Loop() {
		b.StopTimer()
		out := b.TempDir()
		b.StartTimer()
		if code := run([]string{"extract", "-q", pkg, "-o", out}, io.Discard, io.Discard); code != 0 {
			b.Fatal("exit", code)
		}
	}
}
