package pever

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/msikit/msikit/internal/testutil"
	"github.com/msikit/msikit/msi"
)

// The one member of vcredis1.cab is MSDIA80.DLL from Visual C++ 2005 SP1
// (its MANIFEST: 641,536 bytes, MD5 ff2511d54e4d2886c91b86cbd8f963fe).
func TestCorpusMSDIA80(t *testing.T) {
	cab := testutil.Corpus(t, "lessmsi", "vcredis1.cab")
	testutil.Tool(t, "cabextract")
	dir := t.TempDir()
	if _, err := testutil.Run(t, nil, "cabextract", "-q", "-d", dir, cab); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, "FL_msdia71_dll_2_____X86.3643236F_FC70_11D3_A536_0090278A1BB8")
	f, err := Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if f.Machine != MachineI386 || f.Machine.Platform() != "x86" || f.PE32Plus || !f.IsDLL() || f.Size != 641536 || f.Subsystem != 2 {
		t.Errorf("machine %v PE32+ %v DLL %v size %d subsystem %d", f.Machine, f.PE32Plus, f.IsDLL(), f.Size, f.Subsystem)
	}
	sum, err := f.ComputeChecksum()
	if err != nil || sum != 668883 || f.CheckSum != 668883 {
		t.Errorf("checksum stored %d, computed %d (%v); want 668883 both", f.CheckSum, sum, err)
	}
	res, err := f.Resources()
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, r := range res {
		names = append(names, r.Type.String()+"/"+r.Name.String())
		if r.Language != 1033 {
			t.Errorf("resource %v language %d", r, r.Language)
		}
	}
	if got := strings.Join(names, " "); got != "REGISTRY/#256 REGISTRY/#257 TYPELIB/#1 #16/#1" {
		t.Errorf("resources %s", got)
	}
	vi, err := f.VersionInfo()
	if err != nil {
		t.Fatal(err)
	}
	if vi.Fixed.FileVersion != (Version{8, 0, 50727, 6195}) || vi.Fixed.ProductVersion != (Version{8, 0, 50727, 6195}) || vi.Fixed.Type != FileTypeDLL || vi.Fixed.OS != 4 {
		t.Errorf("fixed info %+v", vi.Fixed)
	}
	for k, want := range map[string]string{
		"CompanyName":      "Microsoft Corporation",
		"FileDescription":  "Microsoft® Debug Information Accessor",
		"FileVersion":      "8.00.50727.6195 (QFE.050727-5600)",
		"ProductVersion":   "8.00.50727.6195",
		"OriginalFilename": "MSDIA80.DLL",
		"ProductName":      "Microsoft® Visual Studio® 2005",
	} {
		if got, _ := vi.Lookup(k); got != want {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}
	if len(vi.Translations) != 1 || vi.Translations[0] != (Translation{0x409, 1200}) || vi.StringTables[0].Key != "040904B0" {
		t.Errorf("translations %v, table key %q", vi.Translations, vi.StringTables[0].Key)
	}
	if got := sevenZipIfPresent(t, p); got != nil && (got.CPU != "x86" || got.FileVersion != "8.0.50727.6195" || got.ProductVersion != "8.0.50727.6195") {
		t.Errorf("7z: CPU %q file version %q product version %q", got.CPU, got.FileVersion, got.ProductVersion)
	}
}

func sevenZipIfPresent(t *testing.T, p string) *sevenZipFacts {
	if _, err := lookPath("7z"); err != nil {
		return nil
	}
	f := sevenZip(t, p)
	return &f
}

// peFacts is what is compared with 7-Zip for every PE file in the corpus.
type peFacts struct {
	platform, fileVersion, productVersion string
}

func readFacts(t *testing.T, b []byte) (peFacts, error) {
	f, err := NewFile(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		return peFacts{}, err
	}
	pf := peFacts{platform: f.Machine.Platform()}
	vi, err := f.VersionInfo()
	if errors.Is(err, ErrNoVersion) {
		return pf, nil
	}
	if err != nil {
		return pf, err
	}
	if vi.Fixed != nil {
		pf.fileVersion, pf.productVersion = vi.Fixed.FileVersion.String(), vi.Fixed.ProductVersion.String()
	}
	return pf, nil
}

// Every PE file in the corpus packages, stored as a stream (custom action
// DLLs, icons that are executables) or inside an embedded cabinet, reads
// with the machine and fixed versions 7-Zip reports for it.
func TestCorpusPackagesAgainst7z(t *testing.T) {
	pkgs := testutil.CorpusFiles(t, testutil.PackageExts...)
	testutil.Tool(t, "7z")
	testutil.Tool(t, "cabextract")
	if testing.Short() {
		testutil.Skip(t, "short mode: skipping the scan of every corpus package")
	}
	dir := t.TempDir()
	var seen []string
	check := func(label string, b []byte) {
		if len(b) < 2 || b[0] != 'M' || b[1] != 'Z' {
			return
		}
		p := filepath.Join(dir, "pe")
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		got, err := readFacts(t, b)
		if err != nil {
			t.Errorf("%s: %v", label, err)
			return
		}
		z := sevenZip(t, p)
		if got.platform != z.CPU || got.fileVersion != z.FileVersion || got.productVersion != z.ProductVersion {
			t.Errorf("%s: we read %+v, 7z says CPU %q file %q product %q", label, got, z.CPU, z.FileVersion, z.ProductVersion)
		}
		seen = append(seen, label+" "+got.platform+" "+got.fileVersion)
	}
	for _, path := range pkgs {
		p, err := msi.Open(path)
		if err != nil {
			continue // damaged packages are the msi package's tests' business
		}
		for _, s := range p.Streams() {
			b, err := p.ReadStream(s.Name)
			if err != nil {
				continue
			}
			label := filepath.Base(path) + ":" + s.Name
			if bytes.HasPrefix(b, []byte("MSCF")) {
				cabDir := filepath.Join(dir, "cab")
				os.RemoveAll(cabDir)
				cabFile := filepath.Join(dir, "stream.cab")
				if err := os.WriteFile(cabFile, b, 0o644); err != nil {
					t.Fatal(err)
				}
				if _, err := testutil.Run(t, nil, "cabextract", "-q", "-d", cabDir, cabFile); err != nil {
					continue // a cabinet set split over streams
				}
				members, _ := os.ReadDir(cabDir)
				for _, m := range members {
					mb, err := os.ReadFile(filepath.Join(cabDir, m.Name()))
					if err == nil {
						check(label+"/"+m.Name(), mb)
					}
				}
				continue
			}
			check(label, b)
		}
		p.Close()
	}
	sort.Strings(seen)
	t.Logf("%d PE files compared with 7-Zip", len(seen))
	if len(seen) < 129 {
		t.Errorf("only %d PE files found in the corpus packages; there are 129 (67 in NUnit, 57 in vcredist, 5 WiX custom actions)", len(seen))
	}
	// Concrete files whose facts were checked by hand against 7-Zip and
	// the files' names.
	for _, want := range []string{
		"SimpleBinary__expected.msi:Binary.Binary1 x86 ",
		"NUnit-2.5.2.9222.msi:Binary.WixUIWixca x86 2.0.5805.0",
		"vcredist.msi:_14241_Microsoft_VC80_CRT_x86.msm/msvcr80.dll.8.0.50727.6195.98CB24AD_52FB_DB5F_FF1F_C8B3B9A1E18E x86 8.0.50727.6195",
	} {
		if i := sort.SearchStrings(seen, want); i == len(seen) || seen[i] != want {
			t.Errorf("%q was not among the PE files compared", want)
		}
	}
}

var lookPath = exec.LookPath

// The custom action EXE of WiX's SimpleBinary test has a manifest but no
// version resource: the machine still reads, the version is ErrNoVersion.
func TestCorpusNoVersion(t *testing.T) {
	p, err := msi.Open(testutil.Corpus(t, "wix3", "SimpleBinary__expected.msi"))
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	b, err := p.ReadStream("Binary.Binary1")
	if err != nil {
		t.Fatal(err)
	}
	f, err := NewFile(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	if f.Machine != MachineI386 || f.IsDLL() || f.Size != 40960 || f.Subsystem != 3 || f.CheckSum != 0 {
		t.Errorf("machine %v DLL %v size %d subsystem %d checksum %d", f.Machine, f.IsDLL(), f.Size, f.Subsystem, f.CheckSum)
	}
	res, err := f.Resources()
	if err != nil || len(res) != 1 || res[0].Type.ID != RTManifest || res[0].Name.ID != 1 || res[0].Language != 1033 || res[0].Size != 405 {
		t.Fatalf("resources %+v, %v", res, err)
	}
	manifest, err := f.ReadResource(res[0])
	if err != nil || !bytes.Contains(manifest, []byte("<assembly")) {
		t.Errorf("manifest resource %q, %v", manifest, err)
	}
	if _, err := f.VersionInfo(); !errors.Is(err, ErrNoVersion) || errors.Is(err, ErrFormat) {
		t.Errorf("VersionInfo error %v; want ErrNoVersion only", err)
	}
	if _, err := f.FileVersion(); !errors.Is(err, ErrNoVersion) {
		t.Errorf("FileVersion error %v; want ErrNoVersion", err)
	}
}
