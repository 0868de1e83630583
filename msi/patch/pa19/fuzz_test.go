package pa19_test

import (
	"bytes"
	"errors"
	"hash/crc32"
	"os"
	"path/filepath"
	"testing"

	"github.com/msikit/msikit/internal/pa19test"
	"github.com/msikit/msikit/internal/testutil"
	"github.com/msikit/msikit/msi/patch/pa19"
)

// FuzzApply: any delta and old file give a new file of the declared size
// whose CRC32 is the header's, or an error wrapping one of the sentinels;
// never a panic, and no allocation out of proportion to the input.
func FuzzApply(f *testing.F) {
	old, data := []byte("the old file, testdata"), []byte("the new file, with some extra")
	f.Add(pa19test.Build(pa19test.Spec{Flags: pa19.OptionNoRebase, Time: 1, New: data, Olds: []pa19test.Old{{Data: old}}}), old)
	f.Add(pa19test.Build(pa19test.Spec{Flags: pa19.OptionNoRebase, New: data, Olds: []pa19test.Old{
		{Data: old, Ignore: []pa19.Range{{Offset: 1, Length: 2}}, Retain: []pa19.Retained{{OldOffset: 3, NewOffset: 4, Length: 2}}},
		{Data: data}}}), data)
	f.Add(pa19test.Build(pa19test.Spec{Flags: pa19.OptionNoRebase, New: data, Olds: []pa19test.Old{{Data: old}}, HeaderOnly: true}), old)
	// The corpus's deltas, compressed ones among them, when it is there;
	// they are not copied into the repository.
	if dir := filepath.Join(testutil.ModuleRoot(f), "..", "shared", "corpus", "pa19"); true {
		for _, name := range []string{"wine_two_files_ranges", "wine_blocktype2", "reactos_in3_compression"} {
			p, err1 := os.ReadFile(filepath.Join(dir, name+".pa19"))
			o, err2 := os.ReadFile(filepath.Join(dir, name+".old"))
			if err2 != nil {
				o, err2 = os.ReadFile(filepath.Join(dir, name+"_0.old"))
			}
			if err1 == nil && err2 == nil {
				f.Add(p, o)
			}
		}
	}
	sentinels := []error{pa19.ErrCorrupt, pa19.ErrWrongOld, pa19.ErrUnsupported, pa19.ErrHeaderOnly}
	f.Fuzz(func(t *testing.T, patch, old []byte) {
		p, err := pa19.Parse(patch)
		if err == nil {
			var out bytes.Buffer
			err = p.Apply(&out, old)
			if err == nil {
				if int64(out.Len()) != p.NewSize {
					t.Fatalf("%d bytes, header says %d", out.Len(), p.NewSize)
				}
				if p.Olds[0].Retain == nil && crc32.ChecksumIEEE(out.Bytes()) != p.NewCRC {
					t.Fatal("CRC32 differs from the header's")
				}
				return
			}
		}
		for _, s := range sentinels {
			if errors.Is(err, s) {
				return
			}
		}
		t.Fatalf("error %v wraps no sentinel", err)
	})
}
