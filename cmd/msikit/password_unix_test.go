//go:build linux

package main

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/msikit/msikit/internal/ptytest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestPasswordPrompt: with no --password and no MSIKIT_PASSWORD, msikit
// asks on the terminal, naming the archive, and the password typed is
// not echoed.
func TestPasswordPrompt(t *testing.T) {
	master, slave, err := ptytest.Open(80, 24)
	if err != nil {
		t.Skipf("no pseudo-terminal: %v", err)
	}
	defer master.Close()
	out := t.TempDir()
	cmd := msikitProcess(t, []string{passwordEnv + "="}, "extract", "-q", "-r", replicaZip, "--only", "CCMCertFix.exe", "-o", out)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = slave, slave, slave
	require.NoError(t, cmd.Start())
	slave.Close()
	seen := &lockedBuffer{}
	done := make(chan struct{})
	go func() { io.Copy(seen, master); close(done) }()
	// Type the password once the prompt is there.
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(seen.String(), "Password for 977203-SP2_ENU_i386_zip.exe: ") && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	master.Write([]byte(replicaPassword + "\n"))
	require.NoError(t, cmd.Wait(), seen.String())
	master.Close()
	<-done
	assert.Contains(t, seen.String(), "Password for 977203-SP2_ENU_i386_zip.exe: ")
	assert.NotContains(t, seen.String(), replicaPassword, "not echoed")
	_, err = os.Stat(filepath.Join(out, "SCCM2007-SP2-KB977203-ENU.msi.extracted", "Logs", "KB977203", "CCMCertFix.exe"))
	assert.NoError(t, err)
}

// lockedBuffer is a bytes.Buffer safe for a writer and a reader at once.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
