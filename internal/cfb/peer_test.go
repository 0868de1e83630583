package cfb

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/msikit/msikit/internal/testutil"
)

// run runs a peer in a scratch directory, in UTC, and returns its output.
func run(t *testing.T, dir, name string, args ...string) []byte {
	t.Helper()
	cmd := testCommand(dir, name, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s %v: %v\n%s", name, args, err, stderr.Bytes())
	}
	return out
}

func testCommand(dir, name string, args ...string) *exec.Cmd {
	cmd := exec.Command(name, args...)
	cmd.Env = append(os.Environ(), "TZ=UTC")
	cmd.Dir = dir
	return cmd
}

// Test7z lists and extracts a file with 7-Zip, which has its own
// compound-file reader: names, sizes and bytes must match, including a
// large stream with DIFAT sectors and streams in sub-storages.
func Test7z(t *testing.T) {
	testutil.Tool(t, "7z")
	for _, v := range []int{3, 4} {
		t.Run(fmt.Sprintf("v%d", v), func(t *testing.T) { test7z(t, v) })
	}
}

func test7z(t *testing.T, version int) {
	b := New()
	must(t, b.SetVersion(version))
	r := b.Root()
	streams := map[string][]byte{
		"empty":        nil,
		"one":          {42},
		"mini4095":     pattern(4095, 1),
		"reg4096":      pattern(4096, 2),
		"reg4097":      pattern(4097, 3),
		"Data.cab":     pattern(7<<20+3, 4),
		"sub/inner":    pattern(1000, 5),
		"sub/deeper/x": pattern(70000, 6),
	}
	for _, p := range sortedKeys(streams) {
		s := r
		parts := strings.Split(p, "/")
		for _, d := range parts[:len(parts)-1] {
			if s.Storage(d) == nil {
				_, err := s.AddStorage(d)
				must(t, err)
			}
			s = s.Storage(d)
		}
		must(t, s.AddStream(parts[len(parts)-1], streams[p]))
	}
	dir := t.TempDir()
	file := filepath.Join(dir, "t.cfb")
	must(t, os.WriteFile(file, build(t, b), 0o644))

	// 7z l -slt: one "Path = ..." block per item, with Size.
	listed := map[string]int64{}
	var path string
	for _, line := range strings.Split(string(run(t, dir, "7z", "l", "-slt", file)), "\n") {
		line = strings.TrimRight(line, "\r")
		if v, ok := strings.CutPrefix(line, "Path = "); ok {
			path = strings.ReplaceAll(v, "\\", "/")
		}
		if v, ok := strings.CutPrefix(line, "Size = "); ok && v != "" && path != "" && path != file {
			n, err := strconv.ParseInt(v, 10, 64)
			must(t, err)
			listed[path] = n
		}
	}
	for p, data := range streams {
		if n, ok := listed[p]; !ok || n != int64(len(data)) {
			t.Errorf("7z l: %q size %d (listed %v), want %d", p, n, ok, len(data))
		}
	}

	out := filepath.Join(dir, "out")
	run(t, dir, "7z", "x", "-y", "-o"+out, file)
	for p, data := range streams {
		got, err := os.ReadFile(filepath.Join(out, filepath.FromSlash(p)))
		if err != nil || !bytes.Equal(got, data) {
			t.Errorf("7z x: %q: %d bytes (md5 %s, err %v), want %d (md5 %s)", p, len(got), md5hex(got), err, len(data), md5hex(data))
		}
	}
}

// minimalMSI builds, by hand, the smallest database msiinfo accepts: the
// string pool and the _Tables and _Columns catalogue, and one Property
// table, in the column-major layout msi/table.go reads.
func minimalMSI(t *testing.T, rows [][2]string) *Builder {
	t.Helper()
	var strs []string
	ids := map[string]int{}
	refs := map[int]int{}
	ref := func(s string) []byte {
		id, ok := ids[s]
		if !ok {
			strs = append(strs, s)
			id = len(strs)
			ids[s] = id
		}
		refs[id]++
		return binary.LittleEndian.AppendUint16(nil, uint16(id))
	}
	i16 := func(v int) []byte { return binary.LittleEndian.AppendUint16(nil, uint16(v)^0x8000) }
	const (
		s72 = 0x0100 | 0x0400 | 0x0800 | 0x2000 | 72 // valid, not binary, string, key
		l0  = 0x0100 | 0x0400 | 0x0800 | 0x0200      // valid, not binary, localizable string
	)
	tables := ref("Property")
	// _Columns: Table, Number, Name, Type, column by column.
	cols := [][4][]byte{
		{ref("Property"), i16(1), ref("Property"), i16(s72)},
		{ref("Property"), i16(2), ref("Value"), i16(l0)},
	}
	var columns []byte
	for c := 0; c < 4; c++ {
		for _, row := range cols {
			columns = append(columns, row[c]...)
		}
	}
	sort.Slice(rows, func(i, j int) bool { return rows[i][0] < rows[j][0] })
	var property []byte
	for c := 0; c < 2; c++ {
		for _, row := range rows {
			property = append(property, ref(row[c])...)
		}
	}
	pool := binary.LittleEndian.AppendUint32(nil, 1252)
	var data []byte
	for i, s := range strs {
		pool = binary.LittleEndian.AppendUint16(pool, uint16(len(s)))
		pool = binary.LittleEndian.AppendUint16(pool, uint16(refs[i+1]))
		data = append(data, s...)
	}
	b := New()
	r := b.Root()
	r.SetCLSID(CLSIDDatabase)
	for name, v := range map[string][]byte{
		"!_StringPool": pool, "!_StringData": data,
		"!_Tables": tables, "!_Columns": columns, "!Property": property,
	} {
		must(t, r.AddStream(packName(name), v))
	}
	return b
}

// TestMsiinfo has msiinfo (libgsf's compound-file reader under libmsi)
// read a database written here, and the msi package read the same file.
func TestMsiinfo(t *testing.T) {
	for _, v := range []int{3, 4} {
		t.Run(fmt.Sprintf("v%d", v), func(t *testing.T) { testMsiinfo(t, v) })
	}
}

func testMsiinfo(t *testing.T, version int) {
	rows := [][2]string{
		{"ProductName", "cfb writer test"},
		{"ProductCode", "{12345678-1234-1234-1234-123456789ABC}"},
		{"Manufacturer", "msikit"},
	}
	b := minimalMSI(t, rows)
	must(t, b.SetVersion(version))
	// A big stream too, so that libgsf walks the FAT and a DIFAT sector.
	must(t, b.Root().AddStream(packName("Data.cab"), pattern(8<<20, 1)))
	// And an empty one, written with start sector ENDOFCHAIN.
	must(t, b.Root().AddStream("Empty", nil))
	file := build(t, b)
	wantExport := "Property\tValue\r\ns72\tl0\r\nProperty\tProperty\r\n" +
		"Manufacturer\tmsikit\r\nProductCode\t{12345678-1234-1234-1234-123456789ABC}\r\nProductName\tcfb writer test\r\n"

	testutil.Tool(t, "msiinfo")
	dir := t.TempDir()
	path := filepath.Join(dir, "t.msi")
	must(t, os.WriteFile(path, file, 0o644))
	// msiinfo lists its two pseudo-tables, then ours.
	if got := string(run(t, dir, "msiinfo", "tables", path)); got != "_SummaryInformation\n_ForceCodepage\nProperty\n" {
		t.Errorf("msiinfo tables: %q", got)
	}
	if got := string(run(t, dir, "msiinfo", "export", path, "Property")); got != wantExport {
		t.Errorf("msiinfo export:\n%q\nwant\n%q", got, wantExport)
	}
	streams := string(run(t, dir, "msiinfo", "streams", path))
	if !sameLines(streams, "Data.cab\nEmpty\n") {
		t.Errorf("msiinfo streams: %q", streams)
	}
	if got := run(t, dir, "msiinfo", "extract", path, "Data.cab"); md5hex(got) != md5hex(pattern(8<<20, 1)) {
		t.Errorf("msiinfo extract Data.cab: %d bytes, md5 %s", len(got), md5hex(got))
	}
	if got := run(t, dir, "msiinfo", "extract", path, "Empty"); len(got) != 0 {
		t.Errorf("msiinfo extract Empty: %d bytes", len(got))
	}
}

func sameLines(a, b string) bool {
	x, y := strings.Fields(a), strings.Fields(b)
	sort.Strings(x)
	sort.Strings(y)
	return strings.Join(x, "\n") == strings.Join(y, "\n")
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// packName packs a stream name as Windows Installer does ("!" for a
// table, then pairs of characters from its 64-letter alphabet in one code
// unit); a copy for these tests, as the msi package itself builds on this
// one.
func packName(name string) string {
	const alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz._"
	var out []rune
	rs := []rune(name)
	if len(rs) > 0 && rs[0] == '!' {
		out = append(out, 0x4840)
		rs = rs[1:]
	}
	for i := 0; i < len(rs); i++ {
		v1 := strings.IndexRune(alphabet, rs[i])
		if v1 < 0 {
			out = append(out, rs[i])
			continue
		}
		if i+1 < len(rs) {
			if v2 := strings.IndexRune(alphabet, rs[i+1]); v2 >= 0 {
				out = append(out, rune(0x3800+v1+v2<<6))
				i++
				continue
			}
		}
		out = append(out, rune(0x4800+v1))
	}
	return string(out)
}
