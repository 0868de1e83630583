package transform_test

import (
	"bytes"
	"io"
	"testing"

	"github.com/msikit/msikit/msi"
	"github.com/stretchr/testify/require"
)

// dbTable returns the named table of db, or nil.
func dbTable(db *msi.Database, name string) *msi.Table {
	t, _ := db.Table(name)
	return t
}

// streamOf reads a root stream of db whole.
func streamOf(t testing.TB, db *msi.Database, name string) []byte {
	r, _, err := db.OpenStream(name)
	require.NoError(t, err)
	defer r.Close()
	b, err := io.ReadAll(r)
	require.NoError(t, err)
	return b
}

// openBytes opens a package held in memory.
func openBytes(t testing.TB, b []byte) *msi.Package {
	t.Helper()
	p, err := msi.NewPackage(bytes.NewReader(b), int64(len(b)), "test.msi")
	require.NoError(t, err)
	return p
}
