package bundle

import (
	"bytes"
	"crypto/sha1"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/msikit/msikit/cab"
	"github.com/msikit/msikit/internal/burn"
	"github.com/msikit/msikit/internal/testutil"
)

func readPayload(t *testing.T, b *Bundle, p *Payload) []byte {
	t.Helper()
	rc, err := b.OpenPayload(p)
	if err != nil {
		t.Fatalf("%s: %v", p.FilePath, err)
	}
	defer rc.Close()
	data, err := io.ReadAll(rc)
	if err != nil {
		t.Fatalf("%s: %v", p.FilePath, err)
	}
	return data
}

// TestCorpusV3Bundle opens a WiX 3 bundle: the UX container's member "0"
// is the manifest, which names the seven UX payloads (u0-u6) and the two
// payloads of the attached container (a0, a1). Every payload read must
// have the size and SHA-1 the manifest gives (OpenPayload checks both),
// and the attached container the manifest's SHA-1.
func TestCorpusV3Bundle(t *testing.T) {
	data, err := os.ReadFile(testutil.Corpus(t, "wix4", "v3bundle.exe"))
	if err != nil {
		t.Fatal(err)
	}
	b, err := Open(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	m := b.Manifest
	if m.Namespace != burn.NamespaceV3 || m.Registration.ExecutableName != "CustomV3Theme.exe" || m.Registration.DisplayName != "CustomV3Theme" {
		t.Errorf("manifest %s, registration %+v", m.Namespace, m.Registration)
	}
	if len(b.Containers) != 2 {
		t.Fatalf("%d containers", len(b.Containers))
	}
	ux, att := b.Containers[0], b.Containers[1]
	if ux.ID != UXContainerID || !ux.Attached || ux.Index != 0 || ux.Offset != 463360 || ux.Size != 108611 || b.UX != ux {
		t.Errorf("UX container %+v", ux)
	}
	if att.ID != "WixAttachedContainer" || !att.Attached || att.Index != 1 || att.Offset != 571971 || att.Size != 76426 ||
		att.FilePath != "CustomV3Theme.exe" || b.Container("WixAttachedContainer") != att {
		t.Errorf("attached container %+v", att)
	}
	if err := b.VerifyContainer(att); err != nil {
		t.Error(err)
	}
	wantUX := map[string]string{"u0": "wixstdba.dll", "u1": "thm.xml", "u2": "thm.wxl", "u3": "logo.png", "u4": "license.rtf",
		"u5": "BackgroundImage.png", "u6": "BootstrapperApplicationData.xml"}
	if got := ux.MemberNames(); !reflect.DeepEqual(got, wantUX) {
		t.Errorf("UX members %v", got)
	}
	if got := att.MemberNames(); !reflect.DeepEqual(got, map[string]string{"a0": "SetupProject1.msi", "a1": "cab1.cab"}) {
		t.Errorf("attached members %v", got)
	}
	// The cabinets hold exactly the members the manifest names, and
	// the manifest, first in the UX container.
	for _, c := range b.Containers {
		r, err := b.OpenContainer(c)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, f := range r.File {
			names = append(names, f.Name)
		}
		want := keys(c.MemberNames())
		if c == ux {
			want = append([]string{ManifestMember}, want...)
		}
		if !reflect.DeepEqual(names, want) {
			t.Errorf("%s: members %v, want %v", c.ID, names, want)
		}
	}
	if len(b.Payloads) != 9 {
		t.Fatalf("%d payloads", len(b.Payloads))
	}
	for _, p := range b.Payloads {
		got := readPayload(t, b, p)
		t.Logf("%-20s %-3s %-32s %7d", p.Container.ID, p.Member(), p.FilePath, len(got))
		if int64(len(got)) != p.FileSize || p.FileSize == 0 {
			t.Errorf("%s: %d bytes, manifest %d", p.FilePath, len(got), p.FileSize)
		}
		switch p.FilePath {
		case "SetupProject1.msi":
			if !bytes.HasPrefix(got, []byte("\xd0\xcf\x11\xe0")) || p.FileSize != 163840 {
				t.Errorf("SetupProject1.msi is not a compound file")
			}
		case "cab1.cab":
			c, err := cab.NewReader(bytes.NewReader(got), int64(len(got)))
			if err != nil || len(c.File) == 0 {
				t.Errorf("cab1.cab: %v", err)
			}
		case "wixstdba.dll":
			if string(got[:2]) != "MZ" {
				t.Error("wixstdba.dll is not a PE image")
			}
		}
	}
	if len(m.Packages) != 1 || m.Packages[0].Kind != "MsiPackage" ||
		!reflect.DeepEqual(m.Packages[0].Payloads, []string{"SetupProject1.msi", "cabF52D1B2425057F8281C66111B2795130"}) {
		t.Errorf("packages %+v", m.Packages)
	}
}

// TestCorpusV3BundleTruncated cuts the bundle inside its attached
// container: Open reports the container by name, and the UX payloads
// still read. Cut inside the UX container, nothing can be read.
func TestCorpusV3BundleTruncated(t *testing.T) {
	data, err := os.ReadFile(testutil.Corpus(t, "wix4", "v3bundle.exe"))
	if err != nil {
		t.Fatal(err)
	}
	cut := data[:600000]
	b, err := Open(bytes.NewReader(cut), int64(len(cut)))
	var te *cab.TruncatedError
	if !errors.Is(err, cab.ErrTruncated) || !errors.As(err, &te) || te.Offset != 571971 || te.Missing != 48397 ||
		!strings.Contains(err.Error(), `Burn attached container 1 of 1 ("WixAttachedContainer")`) {
		t.Fatalf("cut at 600000: %v", err)
	}
	if b == nil || len(b.Payloads) != 9 {
		t.Fatal("the bundle is not returned with the error")
	}
	if got := readPayload(t, b, b.Payloads[1]); len(got) != 8484 {
		t.Errorf("thm.xml: %d bytes", len(got))
	}
	if _, err := b.OpenPayload(b.Payloads[7]); !errors.Is(err, cab.ErrTruncated) || !strings.Contains(err.Error(), "SetupProject1.msi") {
		t.Errorf("SetupProject1.msi: %v", err)
	}
	cut = data[:500000]
	if b, err := Open(bytes.NewReader(cut), int64(len(cut))); b != nil || !errors.Is(err, cab.ErrTruncated) ||
		!strings.Contains(err.Error(), "bootstrapper application container") {
		t.Errorf("cut at 500000: %v", err)
	}
}

func keys(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func spec(ns string) BuildSpec {
	return BuildSpec{
		Namespace: ns,
		UX: []BuildPayload{
			{ID: "ba", FilePath: "mbapreq.dll", Data: []byte("MZ bootstrapper")},
			{ID: "theme", FilePath: `theme\thm.xml`, Data: []byte("<Theme/>")},
		},
		Containers: []BuildContainer{
			{ID: "Main", FilePath: "setup.exe", Payloads: []BuildPayload{
				{ID: "app.msi", FilePath: "app.msi", Data: bytes.Repeat([]byte("\xd0\xcf\x11\xe0app"), 3000)},
				{ID: "app.cab", FilePath: "media/app1.cab", Data: []byte("MSCF....")},
			}},
			{ID: "Second", FilePath: "setup.exe", Payloads: []BuildPayload{
				{ID: "lang", FilePath: "1031\\de.mst", Data: []byte("transform")},
			}},
			{ID: "Side", FilePath: "side.cab", Detached: true, Payloads: []BuildPayload{
				{ID: "kb", FilePath: "kb123.msu", Data: []byte("MSU")},
			}},
		},
		External: []BuildPayload{{ID: "vc", FilePath: `redist\vc_redist.exe`, Data: []byte("vc")}},
		Packages: []burn.Package{
			{Kind: "MsiPackage", ID: "app", ProductCode: "{11111111-2222-3333-4444-555555555555}", Payloads: []string{"app.msi", "app.cab", "lang"}},
			{Kind: "MsuPackage", ID: "kb", Payloads: []string{"kb"}},
			{Kind: "ExePackage", ID: "vc", Payloads: []string{"vc"}},
		},
	}
}

// TestBuildRoundTrip opens bundles Build makes, for WiX 3 and WiX 4
// manifests: two attached containers, a detached one and an external
// payload.
func TestBuildRoundTrip(t *testing.T) {
	for _, ns := range []string{burn.NamespaceV3, burn.NamespaceV4} {
		t.Run(ns, func(t *testing.T) {
			s := spec(ns)
			built, err := Build(s)
			if err != nil {
				t.Fatal(err)
			}
			b, err := Open(bytes.NewReader(built.Bundle), int64(len(built.Bundle)))
			if err != nil {
				t.Fatal(err)
			}
			if b.Manifest.Namespace != ns || len(b.Containers) != 4 || len(b.Payloads) != 7 || len(b.Manifest.Packages) != 3 {
				t.Fatalf("%s: %d containers, %d payloads", b.Manifest.Namespace, len(b.Containers), len(b.Payloads))
			}
			// Attached containers follow one another to the end of the
			// file.
			end := b.UX.Offset + b.UX.Size
			for i, id := range []string{"Main", "Second"} {
				c := b.Container(id)
				if !c.Attached || c.Index != i+1 || c.Offset != end {
					t.Errorf("%s: %+v, expected at %d", id, c, end)
				}
				if err := b.VerifyContainer(c); err != nil {
					t.Error(err)
				}
				end += c.Size
			}
			if end != int64(len(built.Bundle)) {
				t.Errorf("containers end at %d, the bundle at %d", end, len(built.Bundle))
			}
			want := map[string][]byte{}
			for _, p := range append(append(s.UX, s.Containers[0].Payloads...), s.Containers[1].Payloads...) {
				want[p.FilePath] = p.Data
			}
			for _, p := range b.Payloads {
				switch {
				case p.Container == nil:
					if p.FilePath != `redist\vc_redist.exe` || p.Member() != "" {
						t.Errorf("external payload %+v", p)
					}
					if _, err := b.OpenPayload(p); !errors.Is(err, ErrNotStored) || !strings.Contains(err.Error(), `redist\vc_redist.exe beside the bundle`) {
						t.Errorf("external: %v", err)
					}
				case !p.Container.Attached:
					if _, err := b.OpenPayload(p); !errors.Is(err, ErrNotStored) || !strings.Contains(err.Error(), "side.cab beside the bundle") {
						t.Errorf("detached: %v", err)
					}
				default:
					if got := readPayload(t, b, p); !bytes.Equal(got, want[p.FilePath]) {
						t.Errorf("%s: %q", p.FilePath, got)
					}
					delete(want, p.FilePath)
				}
			}
			if len(want) != 0 {
				t.Errorf("payloads not read: %v", want)
			}
			if got := b.Container("Main").MemberNames(); !reflect.DeepEqual(got, map[string]string{"a0": "app.msi", "a1": "media/app1.cab"}) {
				t.Errorf("Main members %v", got)
			}
			// The detached cabinet, found beside the bundle, maps
			// through the manifest.
			side := b.Container("Side")
			cb := built.Detached[side.FilePath]
			if side.Attached || side.Index != -1 || side.Size != int64(len(cb)) {
				t.Fatalf("Side %+v, cabinet of %d bytes", side, len(cb))
			}
			if _, err := b.OpenContainer(side); !errors.Is(err, ErrNotStored) {
				t.Errorf("detached container: %v", err)
			}
			r, err := cab.NewReader(bytes.NewReader(cb), int64(len(cb)))
			if err != nil {
				t.Fatal(err)
			}
			names := side.MemberNames()
			if len(r.File) != 1 || names[r.File[0].Name] != "kb123.msu" {
				t.Errorf("side.cab member %s maps to %q", r.File[0].Name, names[r.File[0].Name])
			}
		})
	}
}

// TestBuildTruncated cuts a built bundle inside its second attached
// container, and removes it: the error names that container, and the
// first one still reads.
func TestBuildTruncated(t *testing.T) {
	built, err := Build(spec(burn.NamespaceV4))
	if err != nil {
		t.Fatal(err)
	}
	full, _ := Open(bytes.NewReader(built.Bundle), int64(len(built.Bundle)))
	second := full.Container("Second")
	for _, cut := range []int64{second.Offset + second.Size - 1, second.Offset + 10, second.Offset} {
		data := built.Bundle[:cut]
		b, err := Open(bytes.NewReader(data), cut)
		if !errors.Is(err, cab.ErrTruncated) || !strings.Contains(err.Error(), `Burn attached container 2 of 2 ("Second")`) ||
			strings.Contains(err.Error(), `"Main"`) {
			t.Fatalf("cut at %d: %v", cut, err)
		}
		if got := readPayload(t, b, b.Payloads[2]); !bytes.Equal(got, spec("").Containers[0].Payloads[0].Data) {
			t.Errorf("cut at %d: app.msi differs", cut)
		}
		if err := b.VerifyContainer(second); !errors.Is(err, cab.ErrTruncated) {
			t.Errorf("cut at %d: verify: %v", cut, err)
		}
	}
}

func TestOpenErrors(t *testing.T) {
	h := sha1.Sum([]byte("MSCF...."))
	appCabHash := strings.ToUpper(hex.EncodeToString(h[:]))
	built, err := Build(spec(burn.NamespaceV3))
	if err != nil {
		t.Fatal(err)
	}
	withManifest := func(old, new string) []byte {
		s := spec(burn.NamespaceV3)
		m := strings.ReplaceAll(string(built.Manifest), old, new)
		if m == string(built.Manifest) {
			t.Fatalf("%q is not in the manifest", old)
		}
		s.Manifest = []byte(m)
		b, err := Build(s)
		if err != nil {
			t.Fatal(err)
		}
		return b.Bundle
	}
	noManifest, err := cabinet([]member{{"u0", []byte("ba")}})
	if err != nil {
		t.Fatal(err)
	}
	stub := burn.BuildStub(burn.Section{ContainerSizes: []uint32{uint32(len(noManifest))}})
	for _, c := range []struct {
		name string
		data []byte
		want error
		msg  string
	}{
		{"not a bundle", []byte("MZ not really"), burn.ErrNotBundle, "too short"},
		{"no manifest", append(stub, noManifest...), burn.ErrManifest, `no member "0"`},
		{"manifest not a BurnManifest", withManifest("<BurnManifest", "BurnManifest"), burn.ErrManifest, "root element is UX"},
		{"index beyond section", withManifest(`AttachedIndex="2"`, `AttachedIndex="3"`), burn.ErrFormat,
			`container "Second" is attached container 3, but the .wixburn section lists 2`},
		{"size differs", withManifest(`<Container Id="Main" FileSize="`, `<Container Id="Main" FileSize="1`), burn.ErrFormat,
			`container "Main" is 1`},
		{"UX container Id", withManifest(`"Second"`, `"WixUXContainer"`), burn.ErrManifest, `container Id "WixUXContainer"`},
		{"shared member", withManifest(`SourcePath="a1"`, `SourcePath="a0"`), burn.ErrManifest, `member "a0" of container "Main"`},
		{"UX payload as manifest", withManifest(`SourcePath="u1"`, `SourcePath="0"`), burn.ErrManifest, `member "0" of container "WixUXContainer"`},
	} {
		t.Run(c.name, func(t *testing.T) {
			b, err := Open(bytes.NewReader(c.data), int64(len(c.data)))
			if b != nil || !errors.Is(err, c.want) || !strings.Contains(err.Error(), c.msg) {
				t.Errorf("got %v; want %v mentioning %q", err, c.want, c.msg)
			}
		})
	}
	// Damage found when a payload is read names the payload.
	for _, c := range []struct{ name, old, new, msg string }{
		{"missing member", `SourcePath="a1"`, `SourcePath="a7"`, `container "Main" has no member "a7"`},
		{"wrong size", `FilePath="media/app1.cab" FileSize="8"`, `FilePath="media/app1.cab" FileSize="9"`,
			`"app.cab" (media/app1.cab) is 8 bytes, the manifest says 9`},
		{"wrong hash", appCabHash, strings.Repeat("0", 40), "has SHA-1 " + strings.ToLower(appCabHash) + ", the manifest says 0000"},
	} {
		t.Run(c.name, func(t *testing.T) {
			data := withManifest(c.old, c.new)
			b, err := Open(bytes.NewReader(data), int64(len(data)))
			if err != nil {
				t.Fatal(err)
			}
			var errs []string
			for _, p := range b.Payloads {
				rc, err := b.OpenPayload(p)
				if err == nil {
					_, err = io.ReadAll(rc)
					rc.Close()
				}
				if err != nil && !errors.Is(err, ErrNotStored) {
					if !errors.Is(err, ErrMismatch) {
						t.Errorf("%s: %v wraps no ErrMismatch", p.FilePath, err)
					}
					errs = append(errs, err.Error())
				}
			}
			if len(errs) != 1 || !strings.Contains(errs[0], c.msg) {
				t.Errorf("errors %q, want one mentioning %q", errs, c.msg)
			}
		})
	}
}

// TestVerifyContainer changes one byte of an attached container: its hash
// no longer matches the manifest's.
func TestVerifyContainer(t *testing.T) {
	built, err := Build(spec(burn.NamespaceV4))
	if err != nil {
		t.Fatal(err)
	}
	b, err := Open(bytes.NewReader(built.Bundle), int64(len(built.Bundle)))
	if err != nil {
		t.Fatal(err)
	}
	c := b.Container("Second")
	data := bytes.Clone(built.Bundle)
	data[c.Offset+c.Size-1] ^= 1
	b, err = Open(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	if err := b.VerifyContainer(b.Container("Main")); err != nil {
		t.Errorf("Main: %v", err)
	}
	if err := b.VerifyContainer(b.Container("Second")); !errors.Is(err, ErrMismatch) || !strings.Contains(err.Error(), `container "Second" has SHA-512`) {
		t.Errorf("Second: %v", err)
	}
}
