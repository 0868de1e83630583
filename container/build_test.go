package container

import (
	"archive/zip"
	"bytes"
	"testing"
	"time"

	"github.com/msikit/msikit/cab"
	"github.com/msikit/msikit/internal/burn/bundle"
	"github.com/msikit/msikit/internal/installshield"
	"github.com/msikit/msikit/internal/pever"
	"github.com/msikit/msikit/internal/zipcrypt"
	"github.com/stretchr/testify/require"
)

// Builders of the wrappers users download, for the tests to make at run
// time.

var buildTime = time.Date(2010, 1, 25, 6, 27, 0, 0, time.UTC)

// peStub is a minimal valid PE image: the self-extractor's place.
func peStub(t testing.TB) []byte {
	b, err := pever.Build(pever.Options{Machine: pever.MachineI386, FileVersion: pever.Version{Major: 1}})
	require.NoError(t, err)
	return b
}

// zipEntry is an entry for makeZip; Method 0 is deflate, unencrypted
// unless encrypted is set.
type zipEntry struct {
	name      string
	data      []byte
	encrypted bool
	method    uint16 // a raw method number, for unsupported ones
}

// makeZip writes entries after prefix (a self-extracting ZIP when
// prefix is a PE stub), encrypting with password and m where asked.
func makeZip(t testing.TB, prefix []byte, password string, m zipcrypt.Method, entries ...zipEntry) []byte {
	var buf bytes.Buffer
	buf.Write(prefix)
	zw := zip.NewWriter(&buf)
	zw.SetOffset(int64(len(prefix)))
	for _, e := range entries {
		switch {
		case e.method != 0:
			w, err := zw.CreateRaw(&zip.FileHeader{Name: e.name, Method: e.method, CompressedSize64: uint64(len(e.data)), UncompressedSize64: uint64(len(e.data))})
			require.NoError(t, err)
			w.Write(e.data)
		case e.encrypted:
			require.NoError(t, zipcrypt.Create(zw, e.name, buildTime, e.data, []byte(password), m))
		default:
			w, err := zw.CreateHeader(&zip.FileHeader{Name: e.name, Method: zip.Deflate, Modified: buildTime})
			require.NoError(t, err)
			w.Write(e.data)
		}
	}
	require.NoError(t, zw.Close())
	return buf.Bytes()
}

// makeCab writes a cabinet of name/data pairs.
func makeCab(t testing.TB, files ...string) []byte {
	var b bytes.Buffer
	w := cab.NewWriter(&b)
	for i := 0; i < len(files); i += 2 {
		fw, err := w.Create(files[i], buildTime)
		require.NoError(t, err)
		fw.Write([]byte(files[i+1]))
	}
	require.NoError(t, w.Close())
	return b.Bytes()
}

// makeBundle builds a Burn bundle.
func makeBundle(t testing.TB, s bundle.BuildSpec) *bundle.Built {
	b, err := bundle.Build(s)
	require.NoError(t, err)
	return b
}

// makeInstallShield builds an InstallShield launcher of the given
// format.
func makeInstallShield(t testing.TB, f installshield.Format, files ...installshield.BuildFile) []byte {
	ov, err := installshield.Build(installshield.BuildOptions{Format: f}, files)
	require.NoError(t, err)
	return installshield.BuildLauncher(ov, nil)
}
