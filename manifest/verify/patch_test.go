package verify

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/msikit/msikit/internal/pa19test"
	"github.com/msikit/msikit/internal/patchtest"
	"github.com/msikit/msikit/msi"
	"github.com/msikit/msikit/msi/patch"
	"github.com/msikit/msikit/msi/patch/pa19"
)

// adminImage writes the administrative image of p into dir, patched with
// the patches, as msikit admin --patch does.
func adminImage(t *testing.T, p *msi.Package, dir string, patches ...*patch.Patch) {
	t.Helper()
	list, err := msi.FileList(p, msi.FileOptions{Layout: msi.LayoutAdmin})
	if err != nil {
		t.Fatal(err)
	}
	write := func(rel string, r io.Reader) error {
		full := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			return err
		}
		b, err := io.ReadAll(r)
		if err != nil {
			return err
		}
		return os.WriteFile(full, b, 0o644)
	}
	if _, err := p.ReadFiles(list, msi.ReadOptions{}, func(c msi.FileContent) error { return write(c.File.Path, c.Reader) }); err != nil {
		t.Fatal(err)
	}
	db, err := p.AdminDatabase()
	if err != nil {
		t.Fatal(err)
	}
	err = patch.ApplyAdmin(db, patches, msi.FileOptions{Layout: msi.LayoutAdmin}, func(res *patch.AdminResult) error {
		base := func(f *patch.File) ([]byte, error) {
			return os.ReadFile(filepath.Join(dir, filepath.FromSlash(f.Path)))
		}
		return res.Patch.ReadPatched(res.Files, msi.ReadOptions{CheckSize: true}, base, func(f *patch.File, r io.Reader) error {
			return write(f.Path, r)
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := db.Save(&b); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "p.msi"), b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// deltaTestPatch builds v1 and a patch to v2 that changes the guide (as a
// PA19 delta) and the notes (whole) and adds extra.txt.
func deltaTestPatch(t *testing.T, work string) (*msi.Package, *patch.Patch) {
	t.Helper()
	return versionTestPatch(t, work, "1.0.0")
}

// versionTestPatch is deltaTestPatch with v2 of another product version.
func versionTestPatch(t *testing.T, work, version string) (*msi.Package, *patch.Patch) {
	t.Helper()
	const guide1, guide2 = "The guide.\n", "The guide, version two, from a delta.\n"
	v1 := patchtest.Package(t, filepath.Join(work, "v1"), map[string]string{"Demo/readme.txt": "Hello.\r\n", "Demo/doc/guide.txt": guide1, "Demo/notes.txt": "notes 1\n"})
	v2 := patchtest.PackageVersion(t, filepath.Join(work, "v2"), version, map[string]string{"Demo/readme.txt": "Hello.\r\n", "Demo/doc/guide.txt": guide2, "Demo/notes.txt": "notes, version two\n", "Demo/extra.txt": "added\n"})
	delta := pa19test.Build(pa19test.Spec{Flags: pa19.OptionLZXA | pa19.OptionNoRebase, New: []byte(guide2), Olds: []pa19test.Old{{Data: []byte(guide1)}}})
	return v1, makePatch(t, v1, v2, filepath.Join(work, "d.msp"), func(b *patch.Build) { patchtest.Delta(t, b, guide2, delta) })
}

// makePatch saves the patch from old to new at msp, edited by edit if
// set, and opens it until the test ends.
func makePatch(t *testing.T, old, new *msi.Package, msp string, edit func(*patch.Build)) *patch.Patch {
	t.Helper()
	b, err := patch.Create(old, new, patch.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if edit != nil {
		edit(b)
	}
	var buf bytes.Buffer
	if err := b.Save(&buf); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(msp, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	pt, err := patch.Open(msp)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pt.Close() })
	return pt
}

// results maps each result's file name to its status and first mismatch.
func results(r *Report) map[string]Result {
	out := map[string]Result{}
	for _, res := range r.Results {
		out[res.Entry.Name] = res
	}
	return out
}

// TestPatch: an image patched with a patch carrying a delta, a whole file
// and a new file is what the patch makes; the image not patched has each
// named as not applied, for the reason it can tell; a changed byte fails
// the file with what was expected and found.
func TestPatch(t *testing.T) {
	work := t.TempDir()
	v1, pt := deltaTestPatch(t, work)

	patched := filepath.Join(work, "patched")
	adminImage(t, v1, patched, pt)
	r, err := Patch([]*patch.Patch{pt}, patched, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !r.OK() || len(r.Results) != 3 || r.Kind != KindImage || r.Variant != pt.Code {
		t.Fatalf("patched image: %+v", r)
	}
	for name, res := range results(r) {
		if res.Status != StatusOK || res.File == nil {
			t.Errorf("%s: %s %v", name, res.Status, res.Mismatches)
		}
	}
	if g := results(r)["guide.txt"]; g.File.CRC32 == "" || g.Entry.Path != "PFiles/Demo/doc/guide.txt" {
		t.Errorf("guide: %+v", g)
	}
	if n := results(r)["notes.txt"]; n.Entry.MD5 == "" || n.Entry.MD5 != n.File.MD5 {
		t.Errorf("notes: the patch's MD5 %q, the file's %q", n.Entry.MD5, n.File.MD5)
	}

	plain := filepath.Join(work, "plain")
	adminImage(t, v1, plain)
	r, err = Patch([]*patch.Patch{pt}, filepath.Join(plain, "p.msi"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if r.OK() || r.Summary().NotApplied != 3 {
		t.Fatalf("plain image: %+v", r.Summary())
	}
	res := results(r)
	for name, want := range map[string]string{
		"guide.txt": "still the file the patch changes (the delta's base: 11 bytes with CRC32 ",
		"notes.txt": "still the file the patch changes (the image's File row before the patch: 8 bytes, version (none))",
		"extra.txt": "the image's package has no file extra.txt, which d.msp adds: the patch is not applied",
	} {
		if got := res[name]; got.Status != StatusNotApplied || !strings.Contains(got.Mismatches[0].Message, want) {
			t.Errorf("%s: %s %v, want %q", name, got.Status, got.Mismatches, want)
		}
	}

	// One byte changed: the whole file fails its MD5 and MsiFileHash,
	// not as not applied.
	notes := filepath.Join(patched, "PFiles", "Demo", "notes.txt")
	b, _ := os.ReadFile(notes)
	b[0] ^= 0x20
	if err := os.WriteFile(notes, b, 0o644); err != nil {
		t.Fatal(err)
	}
	r, err = Patch([]*patch.Patch{pt}, patched, Options{})
	if err != nil {
		t.Fatal(err)
	}
	n := results(r)["notes.txt"]
	if r.OK() || n.Status != StatusFail || n.Mismatches[0].Field != FieldMD5 || n.Mismatches[0].Found != n.File.MD5 {
		t.Errorf("changed notes: %s %+v", n.Status, n.Mismatches)
	}
	var text bytes.Buffer
	if err := WriteText(&text, []*Report{r}); err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`(?m)^FAIL +notes\.txt at PFiles/Demo/notes\.txt +PFiles/Demo/notes\.txt: md5: expected the patch's bytes, MD5 [0-9a-f]{32}, found [0-9a-f]{32}; hash: `).MatchString(text.String()) {
		t.Errorf("text:\n%s", text.String())
	}

	// Not an image: the package itself, or a folder without one.
	if _, err := Patch([]*patch.Patch{pt}, filepath.Join(work, "v1", "p.msi"), Options{}); !errors.Is(err, ErrImage) {
		t.Errorf("a package that is no image: %v", err)
	}
	if _, err := Patch([]*patch.Patch{pt}, t.TempDir(), Options{}); !errors.Is(err, ErrImage) {
		t.Errorf("an empty folder: %v", err)
	}
}

// TestPatchNewVersion: a patch that changes the product version no longer
// validates against the image it has patched: the image is checked as its
// transform's result.
func TestPatchNewVersion(t *testing.T) {
	work := t.TempDir()
	v1, pt := versionTestPatch(t, work, "1.0.1")
	patched := filepath.Join(work, "patched")
	adminImage(t, v1, patched, pt)
	r, err := Patch([]*patch.Patch{pt}, patched, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !r.OK() || len(r.Results) != 3 || len(r.Notes) != 1 || !strings.Contains(r.Notes[0], "whose result the image's package is (product ") {
		t.Fatalf("patched image: %+v %v", r.Summary(), r.Notes)
	}
	plain := filepath.Join(work, "plain")
	adminImage(t, v1, plain)
	if r, err = Patch([]*patch.Patch{pt}, plain, Options{}); err != nil || r.Summary().NotApplied != 3 {
		t.Fatalf("plain image: %v %+v", err, r)
	}
	// Another product's image.
	other := patchtest.PackageVersion(t, filepath.Join(work, "other"), "2.0.0", map[string]string{"Demo/guide.txt": "x"})
	img := filepath.Join(work, "other-image")
	adminImage(t, other, img)
	if _, err := Patch([]*patch.Patch{pt}, img, Options{}); !errors.Is(err, patch.ErrNotApplicable) {
		t.Errorf("another product: %v", err)
	}
}

// TestPatches: two patches in sequence (1.0.0 to 1.0.1 to 1.0.2), the notes
// changed by both, the guide by the second: given in any order, they are
// checked in sequence order, and an image patched with the first only has
// its files named as not patched by the second.
func TestPatches(t *testing.T) {
	work := t.TempDir()
	files := func(notes, guide string) map[string]string {
		return map[string]string{"Demo/notes.txt": notes, "Demo/doc/guide.txt": guide}
	}
	v1 := patchtest.PackageVersion(t, filepath.Join(work, "v1"), "1.0.0", files("notes 1\n", "guide 1\n"))
	v2 := patchtest.PackageVersion(t, filepath.Join(work, "v2"), "1.0.1", files("notes, two\n", "guide 1\n"))
	v3 := patchtest.PackageVersion(t, filepath.Join(work, "v3"), "1.0.2", files("notes, version three\n", "guide, three\n"))
	p1 := makePatch(t, v1, v2, filepath.Join(work, "p1.msp"), nil)
	p2 := makePatch(t, v2, v3, filepath.Join(work, "p2.msp"), nil)
	both := []*patch.Patch{p2, p1}

	full := filepath.Join(work, "full")
	adminImage(t, v1, full, p1, p2)
	r, err := Patch(both, full, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !r.OK() || len(r.Results) != 2 || r.Manifest != "p1.msp, p2.msp" {
		t.Fatalf("fully patched: %+v %+v", r.Summary(), r.Results)
	}
	if len(r.Notes) != 2 || !strings.HasPrefix(r.Notes[0], "p1.msp: checked against transform ") || !strings.Contains(r.Notes[0], "whose result, product ") {
		t.Errorf("notes: %q", r.Notes)
	}

	half := filepath.Join(work, "half")
	adminImage(t, v1, half, p1)
	if r, err = Patch(both, half, Options{}); err != nil {
		t.Fatal(err)
	}
	res := results(r)
	if n := res["notes.txt"]; n.Status != StatusNotApplied || n.Mismatches[0].Message != "it is what p1.msp makes of it: p2.msp is not applied" {
		t.Errorf("notes: %s %v", n.Status, n.Mismatches)
	}
	if g := res["guide.txt"]; g.Status != StatusNotApplied || !strings.Contains(g.Mismatches[0].Message, "the image's File row before the patch: 8 bytes") {
		t.Errorf("guide: %s %v", g.Status, g.Mismatches)
	}
	// The first patch alone: the half image is what it makes.
	if r, err = Patch([]*patch.Patch{p1}, half, Options{}); err != nil || !r.OK() {
		t.Errorf("p1 on its image: %v %+v", err, r)
	}
	// The second alone on an image of 1.0.0: neither its target nor its result.
	plain := filepath.Join(work, "plain")
	adminImage(t, v1, plain)
	if _, err := Patch([]*patch.Patch{p2}, plain, Options{}); !errors.Is(err, patch.ErrNotApplicable) {
		t.Errorf("p2 on 1.0.0: %v", err)
	}
	if r, err = Patch(both, plain, Options{}); err != nil || r.Summary().NotApplied != 2 {
		t.Errorf("both on 1.0.0: %v %+v", err, r)
	}
}
