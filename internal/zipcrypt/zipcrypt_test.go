package zipcrypt

import (
	"archive/zip"
	"bytes"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/msikit/msikit/internal/testutil"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func readEntries(t *testing.T, path string, password []byte) (map[string][]byte, error) {
	t.Helper()
	zr, err := zip.OpenReader(path)
	require.NoError(t, err)
	defer zr.Close()
	out := map[string][]byte{}
	for _, f := range zr.File {
		rc, err := Open(f, password)
		if err != nil {
			return out, err
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			return out, err
		}
		out[f.Name] = b
	}
	return out, nil
}

// TestSevenZipArchives decrypts archives 7-Zip makes with each method.
func TestSevenZipArchives(t *testing.T) {
	testutil.Tool(t, "7z")
	dir := t.TempDir()
	files := map[string][]byte{
		"a.txt": bytes.Repeat([]byte("hello world "), 100),
		"b.bin": pseudoRandom(70000),
		"empty": {},
	}
	var names []string
	for n, b := range files {
		require.NoError(t, os.WriteFile(filepath.Join(dir, n), b, 0o644))
		names = append(names, n)
	}
	for _, method := range []string{"ZipCrypto", "AES128", "AES192", "AES256"} {
		t.Run(method, func(t *testing.T) {
			zipPath := filepath.Join(dir, method+".zip")
			args := append([]string{"a", "-tzip", "-pKB977203-replica", "-mem=" + method, zipPath}, names...)
			cmd := exec.Command("7z", args...)
			cmd.Dir = dir
			out, err := cmd.CombinedOutput()
			require.NoError(t, err, "%s", out)

			got, err := readEntries(t, zipPath, []byte("KB977203-replica"))
			require.NoError(t, err)
			assert.Equal(t, files, got)

			_, err = readEntries(t, zipPath, []byte("wrong"))
			require.Error(t, err)
			// One wrong password in 256 passes the traditional check byte;
			// the CRC catches it then.
			assert.True(t, errors.Is(err, ErrPassword) || errors.Is(err, ErrChecksum), "%v", err)

			_, err = readEntries(t, zipPath, nil)
			assert.ErrorIs(t, err, ErrNeedPassword)
		})
	}
}

func pseudoRandom(n int) []byte {
	b := make([]byte, n)
	x := uint32(2463534242)
	for i := range b {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		b[i] = byte(x)
	}
	return b
}

// TestCreate writes an archive with each method, reads it back, and has
// 7-Zip test and extract it with the password.
func TestCreate(t *testing.T) {
	files := map[string][]byte{"SCCM2007-SP2-KB977203-ENU.msi": pseudoRandom(50000), "readme.txt": []byte("the password came by e-mail\n")}
	mod := time.Date(2010, 2, 1, 12, 0, 0, 0, time.UTC)
	for _, m := range []Method{Traditional, AES128, AES256} {
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		for _, n := range []string{"SCCM2007-SP2-KB977203-ENU.msi", "readme.txt"} {
			require.NoError(t, Create(zw, n, mod, files[n], []byte("KB977203-replica"), m))
		}
		require.NoError(t, zw.Close())
		path := filepath.Join(t.TempDir(), "x.zip")
		require.NoError(t, os.WriteFile(path, buf.Bytes(), 0o644))
		got, err := readEntries(t, path, []byte("KB977203-replica"))
		require.NoError(t, err, "method %d", m)
		assert.Equal(t, files, got)
		zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
		require.NoError(t, err)
		assert.Equal(t, mod, zr.File[0].Modified.UTC(), "the entry's time")

		// The same input gives the same bytes.
		var again bytes.Buffer
		zw = zip.NewWriter(&again)
		for _, n := range []string{"SCCM2007-SP2-KB977203-ENU.msi", "readme.txt"} {
			require.NoError(t, Create(zw, n, mod, files[n], []byte("KB977203-replica"), m))
		}
		require.NoError(t, zw.Close())
		assert.Equal(t, buf.Bytes(), again.Bytes())

		if _, err := exec.LookPath("7z"); err != nil {
			continue
		}
		out := t.TempDir()
		msg, err := exec.Command("7z", "x", "-pKB977203-replica", "-o"+out, path).CombinedOutput()
		require.NoError(t, err, "7z: %s", msg)
		for n, want := range files {
			b, err := os.ReadFile(filepath.Join(out, n))
			require.NoError(t, err)
			assert.Equal(t, want, b, "7z extracts %s (method %d)", n, m)
		}
		msg, err = exec.Command("7z", "t", "-pwrong", path).CombinedOutput()
		assert.Error(t, err, "7z refuses the wrong password: %s", msg)
	}
}

// TestSelfExtracting: a ZIP behind an executable stub, as hotfix
// downloads are, opens with archive/zip and decrypts.
func TestSelfExtracting(t *testing.T) {
	var buf bytes.Buffer
	buf.Write(append([]byte("MZ"), make([]byte, 4094)...))
	zw := zip.NewWriter(&buf)
	zw.SetOffset(4096)
	require.NoError(t, Create(zw, "a.msi", time.Date(2010, 1, 1, 0, 0, 0, 0, time.UTC), []byte("payload"), []byte("pw"), AES256))
	require.NoError(t, zw.Close())
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	require.NoError(t, err)
	require.Len(t, zr.File, 1)
	rc, err := Open(zr.File[0], []byte("pw"))
	require.NoError(t, err)
	b, err := io.ReadAll(rc)
	require.NoError(t, err)
	assert.Equal(t, "payload", string(b))
}

// TestDamaged: a flipped byte in encrypted data is caught by the CRC
// (traditional) or the authentication code (AES), never delivered as
// good.
func TestDamaged(t *testing.T) {
	for _, m := range []Method{Traditional, AES256} {
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		data := pseudoRandom(5000)
		require.NoError(t, Create(zw, "f", time.Date(2010, 1, 1, 0, 0, 0, 0, time.UTC), data, []byte("pw"), m))
		require.NoError(t, zw.Close())
		b := buf.Bytes()
		b[30+1+40] ^= 0x55 // inside the data, past the local header and name
		zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
		require.NoError(t, err)
		rc, err := Open(zr.File[0], []byte("pw"))
		if err == nil {
			_, err = io.ReadAll(rc)
		}
		require.Error(t, err, "method %d", m)
	}
}
