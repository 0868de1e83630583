//go:build unix

package main

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestSingleOutputs: for every command that writes one file, -o - gives
// the bytes on standard output, -o FILE the same bytes, -o FIFO the same
// bytes to the FIFO's reader (which stays a FIFO), and -o /dev/null
// leaves the device a device.
func TestSingleOutputs(t *testing.T) {
	null, err := os.Stat(os.DevNull)
	require.NoError(t, err)
	require.NotZero(t, null.Mode()&fs.ModeCharDevice)
	for name, args := range singleOutputs(t) {
		t.Run(strings.ReplaceAll(name, " ", "_"), func(t *testing.T) {
			code, stdout, errOut := msikit(t, append(args, "-o", "-")...)
			require.Equal(t, 0, code, errOut)
			require.NotEmpty(t, stdout)

			dir := t.TempDir()
			file := filepath.Join(dir, "out")
			code, _, errOut = msikit(t, append(args, "-o", file)...)
			require.Equal(t, 0, code, errOut)
			b, err := os.ReadFile(file)
			require.NoError(t, err)
			assert.Equal(t, stdout, string(b), "-o FILE and -o - differ")

			fifo := filepath.Join(dir, "fifo")
			require.NoError(t, syscall.Mkfifo(fifo, 0o600))
			got := make(chan []byte)
			go func() {
				b, _ := os.ReadFile(fifo)
				got <- b
			}()
			code, _, errOut = msikit(t, append(args, "-o", fifo)...)
			require.Equal(t, 0, code, errOut)
			assert.Equal(t, stdout, string(<-got), "the FIFO's reader got other bytes")
			fi, err := os.Lstat(fifo)
			require.NoError(t, err)
			assert.NotZero(t, fi.Mode()&fs.ModeNamedPipe, "no longer a FIFO")

			code, _, errOut = msikit(t, append(args, "-o", os.DevNull)...)
			require.Equal(t, 0, code, errOut)
			after, err := os.Lstat(os.DevNull)
			require.NoError(t, err)
			require.NotZero(t, after.Mode()&fs.ModeCharDevice, "%s is no longer a device", os.DevNull)
			require.True(t, os.SameFile(null, after))
			assert.Equal(t, []string{"fifo", "out"}, listFiles(t, dir), "temporary files left")
		})
	}
}
