package msi_test

import (
	"bytes"
	"path/filepath"
	"testing"

	"github.com/msikit/msikit/msi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestModifyPackage: set a property, change the summary, drop a stream
// and save; the copy reads back with exactly those changes.
func TestModifyPackage(t *testing.T) {
	p, err := msi.Open("../fixtures/hello.msi")
	require.NoError(t, err)
	defer p.Close()
	db, err := p.Database()
	require.NoError(t, err)
	require.NoError(t, db.SetProperty("ProductVersion", "1.2.4"))
	require.NoError(t, db.SetProperty("NEWPROP", "yes"))
	db.Summary.Comments = "changed by a test"
	require.True(t, db.DeleteStream("Binary.Logo"))
	db.DropTable("Binary")
	out := filepath.Join(t.TempDir(), "changed.msi")
	require.NoError(t, db.SaveFile(out))

	q, err := msi.Open(out)
	require.NoError(t, err)
	defer q.Close()
	props, err := q.Table("Property")
	require.NoError(t, err)
	r, _ := props.Lookup("ProductVersion")
	assert.Equal(t, "1.2.4", r.String("Value"))
	r, ok := props.Lookup("NEWPROP")
	assert.True(t, ok)
	assert.Equal(t, "yes", r.String("Value"))
	s, err := q.SummaryInfo()
	require.NoError(t, err)
	assert.Equal(t, "changed by a test", s.Comments)
	assert.False(t, q.HasStream("Binary.Logo"))
	assert.False(t, q.HasTable("Binary"))
	// Everything else is as it was.
	for _, tn := range []string{"File", "Directory", "Component", "Media"} {
		var a, b bytes.Buffer
		require.NoError(t, p.WriteIDT(&a, tn))
		require.NoError(t, q.WriteIDT(&b, tn))
		assert.Equal(t, a.String(), b.String(), tn)
	}
	cab1, err := p.ReadStream("hello.cab")
	require.NoError(t, err)
	cab2, err := q.ReadStream("hello.cab")
	require.NoError(t, err)
	assert.Equal(t, cab1, cab2)
}
