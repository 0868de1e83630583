package manifest

import (
	"testing"

	"github.com/msikit/msikit/msi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestFromPackage(t *testing.T) {
	p, err := msi.Open("../fixtures/hello.msi")
	require.NoError(t, err)
	defer p.Close()
	m, err := FromPackage(p, GenerateOptions{Variant: "v1", Hashes: true})
	require.NoError(t, err)
	assert.Equal(t, "hello.msi", m.Name)
	require.Len(t, m.Variants, 1)
	assert.Equal(t, "v1", m.Variants[0].Name)
	files, err := msi.FileList(p, msi.FileOptions{Layout: msi.LayoutAdmin})
	require.NoError(t, err)
	require.Len(t, m.Variants[0].Entries, len(files))
	for i, e := range m.Variants[0].Entries {
		assert.Equal(t, files[i].LongName, e.Name)
		assert.Equal(t, files[i].Size, e.Size, e.Name)
		assert.Len(t, e.SHA256, 64, e.Name)
	}
}
