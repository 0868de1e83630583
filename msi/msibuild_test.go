package msi_test

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/msikit/msikit/internal/testutil"
	"github.com/msikit/msikit/msi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// buildWithMsibuild imports .idt files into a new package with msitools'
// msibuild and returns its path. A name starting with "@" is added as a
// stream of that name instead.
func buildWithMsibuild(t *testing.T, files map[string]string) string {
	t.Helper()
	testutil.Tool(t, "msibuild")
	dir := t.TempDir()
	var args []string
	out := filepath.Join(dir, "built.msi")
	args = append(args, out)
	for name, content := range files {
		stream, isStream := strings.CutPrefix(name, "@")
		p := filepath.Join(dir, strings.TrimPrefix(name, "@"))
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(content), 0o644))
		switch {
		case isStream:
			args = append(args, "-a", stream, p)
		case strings.HasSuffix(name, ".idt"):
			args = append(args, "-i", p)
		}
	}
	cmd := exec.Command("msibuild", args...)
	cmd.Dir = dir
	msg, err := cmd.CombinedOutput()
	require.NoError(t, err, "msibuild: %s", msg)
	return out
}

func idt(lines ...string) string { return strings.Join(lines, "\r\n") + "\r\n" }

// TestColumnTypes decodes every column type from a package msibuild
// writes: 2- and 4-byte integers at their limits, nulls, strings,
// localizable strings and binary stream columns.
func TestColumnTypes(t *testing.T) {
	blob := bytes.Repeat([]byte{0, 1, 2, 0xff}, 1300)
	path := buildWithMsibuild(t, map[string]string{
		"Types.idt": idt("Id\tShort\tShortN\tLong\tLongN\tStr\tStrN\tLoc\tLocN",
			"s72\ti2\tI2\ti4\tI4\ts0\tS255\tl0\tL64",
			"Types\tId",
			"a\t-32767\t\t-2147483647\t\tx\t\tloc\t",
			"b\t32767\t0\t2147483647\t0\ty\tz\tl\tm"),
		"Data.idt":      idt("Name\tData", "s72\tv0", "Data\tName", "one\tone.ibd", "two\ttwo.ibd"),
		"Data/one.ibd":  "first",
		"Data/two.ibd":  string(blob),
		"placeholder.x": "",
	})
	p, err := msi.Open(path)
	require.NoError(t, err)
	defer p.Close()

	types, err := p.Table("Types")
	require.NoError(t, err)
	var idts []string
	for _, c := range types.Columns {
		idts = append(idts, c.Type.IDT())
	}
	assert.Equal(t, []string{"s72", "i2", "I2", "i4", "I4", "s0", "S255", "l0", "L64"}, idts)
	assert.True(t, types.Columns[0].Type.Key())
	assert.True(t, types.Columns[7].Type.Localizable())

	a, ok := types.Lookup("a")
	require.True(t, ok)
	v := a.Int("Short")
	assert.Equal(t, int32(-32767), v)
	v = a.Int("Long")
	assert.Equal(t, int32(-2147483647), v)
	assert.True(t, a.Get("ShortN").IsNull())
	assert.True(t, a.Get("LongN").IsNull())
	assert.True(t, a.Get("StrN").IsNull())
	assert.Equal(t, "loc", a.String("Loc"))

	b, ok := types.Lookup("b")
	require.True(t, ok)
	v = b.Int("Short")
	assert.Equal(t, int32(32767), v)
	v = b.Int("Long")
	assert.Equal(t, int32(2147483647), v)
	assert.False(t, b.Get("ShortN").IsNull(), "a nullable integer holding 0 is not null")
	assert.Equal(t, int32(0), b.Int("ShortN"))

	data, err := p.Table("Data")
	require.NoError(t, err)
	assert.True(t, data.Columns[1].Type.IsBinary())
	two, ok := data.Lookup("two")
	require.True(t, ok)
	cell := two.Get("Data")
	assert.Equal(t, msi.Stream, cell.Kind)
	assert.Equal(t, "Data.two", cell.Str)
	got, err := p.ReadStream(cell.Str)
	require.NoError(t, err)
	assert.Equal(t, blob, got)

	compareExports(t, p, path, "Types", "Data")
}

// TestLongStringReferences uses more strings than 2-byte references can
// name, so the pool switches to 3-byte references, and a string longer
// than 64 KiB, which takes two pool entries.
func TestLongStringReferences(t *testing.T) {
	var big strings.Builder
	big.WriteString(idt("Id\tText", "s72\tL0", "Big\tId"))
	for i := 0; i < 70000; i++ {
		fmt.Fprintf(&big, "k%d\tv%d\r\n", i, i)
	}
	long := strings.Repeat("0123456789abcdef", 5000) // 80,000 bytes
	path := buildWithMsibuild(t, map[string]string{
		"Big.idt":      big.String(),
		"LongText.idt": idt("Id\tText", "s72\tL0", "LongText\tId", "long\t"+long, "short\tx"),
	})
	p, err := msi.Open(path)
	require.NoError(t, err)
	defer p.Close()
	pool, err := p.ReadStream("!_StringPool")
	require.NoError(t, err)
	assert.NotZero(t, binary.LittleEndian.Uint32(pool)&0x80000000, "a pool of %d strings needs 3-byte references (the header's long-reference flag)", len(pool)/4-1)

	bigT, err := p.Table("Big")
	require.NoError(t, err)
	require.Len(t, bigT.Rows, 70000)
	r, ok := bigT.Lookup("k69999")
	require.True(t, ok)
	assert.Equal(t, "v69999", r.String("Text"))

	lt, err := p.Table("LongText")
	require.NoError(t, err)
	r, ok = lt.Lookup("long")
	require.True(t, ok)
	assert.Equal(t, long, r.String("Text"))
	r, ok = lt.Lookup("short")
	require.True(t, ok)
	assert.Equal(t, "x", r.String("Text"), "the string after a long one keeps its own ID")

	compareExports(t, p, path, "Big", "LongText")
}

// compareExports checks our .idt export of each table against msiinfo's.
func compareExports(t *testing.T, p *msi.Package, path string, tables ...string) {
	t.Helper()
	if _, err := exec.LookPath("msiinfo"); err != nil {
		t.Log("msiinfo not installed: exports not compared")
		return
	}
	for _, table := range tables {
		want, err := msiinfo(t, "export", path, table)
		require.NoError(t, err)
		var got bytes.Buffer
		require.NoError(t, p.WriteIDT(&got, table))
		assert.Equal(t, string(want), got.String(), "export %s", table)
	}
}

// TestHelloFixture reads the committed wixl-built fixture through the
// typed API, so these checks run without any peer tool installed.
func TestHelloFixture(t *testing.T) {
	p, err := msi.Open("../fixtures/hello.msi")
	require.NoError(t, err)
	defer p.Close()
	assert.Equal(t, msi.KindDatabase, p.Kind())
	assert.Equal(t, msi.CLSIDDatabase, p.CLSID())

	files, err := p.Table("File")
	require.NoError(t, err)
	require.Len(t, files.Rows, 3)
	readme, ok := files.Lookup("readme.txt")
	require.True(t, ok)
	size := readme.Int("FileSize")
	assert.Equal(t, int32(len("Hello from msikit.\r\n")), size)
	assert.Equal(t, "Main", readme.String("Component_"))

	dirs, err := p.Table("Directory")
	require.NoError(t, err)
	doc, ok := dirs.Lookup("DocDir")
	require.True(t, ok)
	assert.Equal(t, "doc", doc.String("DefaultDir"))
	assert.Equal(t, "INSTALLDIR", doc.String("Directory_Parent"))

	var names []string
	for _, s := range p.Streams() {
		names = append(names, s.Name)
	}
	assert.Equal(t, []string{"\x05SummaryInformation", "Binary.Logo", "hello.cab"}, names, "sorted by name")
	logo, err := p.ReadStream("Binary.Logo")
	require.NoError(t, err)
	want := append([]byte("LOGO"), bytes.Repeat(seq256(), 2)...)
	assert.Equal(t, want, logo)

	_, err = p.Table("NoSuchTable")
	assert.ErrorIs(t, err, msi.ErrNotFound)
}

func seq256() []byte {
	b := make([]byte, 256)
	for i := range b {
		b[i] = byte(i)
	}
	return b
}
