package msi_test

import (
	"bytes"
	"errors"
	"io"
	"os"
	"testing"

	"github.com/msikit/msikit/internal/testutil"
	"github.com/msikit/msikit/msi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestDamagedStreamsAreErrors opens a package whose header and
// allocation tables are whole but whose streams cannot be read: every
// entry point that reads tables says so, none reports an empty package.
func TestDamagedStreamsAreErrors(t *testing.T) {
	good, err := os.ReadFile("../fixtures/hello.msi")
	require.NoError(t, err)
	// hello.msi keeps its streams (the mini stream) in the sectors
	// before its directory, which starts at byte 7680, and its
	// allocation tables after it. Failing reads of the sectors in front
	// leaves a package that opens but whose tables are gone.
	const directoryAt = 7680
	for _, cut := range []int64{512, 1024, 2048} {
		ra := &holeReaderAt{r: bytes.NewReader(good), from: cut, to: directoryAt}
		p, err := msi.NewPackage(ra, int64(len(good)), "cut.msi")
		require.NoError(t, err, "the header and allocation tables are readable")
		checks := map[string]func() error{
			"Tables":           func() error { _, err := p.Tables(); return err },
			"FileList":         func() error { _, err := msi.FileList(p, msi.FileOptions{}); return err },
			"MediaList":        func() error { _, err := msi.MediaList(p); return err },
			"FileList install": func() error { _, err := msi.FileList(p, msi.FileOptions{Layout: msi.LayoutInstall}); return err },
			"ProductInfo":      func() error { _, err := msi.ReadProductInfo(p); return err },
		}
		for name, check := range checks {
			err := check()
			require.Error(t, err, "%s with sectors from %d unreadable", name, cut)
			assert.ErrorIs(t, err, msi.ErrFormat, name)
			assert.Contains(t, err.Error(), "cut.msi", name)
		}
	}
}

// holeReaderAt fails reads that touch [from, to).
type holeReaderAt struct {
	r        io.ReaderAt
	from, to int64
}

func (h *holeReaderAt) ReadAt(b []byte, off int64) (int, error) {
	if off < h.to && off+int64(len(b)) > h.from {
		return 0, errors.New("unreadable sector")
	}
	return h.r.ReadAt(b, off)
}

// TestTruncatedCorpusPackage: the first 4096 bytes of a real MSI open (its
// header and allocation table are there) but its tables are not.
func TestTruncatedCorpusPackage(t *testing.T) {
	path := testutil.Corpus(t, "mimetype", "msi.msi")
	p, err := msi.Open(path)
	require.NoError(t, err)
	defer p.Close()
	_, err = msi.FileList(p, msi.FileOptions{})
	require.ErrorIs(t, err, msi.ErrFormat)
	assert.Contains(t, err.Error(), "msi.msi: stream !_StringPool")
	assert.Contains(t, err.Error(), "truncated")
	_, err = msi.MediaList(p)
	require.ErrorIs(t, err, msi.ErrFormat)
}
