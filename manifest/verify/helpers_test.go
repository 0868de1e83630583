package verify

import (
	"fmt"
	"github.com/msikit/msikit/internal/testutil"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/msikit/msikit/internal/pever"
	"github.com/msikit/msikit/manifest"
	"github.com/msikit/msikit/msi"
	"github.com/msikit/msikit/msi/build"
	"github.com/stretchr/testify/require"
)

// kbLayout places each row of a KB977203 variant (name, platform) in the
// replica's source tree.
func kbLayout(sp string) [][3]string {
	msp := fmt.Sprintf("SCCM2007AC-%s-KB977203-x86.msp", sp)
	return [][3]string{
		{"ccmcertfix.exe", "x86", "Logs/KB977203/CCMCertFix.exe"},
		{"ccmgencert.dll", "x86", "bin/i386/ccmgencert.dll"},
		{"mcsisapip.dll", "x86", "bin/i386/mcsisapip.dll"},
		{"smpmgr.dll", "x86", "bin/i386/smpmgr.dll"},
		{"mcs.msi", "n/a", "bin/i386/mcs.msi"},
		{"mp.msi", "n/a", "bin/i386/mp.msi"},
		{"ccmgencert.dll", "x64", "bin/x64/ccmgencert.dll"},
		{"mcsisapip.dll", "x64", "bin/x64/mcsisapip.dll"},
		{"ccmgencert.dll", "ia64", "bin/ia64/ccmgencert.dll"},
		{"ccmsetup.exe", "x86", "Client/i386/ccmsetup.exe"},
		{"ccmsetup.msi", "n/a", "Client/i386/ccmsetup.msi"},
		{"ccmsetup-sup.cab", "n/a", "Client/i386/ccmsetup-sup.cab"},
		{strings.ToLower(msp), "n/a", "Client/i386/hotfix/KB977203/" + msp},
	}
}

var machines = map[string]pever.Machine{"x86": pever.MachineI386, "x64": pever.MachineAMD64, "ia64": pever.MachineIA64}

func kbManifest(t testing.TB) *manifest.Manifest {
	t.Helper()
	m, err := manifest.Builtin("kb977203")
	require.NoError(t, err)
	return m
}

// kbContent makes a file of an entry: a PE image of its machine carrying
// its version, or filler that is no PE image, package or cabinet, each of
// the entry's size.
func kbContent(t testing.TB, e *manifest.Entry, base string) []byte {
	t.Helper()
	if e.Platform == manifest.NA {
		line := []byte("msikit verify test filler for " + base + "\r\n")
		b := make([]byte, e.Size)
		for i := range b {
			b[i] = line[i%len(line)]
		}
		return b
	}
	v, err := pever.ParseVersion(e.Version)
	require.NoError(t, err)
	b, err := pever.Build(pever.Options{Machine: machines[e.Platform], DLL: strings.HasSuffix(base, ".dll"),
		FileVersion: v, ProductVersion: v, FileDescription: base, OriginalFilename: base,
		Language: 0x409, CodePage: 1200, Size: e.Size})
	require.NoError(t, err)
	return b
}

// buildKB builds a package holding exactly the rows of a variant of the
// built-in KB977203 manifest, in the replica's layout, with the rows'
// dates as cabinet times. edit, if set, changes the database before it
// is saved (to make its File table lie, say).
func buildKB(t testing.TB, sp string, edit func(*build.Result)) string {
	t.Helper()
	v, err := kbManifest(t).Variant(sp)
	require.NoError(t, err)
	dir := t.TempDir()
	spec := &build.Spec{Product: build.Product{Name: "KB977203 " + sp + " verify test", Version: "4.0.1",
		Manufacturer: "msikit tests", UpgradeCode: "{6B1E2F0C-3A4D-4E5F-8A9B-0C1D2E3F4A5B}", Root: "TARGETDIR",
		Compression: "none"}}
	for _, pl := range kbLayout(sp) {
		es := v.Lookup(pl[0], pl[1])
		require.Len(t, es, 1, pl)
		src := filepath.Join(dir, "src", filepath.FromSlash(pl[2]))
		require.NoError(t, os.MkdirAll(filepath.Dir(src), 0o755))
		require.NoError(t, os.WriteFile(src, kbContent(t, es[0], filepath.Base(pl[2])), 0o644))
		mod := es[0].Modified
		spec.Files = append(spec.Files, build.FileSpec{Source: src, Path: pl[2], Modified: &mod})
	}
	require.NoError(t, spec.Check())
	res, err := build.Build(spec, dir)
	require.NoError(t, err)
	if edit != nil {
		edit(res)
	}
	out := filepath.Join(dir, "SCCM2007-"+sp+"-KB977203-ENU.msi")
	require.NoError(t, build.Save(res, spec, out))
	return out
}

var (
	kbOnce   sync.Map // variant → *kbBuilt
	kbMu     sync.Mutex
	kbShared []string // the folders of the shared packages, removed by TestMain
)

func TestMain(m *testing.M) {
	code := m.Run()
	for _, d := range kbShared {
		os.RemoveAll(d)
	}
	os.Exit(code)
}

type kbBuilt struct {
	once sync.Once
	path string
}

// sharedKB builds a variant's package once per test binary, for tests
// that only read it.
func sharedKB(t *testing.T, sp string) string {
	v, _ := kbOnce.LoadOrStore(sp, &kbBuilt{})
	b := v.(*kbBuilt)
	b.once.Do(func() {
		dir, err := os.MkdirTemp("", "verify-kb-"+sp+"-")
		require.NoError(t, err)
		kbMu.Lock()
		kbShared = append(kbShared, dir)
		kbMu.Unlock()
		p := buildKB(t, sp, nil)
		b.path = filepath.Join(dir, filepath.Base(p))
		data, err := os.ReadFile(p)
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(b.path, data, 0o644))
	})
	require.NotEmpty(t, b.path, "building the %s package failed in an earlier test", sp)
	return b.path
}

// extractTree writes the files of a package under a new folder with
// msikit's library, each with its cabinet time as modification time (as
// msikit extract and cabextract do: the wall clock in the local zone).
func extractTree(t testing.TB, pkg string) string {
	t.Helper()
	p, err := msi.Open(pkg)
	require.NoError(t, err)
	defer p.Close()
	files, err := msi.FileList(p, msi.FileOptions{Layout: msi.LayoutAdmin})
	require.NoError(t, err)
	dir := t.TempDir()
	_, err = p.ReadFiles(files, msi.ReadOptions{Workers: 1}, func(c msi.FileContent) error {
		dst := filepath.Join(dir, filepath.FromSlash(c.File.Path))
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return err
		}
		w, err := os.Create(dst)
		if err != nil {
			return err
		}
		if _, err := io.Copy(w, c.Reader); err != nil {
			w.Close()
			return err
		}
		if err := w.Close(); err != nil {
			return err
		}
		return os.Chtimes(dst, c.Modified, c.Modified)
	})
	require.NoError(t, err)
	return dir
}

// moduleRoot is the directory holding go.mod, found from the test's
// working directory.
func moduleRoot(t testing.TB) string {
	dir, err := os.Getwd()
	require.NoError(t, err)
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		require.NotEqual(t, parent, dir, "go.mod not found")
		dir = parent
	}
}

// replica returns the path of the committed KB977203 replica of a
// service pack, skipping the test when fixtures/gen has not made it.
func replica(t *testing.T, sp string) string {
	p := filepath.Join(moduleRoot(t), "fixtures", "kb977203", "SCCM2007-"+sp+"-KB977203-ENU.msi")
	if _, err := os.Stat(p); err != nil {
		testutil.Skip(t, "%s absent (made by fixtures/gen): %v", p, err)
	}
	return p
}

// dbTable returns the named table of db, or nil.
func dbTable(db *msi.Database, name string) *msi.Table {
	t, _ := db.Table(name)
	return t
}
