package pa19_test

import (
	"bytes"
	"errors"
	"hash/crc32"
	"os"
	"path/filepath"
	"testing"

	"github.com/msikit/msikit/internal/testutil"
	"github.com/msikit/msikit/msi/patch/pa19"
)

// The vectors of ../shared/corpus/pa19 (see its MANIFEST.md): Wine's and
// ReactOS's mspatcha tests, made by mspatchc.dll on Windows.

func corpusFile(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(testutil.Corpus(t, "pa19"), name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func apply(t *testing.T, patch, old []byte) ([]byte, error) {
	t.Helper()
	p, err := pa19.Parse(patch)
	if err != nil {
		return nil, err
	}
	var out bytes.Buffer
	err = p.Apply(&out, old)
	return out.Bytes(), err
}

func TestCorpusApply(t *testing.T) {
	for _, c := range []struct{ patch, old, new string }{
		{"wine_two_files_ranges.pa19", "wine_two_files_ranges_0.old", "wine_two_files_ranges_0.new"},
		{"wine_two_files_ranges.pa19", "wine_two_files_ranges_1.old", "wine_two_files_ranges_1.new.derived"},
		{"wine_null_input_uncompressed.pa19", "wine_null_input_uncompressed.old", "wine_null_input_uncompressed.new"},
		{"wine_unnecessary.pa19", "wine_unnecessary.old", "wine_unnecessary.new"},
		{"reactos_in1_text.pa19", "reactos_in1_text.old", "reactos_in1_text.new"},
		{"reactos_in2_binary.pa19", "reactos_in2_binary.old", "reactos_in2_binary.new"},
		{"reactos_in3_compression.pa19", "reactos_in3_compression.old", "reactos_in3_compression.new"},
	} {
		t.Run(c.patch+"+"+c.old, func(t *testing.T) {
			got, err := apply(t, corpusFile(t, c.patch), corpusFile(t, c.old))
			if err != nil {
				t.Fatal(err)
			}
			if want := corpusFile(t, c.new); !bytes.Equal(got, want) {
				t.Fatalf("new file differs: got %d bytes %x, want %d bytes %x", len(got), crc32.ChecksumIEEE(got), len(want), crc32.ChecksumIEEE(want))
			}
		})
	}
}

// TestCorpusBlockType2: the source gives only the new file's size and CRC32.
func TestCorpusBlockType2(t *testing.T) {
	patch := corpusFile(t, "wine_blocktype2.pa19")
	got, err := apply(t, patch, corpusFile(t, "wine_blocktype2.old"))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1024 || crc32.ChecksumIEEE(got) != 0x324f93ea {
		t.Fatalf("new file: %d bytes, CRC32 %08x; want 1024, 324f93ea", len(got), crc32.ChecksumIEEE(got))
	}
	p, _ := pa19.Parse(patch)
	if p.HasTime {
		t.Errorf("time stamp %v in a header without one", p.Time)
	}
}

func TestCorpusFailures(t *testing.T) {
	for _, c := range []struct {
		patch, old string
		want       []error
	}{
		{"wine_two_files_ranges.pa19", "wine_blocktype2.old", []error{pa19.ErrWrongOld}},
		{"wine_two_files_ranges.pa19", "wine_null_input_uncompressed.pa19", []error{pa19.ErrWrongOld}},
		{"wine_blocktype2_truncated.pa19", "wine_blocktype2.old", []error{pa19.ErrCorrupt, pa19.ErrTruncated}},
		{"wine_blocktype2_corrupt.pa19", "wine_blocktype2.old", []error{pa19.ErrCorrupt}},
		{"wine_null_input_uncompressed.pa19", "wine_two_files_ranges_0.old", []error{pa19.ErrWrongOld}},
		{"wine_two_files_ranges_header_only.pa19", "wine_two_files_ranges_0.old", []error{pa19.ErrHeaderOnly}},
		{"reactos_in1_text_header_only.pa19", "reactos_in1_text.old", []error{pa19.ErrHeaderOnly}},
	} {
		t.Run(c.patch+"+"+c.old, func(t *testing.T) {
			got, err := apply(t, corpusFile(t, c.patch), corpusFile(t, c.old))
			for _, w := range c.want {
				if !errors.Is(err, w) {
					t.Errorf("got %v, want %v", err, w)
				}
			}
			if len(got) != 0 {
				t.Errorf("%d bytes written on failure", len(got))
			}
		})
	}
}

// TestCorpusCheck is TestApplyPatchToFile: header-only deltas tell whether
// an old file fits.
func TestCorpusCheck(t *testing.T) {
	for _, c := range []struct {
		patch, old string
		want       error
		index      int
	}{
		{"wine_two_files_ranges_header_only.pa19", "wine_two_files_ranges_0.old", nil, 0},
		{"wine_two_files_ranges_header_only.pa19", "wine_two_files_ranges_1.old", nil, 1},
		{"wine_two_files_ranges_header_only.pa19", "wine_blocktype2.old", pa19.ErrWrongOld, -1},
		{"reactos_in1_text_header_only.pa19", "reactos_in1_text.old", nil, 0},
		{"reactos_in2_binary_header_only.pa19", "reactos_in2_binary.old", nil, 0},
		{"reactos_in3_compression_header_only.pa19", "reactos_in3_compression.old", nil, 0},
		{"reactos_in3_compression_header_only.pa19", "reactos_in2_binary.old", pa19.ErrWrongOld, -1},
	} {
		t.Run(c.patch+"+"+c.old, func(t *testing.T) {
			p, err := pa19.Parse(corpusFile(t, c.patch))
			if err != nil {
				t.Fatal(err)
			}
			if !p.HeaderOnly {
				t.Error("not seen as header-only")
			}
			i, err := p.Check(corpusFile(t, c.old))
			if !errors.Is(err, c.want) || i != c.index {
				t.Errorf("Check = %d, %v; want %d, %v", i, err, c.index, c.want)
			}
		})
	}
}

// TestCorpusReactOSNegatives are the cases the ReactOS test builds at run
// time: the delta without its last byte, the old file without its last.
func TestCorpusReactOSNegatives(t *testing.T) {
	for _, name := range []string{"reactos_in1_text", "reactos_in2_binary", "reactos_in3_compression"} {
		patch, old := corpusFile(t, name+".pa19"), corpusFile(t, name+".old")
		if _, err := apply(t, patch[:len(patch)-1], old); !errors.Is(err, pa19.ErrCorrupt) {
			t.Errorf("%s, delta short by a byte: %v, want ErrCorrupt", name, err)
		}
		if _, err := apply(t, patch, old[:len(old)-1]); !errors.Is(err, pa19.ErrWrongOld) {
			t.Errorf("%s, old file short by a byte: %v, want ErrWrongOld", name, err)
		}
	}
}

// TestCorpusHeader checks the header fields MANIFEST.md lists.
func TestCorpusHeader(t *testing.T) {
	p, err := pa19.Parse(corpusFile(t, "wine_two_files_ranges.pa19"))
	if err != nil {
		t.Fatal(err)
	}
	if p.Flags != 0x00C40002 || !p.HasTime || p.Time.Unix() != 1555736005 || p.NewSize != 1023 || p.NewCRC != 0xa34596ec {
		t.Errorf("header: flags %08x, time %v %v, new %d %08x", p.Flags, p.HasTime, p.Time.Unix(), p.NewSize, p.NewCRC)
	}
	want := []struct {
		size           int64
		crc            uint32
		ignore, retain int
		stream         int64
	}{{1022, 0xac44640f, 20, 20, 134}, {1024, 0x3c64b164, 20, 20, 148}}
	if len(p.Olds) != len(want) {
		t.Fatalf("%d old files, want %d", len(p.Olds), len(want))
	}
	for i, w := range want {
		o := p.Olds[i]
		if o.Size != w.size || o.CRC != w.crc || len(o.Ignore) != w.ignore || len(o.Retain) != w.retain || o.StreamSize != w.stream {
			t.Errorf("old %d: %d %08x, %d ignore, %d retain, %d stream bytes; want %+v", i, o.Size, o.CRC, len(o.Ignore), len(o.Retain), o.StreamSize, w)
		}
		for _, r := range o.Retain {
			if r.Length != 1 || (i == 0 && r.NewOffset != r.OldOffset) || (i == 1 && (r.NewOffset-r.OldOffset)*(r.NewOffset-r.OldOffset) > 1) {
				t.Errorf("old %d: retain range %+v", i, r)
			}
		}
	}
	u, err := pa19.Parse(corpusFile(t, "wine_unnecessary.pa19"))
	if err != nil {
		t.Fatal(err)
	}
	if !u.Olds[0].Identical() {
		t.Error("wine_unnecessary: not seen as identical files")
	}
}
