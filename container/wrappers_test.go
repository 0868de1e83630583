package container

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/msikit/msikit/internal/burn"
	"github.com/msikit/msikit/internal/burn/bundle"
	"github.com/msikit/msikit/internal/installshield"
	"github.com/msikit/msikit/internal/zipcrypt"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func writeFile(t *testing.T, dir, name string, b []byte) string {
	p := filepath.Join(dir, name)
	require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
	require.NoError(t, os.WriteFile(p, b, 0o644))
	return p
}

// TestZipEncryptions: a self-extracting ZIP (a PE stub, then the
// archive) with entries encrypted each way, a nested encrypted ZIP, a
// cabinet inside and an entry of an unsupported method, reported by
// name, not skipped.
func TestZipEncryptions(t *testing.T) {
	stub := peStub(t)
	for _, m := range []zipcrypt.Method{zipcrypt.Traditional, zipcrypt.AES128, zipcrypt.AES256} {
		inner := makeZip(t, nil, "pw", m, zipEntry{name: "deep.txt", data: []byte("deep inside"), encrypted: true})
		sfx := makeZip(t, stub, "pw", m,
			zipEntry{name: "dir/a.txt", data: []byte("alpha"), encrypted: true},
			zipEntry{name: "plain.txt", data: []byte("not encrypted")},
			zipEntry{name: "inner.zip", data: inner, encrypted: true},
			zipEntry{name: "files.cab", data: makeCab(t, "x.txt", "in a cabinet"), encrypted: true},
			zipEntry{name: "lzma.bin", data: []byte("whatever"), method: 14},
		)
		path := writeFile(t, t.TempDir(), "download_zip.exe", sfx)
		tree := byPath(walkFile(t, path, &Options{Password: password("pw")}, 0))
		assert.Equal(t, ZIP, tree["download_zip.exe"].Kind, "method %d", m)
		assert.Equal(t, "alpha", tree["download_zip.exe/dir/a.txt"].Data)
		assert.Equal(t, "not encrypted", tree["download_zip.exe/plain.txt"].Data)
		assert.Equal(t, ZIP, tree["download_zip.exe/inner.zip"].Kind)
		assert.Equal(t, "deep inside", tree["download_zip.exe/inner.zip/deep.txt"].Data)
		assert.Equal(t, Cabinet, tree["download_zip.exe/files.cab"].Kind)
		assert.Equal(t, "in a cabinet", tree["download_zip.exe/files.cab/x.txt"].Data)
		lz := tree["download_zip.exe/lzma.bin"]
		require.Error(t, lz.Err, "an unsupported method is reported")
		assert.True(t, errors.Is(lz.Err, ErrUnsupported))
		assert.Contains(t, lz.Err.Error(), "lzma.bin")
		assert.Contains(t, lz.Err.Error(), "method 14")

		_, err := OpenFile(path, &Options{Password: password("wrong")})
		assert.True(t, errors.Is(err, ErrPassword), "%v", err)
	}
}

// TestZipNestedPassword: a nested archive whose password is another is
// an entry naming it, with its kind; the walk goes on.
func TestZipNestedPassword(t *testing.T) {
	inner := makeZip(t, nil, "other", zipcrypt.AES256, zipEntry{name: "deep.txt", data: []byte("deep"), encrypted: true})
	outer := makeZip(t, nil, "", 0, zipEntry{name: "inner.zip", data: inner}, zipEntry{name: "b.txt", data: []byte("b")})
	path := writeFile(t, t.TempDir(), "outer.zip", outer)
	asked := []string{}
	tree := byPath(walkFile(t, path, &Options{Password: func(a string) ([]byte, error) {
		asked = append(asked, a)
		return []byte("pw"), nil
	}}, 0))
	assert.Equal(t, []string{"outer.zip/inner.zip"}, asked, "asked for the nested archive only, by its path")
	n := tree["outer.zip/inner.zip"]
	assert.Equal(t, ZIP, n.Kind)
	assert.True(t, errors.Is(n.Err, ErrPassword), "%v", n.Err)
	assert.Contains(t, n.Err.Error(), "outer.zip/inner.zip")
	assert.Equal(t, "b", tree["outer.zip/b.txt"].Data)
}

// bundleSpec is a bundle with a UX payload, an attached container
// holding a ZIP and a file under a folder, and a detached container.
func bundleSpec(t *testing.T) bundle.BuildSpec {
	return bundle.BuildSpec{
		UX: []bundle.BuildPayload{{ID: "ba", FilePath: "ba.dll", Data: []byte("MZ bootstrapper")}},
		Containers: []bundle.BuildContainer{
			{ID: "WixAttachedContainer", FilePath: "setup.exe", Payloads: []bundle.BuildPayload{
				{ID: "tool", FilePath: `redist\tool.zip`, Data: makeZip(t, nil, "", 0, zipEntry{name: "tool.exe", data: []byte("MZ tool")})},
				{ID: "readme", FilePath: `docs\readme.txt`, Data: bytes.Repeat([]byte("read me "), 1000)},
			}},
			{ID: "Extra", FilePath: "extra.cab", Detached: true, Payloads: []bundle.BuildPayload{
				{ID: "extra", FilePath: "extra.txt", Data: []byte("from the detached container")},
			}},
		},
	}
}

// TestBurnBundle: payloads come out under their FilePath names, from the
// attached container after the engine and the detached one beside the
// bundle, and are opened in turn.
func TestBurnBundle(t *testing.T) {
	built := makeBundle(t, bundleSpec(t))
	dir := t.TempDir()
	path := writeFile(t, dir, "setup.exe", built.Bundle)
	writeFile(t, dir, "EXTRA.CAB", built.Detached["extra.cab"]) // found whatever its case
	tree := byPath(walkFile(t, path, nil, 0))
	assert.Equal(t, Burn, tree["setup.exe"].Kind)
	assert.Equal(t, "MZ bootstrapper", tree["setup.exe/ba.dll"].Data)
	assert.Equal(t, ZIP, tree["setup.exe/redist/tool.zip"].Kind)
	assert.Equal(t, "MZ tool", tree["setup.exe/redist/tool.zip/tool.exe"].Data)
	assert.Equal(t, digest(bytes.Repeat([]byte("read me "), 1000)), tree["setup.exe/docs/readme.txt"].Data)
	assert.Equal(t, "from the detached container", tree["setup.exe/extra.txt"].Data)
	for _, n := range tree {
		assert.NoError(t, n.Err, n.Path)
	}
	assert.Len(t, tree, 6)
}

// TestBurnMissingDetached: without the detached container, its payload
// is an entry naming the container and its file, ErrMissing; the others
// are read.
func TestBurnMissingDetached(t *testing.T) {
	built := makeBundle(t, bundleSpec(t))
	path := writeFile(t, t.TempDir(), "setup.exe", built.Bundle)
	tree := byPath(walkFile(t, path, nil, 0))
	n := tree["setup.exe/extra.txt"]
	require.Error(t, n.Err)
	assert.True(t, errors.Is(n.Err, ErrMissing), "%v", n.Err)
	assert.Contains(t, n.Err.Error(), `"Extra"`)
	assert.Contains(t, n.Err.Error(), "extra.cab")
	assert.Equal(t, "MZ tool", tree["setup.exe/redist/tool.zip/tool.exe"].Data)

	// A detached container cut short is named too.
	dir := t.TempDir()
	path = writeFile(t, dir, "setup.exe", built.Bundle)
	cabBytes := built.Detached["extra.cab"]
	writeFile(t, dir, "extra.cab", cabBytes[:len(cabBytes)-10])
	n = byPath(walkFile(t, path, nil, 0))["setup.exe/extra.txt"]
	assert.True(t, errors.Is(n.Err, ErrTruncated), "%v", n.Err)
	assert.Contains(t, n.Err.Error(), "extra.cab")
}

// TestBurnTruncated: a bundle cut inside its attached container does not
// pass as complete: each payload of the container is an error naming it,
// wrapping ErrTruncated; the bootstrapper application's payloads are
// still read.
func TestBurnTruncated(t *testing.T) {
	built := makeBundle(t, bundleSpec(t))
	for _, cut := range []int{len(built.Bundle) - 100, len(built.Bundle) - 1} {
		path := writeFile(t, t.TempDir(), "setup.exe", built.Bundle[:cut])
		tree := byPath(walkFile(t, path, nil, 0))
		assert.Equal(t, "MZ bootstrapper", tree["setup.exe/ba.dll"].Data)
		for _, name := range []string{"setup.exe/redist/tool.zip", "setup.exe/docs/readme.txt"} {
			n := tree[name]
			require.Error(t, n.Err, name)
			assert.True(t, errors.Is(n.Err, ErrTruncated), "%s: %v", name, n.Err)
			assert.Contains(t, n.Err.Error(), "WixAttachedContainer")
		}
	}
}

// TestExeCabinets: cabinets embedded in an executable, at any offset.
func TestExeCabinets(t *testing.T) {
	exe := append(append(peStub(t), makeCab(t, "a.txt", "first")...), []byte("padding between")...)
	exe = append(append(exe, makeCab(t, `sub\b.txt`, "second")...), []byte(" trailer")...)
	path := writeFile(t, t.TempDir(), "sfxcab.exe", exe)
	tree := byPath(walkFile(t, path, nil, 0))
	assert.Equal(t, ExeCabinets, tree["sfxcab.exe"].Kind)
	assert.Equal(t, "first", tree["sfxcab.exe/a.txt"].Data)
	assert.Equal(t, "second", tree["sfxcab.exe/sub/b.txt"].Data)

	// Cut inside the second cabinet: what is left is read, the cut is
	// an entry wrapping ErrTruncated.
	path = writeFile(t, t.TempDir(), "sfxcab.exe", exe[:len(exe)-20])
	tree = byPath(walkFile(t, path, nil, 0))
	assert.Equal(t, "first", tree["sfxcab.exe/a.txt"].Data)
	var cut bool
	for _, n := range tree {
		if errors.Is(n.Err, ErrTruncated) {
			cut = true
		}
	}
	assert.True(t, cut, "the cut is reported: %v", tree)
}

// TestInstallShieldBuilt: an InstallShield launcher of each layout, its
// MSI-like and cabinet files opened in turn.
func TestInstallShieldBuilt(t *testing.T) {
	cabFile := makeCab(t, "engine.dll", "MZ engine")
	for _, f := range []installshield.Format{installshield.FormatInstallShield, installshield.FormatSetupStream, installshield.FormatPlain} {
		files := []installshield.BuildFile{
			{Name: "setup.ini", Data: []byte("[Startup]")},
			{Name: "engine32.cab", Data: cabFile},
		}
		if f != installshield.FormatPlain {
			files[0].Flags, files[0].Compress = installshield.FlagBlockObfuscate, true
			files[1].Flags = installshield.FlagObfuscated
		}
		path := writeFile(t, t.TempDir(), "setup.exe", makeInstallShield(t, f, files...))
		tree := byPath(walkFile(t, path, nil, 0))
		assert.Equal(t, InstallShield, tree["setup.exe"].Kind, "%s", f)
		assert.Equal(t, "[Startup]", tree["setup.exe/setup.ini"].Data, "%s", f)
		assert.Equal(t, int64(9), tree["setup.exe/setup.ini"].Size, "%s: the size is known once read", f)
		assert.Equal(t, Cabinet, tree["setup.exe/engine32.cab"].Kind, "%s", f)
		assert.Equal(t, "MZ engine", tree["setup.exe/engine32.cab/engine.dll"].Data, "%s", f)
	}
}

// TestDepth: a container at the depth limit is reported with its kind,
// not opened.
func TestDepth(t *testing.T) {
	z := makeZip(t, nil, "", 0, zipEntry{name: "leaf.txt", data: []byte("leaf")})
	for range 3 {
		z = makeZip(t, nil, "", 0, zipEntry{name: "n.zip", data: z})
	}
	path := writeFile(t, t.TempDir(), "top.zip", z)
	tree := walkFile(t, path, nil, 2)
	paths := []string{}
	for _, n := range tree {
		paths = append(paths, n.Path+" "+n.Kind.String())
	}
	assert.Equal(t, []string{"top.zip zip", "top.zip/n.zip zip", "top.zip/n.zip/n.zip zip"}, paths)
	assert.Len(t, walkFile(t, path, nil, 0), 5)
}

// TestNotContainer: a plain file is no container, named in the error.
func TestNotContainer(t *testing.T) {
	for name, b := range map[string][]byte{"text.txt": []byte("hello"), "plain.exe": peStub(t), "empty": nil} {
		path := writeFile(t, t.TempDir(), name, b)
		_, err := OpenFile(path, nil)
		assert.True(t, errors.Is(err, ErrNotContainer), "%s: %v", name, err)
		assert.Contains(t, err.Error(), name)
		k, err := Detect(bytes.NewReader(b), int64(len(b)))
		assert.NoError(t, err)
		assert.Equal(t, File, k, name)
	}
}

// TestBurnV4: a WiX 4 bundle (its namespace, SHA-512 hashes) reads the
// same way; a payload whose bytes do not match the manifest's hash is an
// error naming it.
func TestBurnV4(t *testing.T) {
	spec := bundleSpec(t)
	spec.Namespace = burn.NamespaceV4
	built := makeBundle(t, spec)
	dir := t.TempDir()
	path := writeFile(t, dir, "setup.exe", built.Bundle)
	writeFile(t, dir, "extra.cab", built.Detached["extra.cab"])
	tree := byPath(walkFile(t, path, nil, 0))
	assert.Equal(t, "MZ tool", tree["setup.exe/redist/tool.zip/tool.exe"].Data)
	assert.Equal(t, "from the detached container", tree["setup.exe/extra.txt"].Data)

	// Another manifest over the same containers: the UX payload's hash
	// no longer matches.
	spec.Manifest = bytes.Replace(built.Manifest, []byte(`FileSize="15"`), []byte(`FileSize="16"`), 1)
	bad := makeBundle(t, spec)
	path = writeFile(t, t.TempDir(), "setup.exe", bad.Bundle)
	n := byPath(walkFile(t, path, nil, 0))["setup.exe/ba.dll"]
	require.Error(t, n.Err)
	assert.Contains(t, n.Err.Error(), "ba.dll")
}

// TestNestingBomb: past the bound on containers opened in one walk, a
// container is an entry with an error, not opened: breadth at every
// level cannot multiply the work without end.
func TestNestingBomb(t *testing.T) {
	defer func(n int) { maxOpened = n }(maxOpened)
	maxOpened = 3
	inner := makeZip(t, nil, "", 0, zipEntry{name: "x.txt", data: []byte("x")})
	var entries []zipEntry
	for i := range 5 {
		entries = append(entries, zipEntry{name: fmt.Sprintf("z%d.zip", i), data: inner})
	}
	path := writeFile(t, t.TempDir(), "bomb.zip", makeZip(t, nil, "", 0, entries...))
	var opened, refused int
	for _, n := range walkFile(t, path, nil, 0) {
		switch {
		case n.Kind == ZIP && n.Err == nil && n.Path != "bomb.zip":
			opened++
		case n.Err != nil:
			refused++
			assert.True(t, errors.Is(n.Err, ErrFormat), "%v", n.Err)
		}
	}
	assert.Equal(t, 3, opened)
	assert.Equal(t, 2, refused)
}
