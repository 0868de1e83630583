package msi_test

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/msikit/msikit/internal/testutil"
	"github.com/msikit/msikit/msi"
	"github.com/msikit/msikit/msi/transform"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// msiinfo runs msiinfo in UTC (it prints times in the local zone).
func msiinfo(t *testing.T, args ...string) ([]byte, error) {
	t.Helper()
	cmd := exec.Command("msiinfo", args...)
	cmd.Env = append(os.Environ(), "TZ=UTC")
	// msiinfo export writes the streams of binary columns into the
	// working directory: keep them out of the source tree.
	cmd.Dir = t.TempDir()
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	return cmd.Output()
}

func lines(b []byte) []string {
	s := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(s) == 1 && s[0] == "" {
		return nil
	}
	sort.Strings(s)
	return s
}

// unescapeIDT undoes the Windows control-character translation, which
// msiinfo does not apply: with it, our export must equal msiinfo's.
var unescapeIDT = strings.NewReplacer("\x15", "\x00", "\x1b", "\b", "\x10", "\t", "\x19", "\n", "\x18", "\f", "\x11", "\r")

// TestCorpusAgainstMsiinfo checks, for every corpus package msiinfo can
// read, that our table list and stream list equal msiinfo's as sets and
// that every table exports to the same bytes (up to the documented
// differences), and that we refuse the packages msiinfo cannot open.
func TestCorpusAgainstMsiinfo(t *testing.T) {
	testutil.Tool(t, "msiinfo")
	for _, path := range testutil.CorpusFiles(t, testutil.PackageExts...) {
		name := filepath.Base(path)
		t.Run(name, func(t *testing.T) {
			theirTables, err := msiinfo(t, "tables", path)
			p, openErr := msi.Open(path)
			if err != nil {
				// msiinfo cannot read it: we must refuse it too, naming it.
				if openErr == nil {
					_, openErr = p.Tables()
					p.Close()
				}
				require.Error(t, openErr, "msiinfo fails on %s but we read it", name)
				assert.ErrorIs(t, openErr, msi.ErrFormat)
				assert.Contains(t, openErr.Error(), name)
				return
			}
			require.NoError(t, openErr)
			defer p.Close()
			isTransform := p.Kind() == msi.KindTransform
			var ours []string
			if isTransform {
				// A transform holds changes: the tables it touches.
				tr, err := transform.Open(p)
				require.NoError(t, err)
				for _, n := range tr.Tables() {
					if n != "_Tables" && n != "_Columns" {
						ours = append(ours, n)
					}
				}
			} else {
				ours, err = p.Tables()
				require.NoError(t, err)
			}
			ours = append(ours, msi.SummaryInformationTable, msi.ForceCodepageTable)
			sort.Strings(ours)
			if isTransform {
				// msiinfo reads a transform's _Tables as a database's,
				// so a dropped table shows as a row with no name; we
				// list the tables the transform touches. What msiinfo
				// names must be among them.
				for _, n := range lines(theirTables) {
					if n != "" {
						assert.Contains(t, ours, n, "tables")
					}
				}
			} else {
				assert.Equal(t, lines(theirTables), ours, "tables")
			}

			theirStreams, err := msiinfo(t, "streams", path)
			require.NoError(t, err)
			var streams []string
			for _, s := range p.Streams() {
				streams = append(streams, s.Name)
			}
			sort.Strings(streams)
			// msiinfo lists every entry the compound file holds; we list
			// the ones Windows reads, once each, and report the entries
			// a duplicate name shadows (putty-0.68-installer.msi).
			var theirs []string
			for _, n := range lines(theirStreams) {
				if len(theirs) > 0 && theirs[len(theirs)-1] == n {
					shown := strings.ReplaceAll(n, "\x05", `\x05`)
					assert.True(t, slices.ContainsFunc(p.Warnings(), func(w string) bool {
						return strings.HasPrefix(w, "stream "+shown+" appears twice")
					}), "msiinfo lists %q twice: a warning says which is read", n)
					continue
				}
				theirs = append(theirs, n)
			}
			assert.Equal(t, theirs, streams, "streams")

			for _, table := range lines(theirTables) {
				if isTransform && table != msi.SummaryInformationTable && table != msi.ForceCodepageTable {
					continue // msiinfo's rows are the transform's records read as a database's
				}
				want, err := msiinfo(t, "export", path, table)
				if err != nil {
					t.Logf("msiinfo export %s %s fails (%v): not compared", name, table, err)
					continue
				}
				var got bytes.Buffer
				require.NoError(t, p.WriteIDT(&got, table), "export %s", table)
				if table == msi.ForceCodepageTable {
					// msiinfo writes a stray NUL after the line.
					want = bytes.TrimSuffix(want, []byte{0})
				}
				assert.Equal(t, string(want), unescapeIDT.Replace(got.String()), "export %s", table)
			}
		})
	}
}

// TestExportEscapesControlCharacters shows why our export differs from
// msiinfo's for values holding tabs or line breaks: msiinfo writes them
// raw, so the row no longer has the table's number of fields and cannot be
// imported again; Windows translates them (tab to 0x10, LF to 0x19, CR to
// 0x11), and so do we.
func TestExportEscapesControlCharacters(t *testing.T) {
	p, err := msi.Open("../fixtures/hello.msi")
	require.NoError(t, err)
	defer p.Close()
	var got bytes.Buffer
	require.NoError(t, p.WriteIDT(&got, "Property"))
	rows := strings.Split(strings.TrimSuffix(got.String(), "\r\n"), "\r\n")
	require.Greater(t, len(rows), 3)
	for _, r := range rows {
		assert.Len(t, strings.Split(r, "\t"), 2, "row %q", r)
	}
	assert.Contains(t, rows, "GREETING\ttab\x10and line\x19break")

	if _, err := exec.LookPath("msiinfo"); err != nil {
		testutil.Skip(t, "msiinfo not installed: skipping the comparison with it")
	}
	abs, err := filepath.Abs("../fixtures/hello.msi")
	require.NoError(t, err)
	theirs, err := msiinfo(t, "export", abs, "Property")
	require.NoError(t, err)
	assert.Contains(t, string(theirs), "GREETING\ttab\tand line\nbreak\r\n", "msiinfo writes the raw characters")
}

// TestDamagedPackages cuts a good package short at many places: each
// result is refused with an error naming the file, or read, never a panic.
func TestDamagedPackages(t *testing.T) {
	good, err := os.ReadFile("../fixtures/hello.msi")
	require.NoError(t, err)
	for _, n := range []int{0, 7, 8, 511, 512, 513, 1024, 1536, 2048, 4096, len(good) / 2, len(good) - 512, len(good) - 1} {
		b := good[:n]
		p, err := msi.NewPackage(bytes.NewReader(b), int64(len(b)), "cut.msi")
		if err == nil {
			_, err = p.Tables()
			if err == nil {
				_, err = p.Table("File")
			}
		}
		require.Error(t, err, "a package cut at %d bytes", n)
		assert.True(t, errors.Is(err, msi.ErrFormat) || errors.Is(err, msi.ErrNotFound), "cut at %d: %v", n, err)
		assert.Contains(t, err.Error(), "cut.msi", "cut at %d", n)
	}
	// Not a compound file at all.
	_, err = msi.NewPackage(bytes.NewReader(bytes.Repeat([]byte("MZ"), 600)), 1200, "setup.exe")
	require.ErrorIs(t, err, msi.ErrFormat)
	assert.Equal(t, "setup.exe: invalid or damaged package: not a compound file (bad signature)", err.Error())
}
