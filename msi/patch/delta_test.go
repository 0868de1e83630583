package patch_test

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/msikit/msikit/internal/pa19test"
	"github.com/msikit/msikit/internal/patchtest"
	"github.com/msikit/msikit/msi"
	"github.com/msikit/msikit/msi/patch"
	"github.com/msikit/msikit/msi/patch/pa19"
)

// buildGuide builds a one-file package whose file holds content.
func buildGuide(t *testing.T, dir, content string) *msi.Package {
	return patchtest.Package(t, dir, map[string]string{"Demo/guide.txt": content})
}

// TestReadPatched: a patch whose changed file is a PA19 delta, built here;
// ReadFiles refuses the delta, ReadPatched applies it to the base it is
// given, and says what was expected of a base that does not fit.
func TestReadPatched(t *testing.T) {
	work := t.TempDir()
	oldText, newText := "The guide.\n", "The guide, version two.\n"
	v1 := buildGuide(t, filepath.Join(work, "v1"), oldText)
	v2 := buildGuide(t, filepath.Join(work, "v2"), newText)
	b, err := patch.Create(v1, v2, patch.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	delta := pa19test.Build(pa19test.Spec{Flags: pa19.OptionNoRebase, New: []byte(newText), Olds: []pa19test.Old{{Data: []byte(oldText)}}})
	if len(b.Members) != 1 {
		t.Fatalf("%d members", len(b.Members))
	}
	b.Members[0].Size = int64(len(delta))
	b.Members[0].Open = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(delta)), nil }
	var msp bytes.Buffer
	if err := b.Save(&msp); err != nil {
		t.Fatal(err)
	}
	p, err := msi.NewPackage(bytes.NewReader(msp.Bytes()), int64(msp.Len()), "delta.msp")
	if err != nil {
		t.Fatal(err)
	}
	pt, err := patch.New(p)
	if err != nil {
		t.Fatal(err)
	}
	defer pt.Close()
	files, err := pt.Files(patch.FileOptions{Target: v1, Layout: msi.LayoutAdmin})
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 1 || !files[0].Delta || files[0].DeltaFormat != patch.DeltaPA19 || files[0].Base == nil ||
		files[0].DeltaHeader == nil || files[0].DeltaHeader.Olds[0].Size != int64(len(oldText)) {
		t.Fatalf("files: %+v", files)
	}

	read := func(base patch.BaseFunc) (string, error) {
		var got []byte
		err := pt.ReadPatched(files, msi.ReadOptions{CheckSize: true}, base, func(_ *patch.File, r io.Reader) error {
			var err error
			got, err = io.ReadAll(r)
			return err
		})
		return string(got), err
	}
	if _, err := read(nil); !errors.Is(err, patch.ErrDelta) {
		t.Errorf("no base: %v, want ErrDelta", err)
	}
	got, err := read(func(f *patch.File) ([]byte, error) { return []byte(oldText), nil })
	if err != nil || got != newText {
		t.Errorf("got %q, %v; want %q", got, err, newText)
	}
	if _, err := read(func(f *patch.File) ([]byte, error) { return []byte("The guidE.\n"), nil }); !errors.Is(err, pa19.ErrWrongOld) {
		t.Errorf("another base: %v, want pa19.ErrWrongOld", err)
	}
	if _, err := read(func(f *patch.File) ([]byte, error) { return nil, os.ErrNotExist }); !errors.Is(err, msi.ErrMissingSource) {
		t.Errorf("no base file: %v, want msi.ErrMissingSource", err)
	}
}
