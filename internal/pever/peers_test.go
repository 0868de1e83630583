package pever

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/msikit/msikit/internal/testutil"
)

// sevenZipFacts runs `7z l -slt` on a PE file and returns what it reports
// for the image: CPU, physical size, and the first FileVersion and
// ProductVersion lines of its version listing (the fixed versions; the
// StringFileInfo values follow under the same names).
type sevenZipFacts struct {
	CPU, Size, FileVersion, ProductVersion string
	Out                                    string
}

func sevenZip(t *testing.T, path string) sevenZipFacts {
	t.Helper()
	out, err := testutil.Run(t, nil, "7z", "l", "-slt", path)
	if err != nil {
		t.Fatalf("7z l -slt %s: %v\n%s", path, err, out)
	}
	s := string(out)
	first := func(re string) string {
		if m := regexp.MustCompile(`(?m)^` + re + `(.*)$`).FindStringSubmatch(s); m != nil {
			return strings.TrimSpace(m[1])
		}
		return ""
	}
	return sevenZipFacts{
		CPU:            first(`CPU = `),
		Size:           first(`Physical Size = `),
		FileVersion:    first(`FileVersion: `),
		ProductVersion: first(`ProductVersion: `),
		Out:            s,
	}
}

func writeCase(t *testing.T, dir string, c kbCase) string {
	t.Helper()
	p := filepath.Join(dir, c.String())
	if err := os.WriteFile(p, buildCase(t, c), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// 7-Zip opens only images whose headers account for every byte, checks
// the checksum over them, and decodes the version resource itself.
func TestBuiltImagesWith7z(t *testing.T) {
	testutil.Tool(t, "7z")
	dir := t.TempDir()
	for _, c := range kbCases {
		p := writeCase(t, dir, c)
		got := sevenZip(t, p)
		st, _ := os.Stat(p)
		if got.CPU != c.machine.Platform() || got.FileVersion != c.version.String() || got.ProductVersion != c.version.String() || got.Size != fmt.Sprint(st.Size()) {
			t.Errorf("%v: 7z says CPU %q, file version %q, product version %q, physical size %q", c, got.CPU, got.FileVersion, got.ProductVersion, got.Size)
		}
		if strings.Contains(got.Out, "Checksum error") || strings.Contains(got.Out, "WARNING") || strings.Contains(got.Out, "Tail Size") {
			t.Errorf("%v: 7z complains:\n%s", c, got.Out)
		}
	}
}

func TestBuiltImagesWithFile(t *testing.T) {
	testutil.Tool(t, "file")
	dir := t.TempDir()
	want := map[Machine]string{
		MachineI386:  "PE32 executable (%s) Intel 80386",
		MachineAMD64: "PE32+ executable (%s) x86-64",
		MachineIA64:  "PE32+ executable (%s) Intel Itanium",
	}
	for _, c := range kbCases {
		p := writeCase(t, dir, c)
		out, err := testutil.Run(t, nil, "file", "-b", p)
		if err != nil {
			t.Fatal(err)
		}
		kind := "console"
		if c.dll {
			kind = "DLL) (GUI"
		}
		if w := fmt.Sprintf(want[c.machine], kind); !strings.HasPrefix(string(out), w) {
			t.Errorf("%v: file says %q, want it to start %q", c, out, w)
		}
	}
}

// objdump (binutils built for x86) reads PE32 and PE32+ x86-64 images
// but knows no IA-64, and checks the layout as a linker would.
func TestBuiltImagesWithObjdump(t *testing.T) {
	testutil.Tool(t, "objdump")
	dir := t.TempDir()
	formats := map[Machine]string{MachineI386: "pei-i386", MachineAMD64: "pei-x86-64"}
	for _, c := range kbCases {
		format, ok := formats[c.machine]
		if !ok {
			continue
		}
		p := writeCase(t, dir, c)
		out, err := testutil.Run(t, nil, "objdump", "-p", p)
		if err != nil {
			t.Fatalf("%v: objdump -p: %v", c, err)
		}
		f, err := Open(p)
		if err != nil {
			t.Fatal(err)
		}
		f.Close()
		s := string(out)
		magic := "010b\t(PE32)"
		if c.machine.PE32Plus() {
			magic = "020b\t(PE32+)"
		}
		for _, w := range []string{
			"file format " + format,
			"Magic\t\t\t" + magic,
			fmt.Sprintf("CheckSum\t\t%08x", f.CheckSum),
			"Resource Directory [.rsrc]",
			"Entry: ID: 0x000010",  // RT_VERSION
			"Entry: ID: 0x000409,", // its language
		} {
			if !strings.Contains(s, w) {
				t.Errorf("%v: objdump -p output lacks %q:\n%s", c, w, s)
			}
		}
	}
}

// osslsigncode computes the PE checksum and signs the images: a signed
// copy still reads back with the same facts, and 7-Zip still accepts it.
func TestBuiltImagesWithOsslsigncode(t *testing.T) {
	testutil.Tool(t, "osslsigncode")
	dir := t.TempDir()
	for _, c := range kbCases {
		p := writeCase(t, dir, c)
		out, _ := exec.Command("osslsigncode", "verify", "-in", p).CombinedOutput()
		f, err := Open(p)
		if err != nil {
			t.Fatal(err)
		}
		f.Close()
		if w := fmt.Sprintf("PE checksum   : %08X", f.CheckSum); !strings.Contains(string(out), w) || strings.Contains(string(out), "invalid PE checksum") {
			t.Errorf("%v: osslsigncode verify lacks %q or complains:\n%s", c, w, out)
		}
	}

	testutil.Tool(t, "openssl")
	key, cert := filepath.Join(dir, "key.pem"), filepath.Join(dir, "cert.pem")
	if out, err := exec.Command("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-subj", "/CN=pever test", "-days", "2").CombinedOutput(); err != nil {
		t.Fatalf("openssl: %v\n%s", err, out)
	}
	for _, c := range kbCases[:4] {
		in := writeCase(t, dir, c)
		signed := in + ".signed"
		if out, err := exec.Command("osslsigncode", "sign", "-certs", cert, "-key", key, "-n", "pever", "-in", in, "-out", signed).CombinedOutput(); err != nil {
			t.Fatalf("%v: osslsigncode sign: %v\n%s", c, err, out)
		}
		out, err := exec.Command("osslsigncode", "verify", "-CAfile", cert, "-in", signed).CombinedOutput()
		if err != nil || !bytes.Contains(out, []byte("Signature verification: ok")) {
			t.Errorf("%v: signed copy does not verify: %v\n%s", c, err, out)
		}
		f, err := Open(signed)
		if err != nil {
			t.Fatal(err)
		}
		v, err := f.FileVersion()
		f.Close()
		if err != nil || v != c.version || f.Machine != c.machine || f.Size <= c.size {
			t.Errorf("%v: signed copy reads as %v %v size %d, %v", c, f.Machine, v, f.Size, err)
		}
		if _, err := exec.LookPath("7z"); err == nil {
			if got := sevenZip(t, signed); got.FileVersion != c.version.String() || got.Size != fmt.Sprint(f.Size) {
				t.Errorf("%v: 7z on the signed copy: %+v", c, got)
			}
		}
	}
}
