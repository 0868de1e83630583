//go:build unix

package main

import (
	"bytes"
	stdcontext "context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"syscall"
	"testing"
	"time"

	"github.com/msikit/msikit/internal/testutil"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestBuiltBinary builds msikit as `make build` does and runs it as a
// process: the version a checkout stamps, a FIFO refused by a real
// process in time, and a package piped into "-".
func TestBuiltBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: the binary is not built")
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		testutil.Skip(t, "go not on PATH: %v", err)
	}
	bin := filepath.Join(t.TempDir(), "msikit")
	out, err := exec.Command(goTool, "build", "-buildvcs=auto", "-o", bin, ".").CombinedOutput()
	require.NoError(t, err, "%s", out)

	t.Run("version", func(t *testing.T) {
		out, err := exec.Command(bin, "--version").Output()
		require.NoError(t, err)
		v := string(out)
		assert.Regexp(t, `^msikit \S.*\n$`, v)
		assert.NotEqual(t, "msikit dev\n", v)
		root := testutil.ModuleRoot(t)
		if err := exec.Command("git", "-C", root, "rev-parse", "HEAD").Run(); err != nil {
			testutil.Skip(t, "not a git checkout: %v", err)
		}
		// The commit built from (HEAD then: others may commit since).
		m := regexp.MustCompile(`^msikit \(devel\) rev ([0-9a-f]{7}) \d{4}-\d{2}-\d{2}(, modified)?\n$`).FindStringSubmatch(v)
		if m == nil && v == "msikit (devel)\n" {
			// go build stamps no revision in some checkouts (a linked
			// git worktree, say); a plain clone, as CI has, gets one.
			testutil.Skip(t, "go build stamped no VCS revision in %s", root)
		}
		require.NotNil(t, m, v)
		assert.NoError(t, exec.Command("git", "-C", root, "cat-file", "-e", m[1]+"^{commit}").Run(), "%s is a commit", m[1])
		out2, err := exec.Command(bin, "version").Output()
		require.NoError(t, err)
		assert.Equal(t, v, string(out2))
	})

	t.Run("fifo", func(t *testing.T) {
		fifo := filepath.Join(t.TempDir(), "in.cab")
		if err := syscall.Mkfifo(fifo, 0o600); err != nil {
			t.Skipf("mkfifo: %v", err)
		}
		for _, args := range [][]string{{"info", fifo}, {"cab", "list", fifo}, {"verify", fifo, "-m", "kb977203"}, {"pe", fifo}} {
			ctx, cancel := stdcontext.WithTimeout(stdcontext.Background(), 10*time.Second)
			cmd := exec.CommandContext(ctx, bin, args...)
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			err := cmd.Run()
			cancel()
			require.NotErrorIs(t, ctx.Err(), stdcontext.DeadlineExceeded, "%v blocked on the FIFO", args)
			var ee *exec.ExitError
			require.ErrorAs(t, err, &ee, "%v", args)
			assert.Equal(t, 1, ee.ExitCode(), "%v", args)
			assert.Contains(t, stderr.String(), fifo+" is not a regular file (a FIFO)", "%v", args)
		}
	})

	t.Run("stdin", func(t *testing.T) {
		pkg, err := os.ReadFile(hello)
		require.NoError(t, err)
		want, err := exec.Command(bin, "files", hello).Output()
		require.NoError(t, err)
		cmd := exec.Command(bin, "files", "-")
		cmd.Stdin = bytes.NewReader(pkg) // a pipe: spooled
		got, err := cmd.Output()
		require.NoError(t, err)
		assert.Equal(t, string(want), string(got))
		assert.Contains(t, string(got), "readme.txt")
	})
}
