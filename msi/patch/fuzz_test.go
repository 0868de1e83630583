package patch

import (
	"bytes"
	"errors"
	"io"
	"testing"

	"github.com/msikit/msikit/msi"
)

// FuzzParsePairs: any LastSavedBy gives pairs whose companions
// match their transforms, or ErrFormat.
func FuzzParsePairs(f *testing.F) {
	f.Add(":rtmldr.1;:#rtmldr.1;:rtm.2;:#rtm.2")
	f.Add(":a;:#b")
	f.Add(";;:x;")
	f.Fuzz(func(t *testing.T, s string) {
		names, patchNames, err := parsePairs(s)
		if err != nil {
			if !errors.Is(err, msi.ErrFormat) {
				t.Fatalf("error %v is not ErrFormat", err)
			}
			return
		}
		if len(names) != len(patchNames) {
			t.Fatalf("%d names, %d patch names", len(names), len(patchNames))
		}
		for i, n := range names {
			if patchNames[i] != "" && patchNames[i] != "#"+n {
				t.Fatalf("%q paired with %q", n, patchNames[i])
			}
		}
	})
}

// FuzzPatch reads a patch package and everything it carries: errors, no
// panics.
func FuzzPatch(f *testing.F) {
	f.Add(hostilePatch(f, "{7A59E0BE-5179-4D9C-A7F0-B9F0955315A0}", ":rtm.1;:#rtm.1"))
	f.Add(hostilePatch(f, "{7A59E0BE-5179-4D9C-A7F0-B9F0955315A0}", ""))
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := msi.NewPackage(bytes.NewReader(b), int64(len(b)), "fuzz.msp")
		if err != nil {
			return
		}
		pt, err := New(p)
		if err != nil {
			return
		}
		pt.Check(msi.ProductInfo{ProductCode: "{6EA3AE83-A14F-4B8B-8A86-BB977A9E7833}", ProductVersion: "1.0.0.0"})
		files, err := pt.Files(FileOptions{})
		if err != nil {
			return
		}
		pt.ReadFiles(files, msi.ReadOptions{}, func(f *File, r io.Reader) error {
			_, err := io.Copy(io.Discard, r)
			return err
		})
	})
}
