package lzx_test

import (
	"bytes"
	"crypto/md5"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"github.com/msikit/msikit/internal/testutil"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/msikit/msikit/cab/internal/cabtest"
	"github.com/msikit/msikit/cab/lzx"
)

// corpusDir returns the shared corpus, skipping the test when it is absent.
func corpusDir(t testing.TB) string { return testutil.Corpus(t) }

// corpusFile returns the path of a corpus file, or skips if it is absent.
func corpusFile(t testing.TB, rel string) string {
	t.Helper()
	p := filepath.Join(corpusDir(t), filepath.FromSlash(rel))
	if _, err := os.Stat(p); err != nil {
		testutil.Skip(t, "corpus file %s absent: %v", rel, err)
	}
	return p
}

// lzxFolders returns the LZX folders of a cabinet.
func lzxFolders(t testing.TB, path string) []cabtest.Folder {
	t.Helper()
	fs, err := cabtest.ReadFile(path)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	var out []cabtest.Folder
	for _, f := range fs {
		if f.TypeCompress&0xf == 3 {
			out = append(out, f)
		}
	}
	return out
}

func windowBits(f cabtest.Folder) int { return int(f.TypeCompress >> 8 & 0x1f) }

func decodeFolder(t testing.TB, f cabtest.Folder) ([]byte, error) {
	t.Helper()
	d, err := lzx.NewDecoder(windowBits(f))
	if err != nil {
		t.Fatalf("NewDecoder(%d): %v", windowBits(f), err)
	}
	return cabtest.DecodeFolder(d, f)
}

func md5hex(b []byte) string {
	s := md5.Sum(b)
	return hex.EncodeToString(s[:])
}

// TestCorpus decodes the LZX folders of real cabinets and checks every file
// against the MD5 the corpus manifests record (from cabextract -t).
func TestCorpus(t *testing.T) {
	tests := []struct {
		file   string
		folder int               // index among the cabinet's LZX folders
		window int               // expected window bits
		md5s   map[string]string // member name (as stored) -> md5
	}{
		{"lessmsi/vcredis1.cab", 0, 21, map[string]string{
			"FL_msdia71_dll_2_____X86.3643236F_FC70_11D3_A536_0090278A1BB8": "ff2511d54e4d2886c91b86cbd8f963fe",
		}},
		{"libmspack-cabextract/large-files-cab.cab", 0, 21, map[string]string{
			"large-files.cab": "ac923e14971324651015ba44ceb59b36",
		}},
		{"libarchive/test_read_format_cab_3.cab", 0, 18, map[string]string{
			"empty":      "d41d8cd98f00b204e9800998ecf8427e",
			"zero":       "d7ea97d313b83e91efbb901cc558bea4",
			`dir1\file1`: "9f348626c6a84b91537327656c98e113",
			`dir2\file2`: "cc38402d8b50f75cdb7279e90ee33b39",
		}},
		{"libarchive/test_read_format_cab_lzx_e8.cab", 0, 15, map[string]string{
			"e8.bin": "a4c27ca1bc8bd5abdcba4ebeb3d18674",
		}},
		{"libarchive/test_read_format_cab_lzx_literal_control.cab", 0, 15, map[string]string{
			"x": "c4103f122d27677c9db144cae1394a66",
		}},
		{"libmspack-cabd/mszip_lzx_qtm.cab", 0, 18, map[string]string{
			"lzx.txt": "703474293b614e7110b3eb8ac2762b53",
		}},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			folders := lzxFolders(t, corpusFile(t, tc.file))
			if len(folders) <= tc.folder {
				t.Fatalf("%d LZX folders, want folder #%d", len(folders), tc.folder)
			}
			f := folders[tc.folder]
			if got := windowBits(f); got != tc.window {
				t.Fatalf("window bits %d, want %d", got, tc.window)
			}
			out, err := decodeFolder(t, f)
			if err != nil {
				t.Fatalf("decode: %v", err)
			}
			if len(f.Files) != len(tc.md5s) {
				t.Fatalf("%d files, want %d", len(f.Files), len(tc.md5s))
			}
			for _, fi := range f.Files {
				want, ok := tc.md5s[fi.Name]
				if !ok {
					t.Errorf("unexpected member %q", fi.Name)
					continue
				}
				if fi.Offset+fi.Size > len(out) {
					t.Errorf("%s: ends at %d, folder decoded to %d bytes", fi.Name, fi.Offset+fi.Size, len(out))
					continue
				}
				if got := md5hex(out[fi.Offset : fi.Offset+fi.Size]); got != want {
					t.Errorf("%s: md5 %s, want %s", fi.Name, got, want)
				}
			}
		})
	}
}

// TestE8Bytes checks the exact bytes libarchive's E8 test expects: six CALL
// instructions whose operands sit at the edges of the translation range.
func TestE8Bytes(t *testing.T) {
	folders := lzxFolders(t, corpusFile(t, "libarchive/test_read_format_cab_lzx_e8.cab"))
	out, err := decodeFolder(t, folders[0])
	if err != nil {
		t.Fatal(err)
	}
	var want []byte
	for _, operand := range []string{"00000000", "00000080", "FFFFFF7F", "FF000000", "12345678", "87654321"} {
		b, err := hex.DecodeString("E8" + operand)
		if err != nil {
			t.Fatal(err)
		}
		want = append(want, b...)
	}
	if !bytes.Equal(out, want) {
		t.Errorf("got % x\nwant % x", out, want)
	}
}

// TestCabextract compares every member with what cabextract writes.
func TestCabextract(t *testing.T) {
	if _, err := exec.LookPath("cabextract"); err != nil {
		testutil.Skip(t, "cabextract not installed: skipping peer comparison")
	}
	for _, rel := range []string{
		"lessmsi/vcredis1.cab",
		"libmspack-cabextract/large-files-cab.cab",
		"libarchive/test_read_format_cab_3.cab",
		"libarchive/test_read_format_cab_lzx_e8.cab",
		"libarchive/test_read_format_cab_lzx_literal_control.cab",
		"libmspack-cabd/mszip_lzx_qtm.cab",
	} {
		t.Run(rel, func(t *testing.T) {
			path := corpusFile(t, rel)
			dir := t.TempDir()
			if msg, err := exec.Command("cabextract", "-q", "-d", dir, path).CombinedOutput(); err != nil {
				t.Fatalf("cabextract: %v\n%s", err, msg)
			}
			n := 0
			for _, f := range lzxFolders(t, path) {
				out, err := decodeFolder(t, f)
				if err != nil {
					t.Fatalf("decode: %v", err)
				}
				for _, fi := range f.Files {
					want, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(strings.ReplaceAll(fi.Name, `\`, "/"))))
					if err != nil {
						t.Fatalf("cabextract output: %v", err)
					}
					if got := out[fi.Offset : fi.Offset+fi.Size]; !bytes.Equal(got, want) {
						t.Errorf("%s: md5 %s, cabextract %s", fi.Name, md5hex(got), md5hex(want))
					}
					n++
				}
			}
			if n == 0 {
				t.Fatal("no LZX member compared")
			}
		})
	}
}

// TestCorpusCorrupt checks the malformed cabinets cabextract refuses.
func TestCorpusCorrupt(t *testing.T) {
	for _, rel := range []string{
		"libarchive/test_read_format_cab_lzx_invalid_history.cab",
		"libmspack-cabd/lzx-main-tree-no-lengths.cab",
	} {
		t.Run(rel, func(t *testing.T) {
			folders := lzxFolders(t, corpusFile(t, rel))
			if len(folders) != 1 {
				t.Fatalf("%d LZX folders, want 1", len(folders))
			}
			out, err := decodeFolder(t, folders[0])
			if !errors.Is(err, lzx.ErrCorrupt) {
				t.Fatalf("err = %v (output %d bytes), want ErrCorrupt", err, len(out))
			}
		})
	}
}

// TestCorpusOOB feeds the one CFDATA block of libarchive's out-of-bounds
// cabinet as it is (its declared sizes overrun the file, so the cabinet
// walker refuses it): 65280 bytes cannot be one frame, and capped to one
// frame its 34 bytes of input cannot make 32768 bytes.
func TestCorpusOOB(t *testing.T) {
	b, err := os.ReadFile(corpusFile(t, "libarchive/test_read_format_cab_lzx_oob.cab"))
	if err != nil {
		t.Fatal(err)
	}
	le := binary.LittleEndian
	folder := b[36:]
	first := int(le.Uint32(folder))
	wb := int(le.Uint16(folder[6:]) >> 8 & 0x1f)
	if first+8 > len(b) {
		t.Fatalf("CFDATA at %d past the end", first)
	}
	usize := int(le.Uint16(b[first+6:]))
	data := b[first+8:]
	if usize != 65280 || len(data) != 34 || wb != 16 {
		t.Fatalf("unexpected layout: usize %d, %d bytes of data, window %d", usize, len(data), wb)
	}
	for _, n := range []int{usize, 32768} {
		d, err := lzx.NewDecoder(wb)
		if err != nil {
			t.Fatal(err)
		}
		if err := d.Decompress(make([]byte, n), data); !errors.Is(err, lzx.ErrCorrupt) {
			t.Errorf("dst %d bytes: err = %v, want ErrCorrupt", n, err)
		}
	}
}
