package msi_test

import (
	"bytes"
	"crypto/md5"
	"io"
	"sort"
	"strconv"
	"testing"
	"time"

	"github.com/msikit/msikit/cab"
	"github.com/msikit/msikit/internal/testutil"
	"github.com/msikit/msikit/msi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const moduleGUID = "0756702C_04A2_4D75_8783_62F4515C6150"

// buildMergeModule makes a merge module as the merge tools expect one:
// no Media table, the files in a MergeModule.CABinet stream named by
// File key, keys carrying the module GUID, a ModuleSignature row. The
// File attributes say nothing of compression, as in real modules.
func buildMergeModule(t *testing.T, files map[string]string) string {
	t.Helper()
	var cabBuf bytes.Buffer
	w := cab.NewWriter(&cabBuf)
	keys := make([]string, 0, len(files))
	for k := range files {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	fileRows := []string{"File\tComponent_\tFileName\tFileSize\tVersion\tLanguage\tAttributes\tSequence",
		"s72\ts72\tl255\ti4\tS72\tS20\tI2\ti4", "File\tFile"}
	compRows := []string{"Component\tComponentId\tDirectory_\tAttributes\tCondition\tKeyPath",
		"s72\tS38\ts72\ti2\tS255\tS72", "Component\tComponent"}
	for i, name := range keys {
		key := "F" + name + "." + moduleGUID
		fw, err := w.Create(key, time.Date(2011, 6, 1, 1, 52, 52, 0, time.UTC))
		require.NoError(t, err)
		_, err = io.WriteString(fw, files[name])
		require.NoError(t, err)
		comp := "C" + name + "." + moduleGUID
		fileRows = append(fileRows, key+"\t"+comp+"\t"+name+"\t"+strconv.Itoa(len(files[name]))+"\t\t\t512\t"+strconv.Itoa(i+1))
		compRows = append(compRows, comp+"\t{F756702B-04A2-4D75-8783-62F4515C615"+strconv.Itoa(i)+"}\tINSTALLDIR."+moduleGUID+"\t0\t\t"+key)
	}
	require.NoError(t, w.Close())
	return buildWithMsibuild(t, map[string]string{
		"Directory.idt": idt("Directory\tDirectory_Parent\tDefaultDir", "s72\tS72\tl255", "Directory\tDirectory",
			"TARGETDIR\t\tSourceDir",
			"ProgramFilesFolder."+moduleGUID+"\tTARGETDIR\tkivzgx3p|ProgramFilesFolder",
			"INSTALLDIR."+moduleGUID+"\tProgramFilesFolder."+moduleGUID+"\t3fdqdbkk|My Company"),
		"File.idt":      idt(fileRows...),
		"Component.idt": idt(compRows...),
		"ModuleSignature.idt": idt("ModuleID\tLanguage\tVersion", "s72\ti2\ts32", "ModuleSignature\tModuleID\tLanguage",
			"MyModule."+moduleGUID+"\t1033\t1.0.0.0"),
		"@MergeModule.CABinet": cabBuf.String(),
	})
}

// TestMergeModuleFiles reads a merge module's files from its
// MergeModule.CABinet stream, laid out by its own Directory table.
func TestMergeModuleFiles(t *testing.T) {
	want := map[string]string{"File1.txt": "first", "File2.txt": "second file"}
	path := buildMergeModule(t, want)
	p, err := msi.Open(path)
	require.NoError(t, err)
	defer p.Close()

	media, err := msi.MediaList(p)
	require.NoError(t, err)
	require.Len(t, media, 1)
	assert.True(t, media[0].MergeModule())
	assert.Equal(t, "#MergeModule.CABinet", media[0].Cabinet)
	assert.True(t, p.HasCabinet(media[0]))

	for layout, dir := range map[msi.Layout]string{
		msi.LayoutAdmin:   "ProgramFilesFolder/My Company/",
		msi.LayoutTarget:  "ProgramFilesFolder/My Company/",
		msi.LayoutInstall: "Program Files/My Company/",
	} {
		files, err := msi.FileList(p, msi.FileOptions{Layout: layout})
		require.NoError(t, err)
		require.Len(t, files, 2)
		got := map[string]string{}
		_, err = p.ReadFiles(files, msi.ReadOptions{}, func(c msi.FileContent) error {
			assert.True(t, c.File.Compressed, c.File.Key)
			b, err := io.ReadAll(c.Reader)
			got[c.File.Path] = string(b)
			return err
		})
		require.NoError(t, err)
		assert.Equal(t, map[string]string{dir + "File1.txt": "first", dir + "File2.txt": "second file"}, got, "layout %d", layout)
	}
	needs := p.Needs(mustFiles(t, p))
	require.Len(t, needs, 1)
	assert.Equal(t, msi.Need{Kind: "embedded cabinet", Name: "MergeModule.CABinet", DiskID: 1, Files: 2, Present: true}, needs[0])
}

func mustFiles(t *testing.T, p *msi.Package) []*msi.File {
	t.Helper()
	files, err := msi.FileList(p, msi.FileOptions{})
	require.NoError(t, err)
	return files
}

// TestMergeModuleCorpus extracts the WixSharp sample module and checks
// the bytes against the MsiFileHash rows it carries.
func TestMergeModuleCorpus(t *testing.T) {
	path := testutil.Corpus(t, "wixsharp", "MyMergeModule.msm")
	p, err := msi.Open(path)
	require.NoError(t, err)
	defer p.Close()
	files := mustFiles(t, p)
	require.Len(t, files, 2)
	n := 0
	_, err = p.ReadFiles(files, msi.ReadOptions{}, func(c msi.FileContent) error {
		b, err := io.ReadAll(c.Reader)
		require.NoError(t, err)
		require.NotNil(t, c.File.Hash, c.File.Key)
		assert.Equal(t, *c.File.Hash, [16]byte(md5.Sum(b)), c.File.Key)
		assert.Equal(t, c.File.Size, int64(len(b)))
		n++
		return nil
	})
	require.NoError(t, err)
	assert.Equal(t, 2, n)
	assert.Equal(t, "ProgramFilesFolder/My Company/File1.txt", files[0].Path)
}
