package installshield

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/msikit/msikit/cab"
	"github.com/msikit/msikit/internal/testutil"
)

func openCorpus(t *testing.T, name string) (*Reader, *os.File) {
	t.Helper()
	f, err := os.Open(testutil.Corpus(t, "clamav", name))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	st, err := f.Stat()
	if err != nil {
		t.Fatal(err)
	}
	r, err := NewReader(f, st.Size())
	if err != nil {
		t.Fatal(err)
	}
	return r, f
}

// TestCorpusISmsi reads ClamAV's InstallShield 2010 Express launcher of
// clam.msi. Its overlay starts with the linker's NB10 record, then an
// "InstallShield" header and four files, each obfuscated by 1024-byte
// blocks and compressed. The MSI must be one that msiinfo reads, and the
// launcher's Setup.ini must name it and give its product and package
// codes: two files decoded independently that agree.
func TestCorpusISmsi(t *testing.T) {
	r, _ := openCorpus(t, "clam_ISmsi_int.exe")
	if r.Format != FormatInstallShield || r.HeaderType != 0 || r.Trailing != 0 {
		t.Errorf("format %v, type %d, trailing %d", r.Format, r.HeaderType, r.Trailing)
	}
	if !strings.HasSuffix(r.DebugPath, `\Setup___Win32_Release_Unicode\setupW.pdb`) || r.TableOffset <= r.OverlayOffset {
		t.Errorf("debug record %q, header at %#x, overlay at %#x", r.DebugPath, r.TableOffset, r.OverlayOffset)
	}
	files := map[string][]byte{}
	var names []string
	for _, f := range r.File {
		if f.Flags != 6 || !f.Compressed || !f.Obfuscated() {
			t.Errorf("%s: flags %d, compressed %v", f.Name, f.Flags, f.Compressed)
		}
		names = append(names, f.Name)
		files[f.Name] = readAll(t, f)
		t.Logf("%-15s stored %7d decoded %7d", f.Name, f.StoredSize, len(files[f.Name]))
	}
	if got := strings.Join(names, " "); got != "0x0409.ini EvalMarker.dat clam.msi Setup.ini" {
		t.Fatalf("files %s", got)
	}
	msi := files["clam.msi"]
	if !bytes.HasPrefix(msi, []byte("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")) || len(msi)%512 != 0 {
		t.Fatalf("clam.msi (%d bytes) is not a compound file", len(msi))
	}
	if len(files["EvalMarker.dat"]) != 0 {
		t.Errorf("EvalMarker.dat holds %d bytes", len(files["EvalMarker.dat"]))
	}
	ini := utf16String(t, files["Setup.ini"])
	lang := utf16String(t, files["0x0409.ini"])
	if !strings.Contains(ini, "PackageName=clam.msi") || !strings.Contains(lang, "[0x0409]") {
		t.Errorf("Setup.ini or 0x0409.ini do not read as the launcher's:\n%.300s\n%.300s", ini, lang)
	}
	productCode := iniValue(t, ini, "ProductCode")
	packageCode := iniValue(t, ini, "PackageCode")

	msiinfo := testutil.Tool(t, "msiinfo")
	path := filepath.Join(t.TempDir(), "clam.msi")
	if err := os.WriteFile(path, msi, 0o644); err != nil {
		t.Fatal(err)
	}
	tables, err := testutil.Run(t, nil, msiinfo, "tables", path)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Property", "File", "Component", "InstallExecuteSequence"} {
		if !regexp.MustCompile(`(?m)^` + want + `$`).Match(tables) {
			t.Errorf("msiinfo tables lacks %s:\n%s", want, tables)
		}
	}
	props, err := testutil.Run(t, nil, msiinfo, "export", path, "Property")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(props), "ProductCode\t"+productCode) {
		t.Errorf("the MSI's ProductCode is not Setup.ini's %s", productCode)
	}
	sum, err := testutil.Run(t, nil, msiinfo, "suminfo", path)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(sum), "Revision number (UUID): "+packageCode) {
		t.Errorf("the MSI's package code is not Setup.ini's %s:\n%s", packageCode, sum)
	}
	files2, err := testutil.Run(t, nil, msiinfo, "export", path, "File")
	if err != nil || !strings.Contains(string(files2), "clam.exe") {
		t.Errorf("File table: %v\n%s", err, files2)
	}
}

// TestCorpusIScab reads ClamAV's InstallScript launcher, whose overlay is
// plain: nine files of the Disk1 folder, stored as they are. One is the
// engine's Microsoft cabinet, which a cabinet search also finds in the
// launcher: both must place it at the same offset, and it must hold the
// 13 files (LZX) that cabextract lists. data1.cab, data1.hdr and data2.cab are
// InstallShield cabinets ("ISc(" signature), which neither reads.
func TestCorpusIScab(t *testing.T) {
	r, exe := openCorpus(t, "clam_IScab_int.exe")
	if r.Format != FormatPlain || r.Trailing != 0 || r.DebugPath != "" || r.TableOffset != r.OverlayOffset {
		t.Errorf("format %v, trailing %d, debug %q", r.Format, r.Trailing, r.DebugPath)
	}
	var names []string
	byName := map[string]*File{}
	for _, f := range r.File {
		names = append(names, f.Name)
		byName[f.Name] = f
		if f.Size != f.StoredSize || f.Flags != 0 || f.Obfuscated() {
			t.Errorf("%s: size %d stored %d flags %d", f.Name, f.Size, f.StoredSize, f.Flags)
		}
		t.Logf("%-20s %-13s %7d", f.Name, f.Version, f.Size)
	}
	want := `Disk1\data1.cab Disk1\data1.hdr Disk1\data2.cab Disk1\engine32.cab Disk1\layout.bin Disk1\setup.exe Disk1\setup.ibt Disk1\setup.ini Disk1\setup.inx`
	if got := strings.Join(names, " "); got != want {
		t.Fatalf("files %s", got)
	}
	last := r.File[len(r.File)-1]
	if last.Offset+last.StoredSize != r.OverlayOffset+r.OverlaySize {
		t.Errorf("the last file ends at %d, the overlay at %d", last.Offset+last.StoredSize, r.OverlayOffset+r.OverlaySize)
	}
	for _, n := range []string{`Disk1\data1.cab`, `Disk1\data1.hdr`, `Disk1\data2.cab`} {
		if b := readAll(t, byName[n]); string(b[:4]) != "ISc(" {
			t.Errorf("%s starts % x", n, b[:4])
		}
	}
	if b := readAll(t, byName[`Disk1\setup.ini`]); !bytes.HasPrefix(b, []byte("[Startup]")) {
		t.Errorf("setup.ini: %q", b)
	}
	if f := byName[`Disk1\setup.exe`]; f.Version != "11.0.0.28844" || string(readAll(t, f)[:2]) != "MZ" {
		t.Errorf("setup.exe: version %q", f.Version)
	}
	eng := byName[`Disk1\engine32.cab`]
	found, err := cab.Search(exe, r.OverlayOffset+r.OverlaySize)
	if err != nil || len(found) != 1 || found[0].Offset != eng.Offset {
		t.Fatalf("cabinet search: %v, %d cabinets", err, len(found))
	}
	c, err := cab.NewReader(io.NewSectionReader(exe, eng.Offset, eng.Size), eng.Size)
	if err != nil {
		t.Fatal(err)
	}
	// The record holds 132 bytes more than the cabinet declares, of no
	// visible structure; the cabinet itself is whole.
	if len(c.File) != 13 || int64(c.Size) > eng.Size || c.Folders[0].Compression.Method() != cab.MethodLZX {
		t.Errorf("engine32.cab: %d files, %d of %d bytes", len(c.File), c.Size, eng.Size)
	}
	for _, f := range c.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		if n, err := io.Copy(io.Discard, rc); err != nil || n != f.Size {
			t.Errorf("engine32.cab %s: %d bytes, %v", f.Name, n, err)
		}
		rc.Close()
	}
}

func utf16String(t *testing.T, b []byte) string {
	t.Helper()
	if len(b) < 2 || b[0] != 0xFF || b[1] != 0xFE || len(b)%2 != 0 {
		t.Fatalf("not UTF-16LE with a byte-order mark: % x", b[:min(len(b), 8)])
	}
	u := make([]uint16, len(b)/2-1)
	for i := range u {
		u[i] = le.Uint16(b[2+2*i:])
	}
	return string(utf16.Decode(u))
}

func iniValue(t *testing.T, ini, key string) string {
	t.Helper()
	m := regexp.MustCompile(`(?m)^` + key + `=(\{[0-9A-F-]{36}\})\r?$`).FindStringSubmatch(ini)
	if m == nil {
		t.Fatalf("Setup.ini has no %s", key)
	}
	return m[1]
}
