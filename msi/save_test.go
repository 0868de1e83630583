package msi_test

import (
	"bytes"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/msikit/msikit/internal/testutil"
	"github.com/msikit/msikit/msi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// exportAll exports every table (and the pseudo-tables) with our reader.
func exportAll(t *testing.T, p *msi.Package) map[string]string {
	t.Helper()
	names, err := p.Tables()
	require.NoError(t, err)
	out := map[string]string{}
	for _, n := range append(names, msi.SummaryInformationTable, msi.ForceCodepageTable) {
		var b bytes.Buffer
		require.NoError(t, p.WriteIDT(&b, n), n)
		out[n] = b.String()
	}
	return out
}

// TestRewriteCorpus loads every corpus package into a Database, saves it,
// and checks that the copy reads back the same: every table's export (ours
// and msiinfo's), every stream and storage as Windows reads them, and
// zero-length table streams where the package had them. An entry the
// package shadows (Package.Warnings) is not one Windows reads, and the
// copy holds each name once.
func TestRewriteCorpus(t *testing.T) {
	for _, path := range testutil.CorpusFiles(t, testutil.PackageExts...) {
		name := filepath.Base(path)
		p, err := msi.Open(path)
		if err != nil {
			continue // damaged upstream: see TestCorpusAgainstMsiinfo
		}
		if _, err := p.Tables(); err != nil {
			p.Close()
			continue
		}
		t.Run(name, func(t *testing.T) {
			defer p.Close()
			db, err := p.Database()
			if p.Kind() == msi.KindTransform {
				require.ErrorIs(t, err, msi.ErrUnsupported)
				return
			}
			require.NoError(t, err)
			out := filepath.Join(t.TempDir(), name)
			err = db.SaveFile(out)
			if name == "VBRuntime.msi" {
				require.Error(t, err, "a truncated stream cannot be copied")
				assert.Contains(t, err.Error(), "Disk2.CAB")
				return
			}
			require.NoError(t, err)
			q, err := msi.Open(out)
			require.NoError(t, err)
			defer q.Close()
			assert.Equal(t, p.Kind(), q.Kind())
			assert.Equal(t, exportAll(t, p), exportAll(t, q))
			var a, b []string
			for _, e := range p.Entries() {
				a = append(a, e.Path())
			}
			for _, e := range q.Entries() {
				b = append(b, e.Path())
			}
			assert.ElementsMatch(t, a, b)
			assert.Empty(t, q.Warnings(), "the copy holds each name once")
			for _, s := range p.Streams() {
				x, err := p.ReadStream(s.Name)
				require.NoError(t, err)
				y, err := q.ReadStream(s.Name)
				require.NoError(t, err)
				assert.Equal(t, x, y, s.Name)
			}
			if _, err := exec.LookPath("msiinfo"); err == nil {
				names, _ := p.Tables()
				for _, tn := range append(names, msi.SummaryInformationTable) {
					want, err1 := msiinfo(t, "export", path, tn)
					got, err2 := msiinfo(t, "export", out, tn)
					if err1 != nil {
						continue
					}
					require.NoError(t, err2, tn)
					assert.Equal(t, string(want), string(got), tn)
				}
			}
		})
	}
}
