package burn

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

// manifestV3 is shaped as WiX 3 writes manifests (v3bundle.exe's, cut
// down), with a detached container, an external payload and packages of
// every kind added.
const manifestV3 = "\ufeff" + `<?xml version="1.0" encoding="utf-8"?>
<BurnManifest xmlns="http://schemas.microsoft.com/wix/2008/Burn">
  <Log PathVariable="WixBundleLog" Prefix="Setup" Extension="log" />
  <UX>
    <Payload Id="WixStandardBootstrapperApplication.RtfLicense" FilePath="wixstdba.dll" FileSize="188848" Hash="F706F45768BFB95F4C96DFA0BE36DF57AA863898" Packaging="embedded" SourcePath="u0" />
    <Payload Id="thm" FilePath="thm.xml" FileSize="8484" Hash="ED14" Packaging="embedded" SourcePath="u1" />
  </UX>
  <Container Id="WixAttachedContainer" FileSize="76426" Hash="FC57" FilePath="Setup.exe" AttachedIndex="1" Attached="yes" Primary="yes" />
  <Container Id="Side" FileSize="1000" Hash="AB" FilePath="side.cab" DownloadUrl="https://example.com/side.cab" />
  <Payload Id="SetupProject1.msi" FilePath="SetupProject1.msi" FileSize="163840" Hash="F164" Packaging="embedded" SourcePath="a0" Container="WixAttachedContainer" />
  <Payload Id="cab1" FilePath="cab1.cab" FileSize="662" Hash="A447" Packaging="embedded" SourcePath="a1" Container="WixAttachedContainer" />
  <Payload Id="kb.msu" FilePath="redist\kb123.msu" FileSize="5" Hash="01" Packaging="embedded" SourcePath="a0" Container="Side" LayoutOnly="no" />
  <Payload Id="vcredist" FilePath="redist\vc_redist.x64.exe" FileSize="25000000" Hash="02" Packaging="external" SourcePath="redist\vc_redist.x64.exe" DownloadUrl="https://example.com/vc.exe" />
  <RollbackBoundary Id="WixDefaultBoundary" Vital="yes" />
  <Registration Id="{215a70db-ab35-48c7-be51-d66eaac87177}" ExecutableName="Setup.exe" PerMachine="yes" Version="1.0.0.0">
    <Arp Register="yes" DisplayName="Custom &amp; Co" DisplayVersion="1.0.0.0" Publisher="test" />
  </Registration>
  <Chain>
    <ExePackage Id="vcredist" Cache="yes"><PayloadRef Id="vcredist" /></ExePackage>
    <MsuPackage Id="kb" KB="KB123"><PayloadRef Id="kb.msu" /></MsuPackage>
    <MsiPackage Id="SetupProject1.msi" ProductCode="{FCF17B69-55E9-4D0B-9C78-CD39EDDCF41C}" Version="1.0.0.0">
      <MsiProperty Id="ARPSYSTEMCOMPONENT" Value="1" />
      <Provides Key="PackageA,v1.0" Imported="yes" />
      <PayloadRef Id="SetupProject1.msi" />
      <PayloadRef Id="cab1" />
    </MsiPackage>
  </Chain>
</BurnManifest>`

func wantV3() *Manifest {
	return &Manifest{
		Namespace: NamespaceV3,
		Registration: Registration{ID: "{215a70db-ab35-48c7-be51-d66eaac87177}", Version: "1.0.0.0",
			ExecutableName: "Setup.exe", DisplayName: "Custom & Co", Publisher: "test"},
		Containers: []ManifestContainer{
			{ID: "WixAttachedContainer", FilePath: "Setup.exe", FileSize: 76426, Hash: "FC57", Attached: true, AttachedIndex: 1, Primary: true},
			{ID: "Side", FilePath: "side.cab", FileSize: 1000, Hash: "AB", DownloadURL: "https://example.com/side.cab"},
		},
		Payloads: []Payload{
			{ID: "WixStandardBootstrapperApplication.RtfLicense", FilePath: "wixstdba.dll", FileSize: 188848,
				Hash: "F706F45768BFB95F4C96DFA0BE36DF57AA863898", Packaging: "embedded", SourcePath: "u0", UX: true},
			{ID: "thm", FilePath: "thm.xml", FileSize: 8484, Hash: "ED14", Packaging: "embedded", SourcePath: "u1", UX: true},
			{ID: "SetupProject1.msi", FilePath: "SetupProject1.msi", FileSize: 163840, Hash: "F164", Packaging: "embedded",
				SourcePath: "a0", Container: "WixAttachedContainer"},
			{ID: "cab1", FilePath: "cab1.cab", FileSize: 662, Hash: "A447", Packaging: "embedded", SourcePath: "a1", Container: "WixAttachedContainer"},
			{ID: "kb.msu", FilePath: `redist\kb123.msu`, FileSize: 5, Hash: "01", Packaging: "embedded", SourcePath: "a0", Container: "Side"},
			{ID: "vcredist", FilePath: `redist\vc_redist.x64.exe`, FileSize: 25000000, Hash: "02", Packaging: "external",
				SourcePath: `redist\vc_redist.x64.exe`, DownloadURL: "https://example.com/vc.exe"},
		},
		Packages: []Package{
			{Kind: "ExePackage", ID: "vcredist", Payloads: []string{"vcredist"}},
			{Kind: "MsuPackage", ID: "kb", Payloads: []string{"kb.msu"}},
			{Kind: "MsiPackage", ID: "SetupProject1.msi", ProductCode: "{FCF17B69-55E9-4D0B-9C78-CD39EDDCF41C}", Version: "1.0.0.0",
				Payloads: []string{"SetupProject1.msi", "cab1"}},
		},
	}
}

func TestParseManifest(t *testing.T) {
	m, err := ParseManifest(strings.NewReader(manifestV3))
	if err != nil {
		t.Fatal(err)
	}
	if want := wantV3(); !reflect.DeepEqual(m, want) {
		t.Errorf("got  %+v\nwant %+v", m, want)
	}
	embedded := 0
	for _, p := range m.Payloads {
		if p.Embedded() {
			embedded++
		}
	}
	if embedded != 5 {
		t.Errorf("%d embedded payloads, want 5", embedded)
	}
}

// TestParseManifestV4 reads the same manifest as WiX 4 and 5 write it:
// another namespace (here with a prefix), Registration's Code (WiX 5), a
// BundlePackage, and a UX payload without Packaging.
func TestParseManifestV4(t *testing.T) {
	doc := strings.NewReplacer(
		`<BurnManifest xmlns="http://schemas.microsoft.com/wix/2008/Burn">`, `<b:BurnManifest xmlns:b="http://wixtoolset.org/schemas/v4/2008/Burn" EngineVersion="5.0.0.0">`,
		`</BurnManifest>`, `</b:BurnManifest>`,
		`<Registration Id=`, `<Registration Code=`,
		`<ExePackage Id="vcredist" Cache="yes"><PayloadRef Id="vcredist" /></ExePackage>`, `<BundlePackage Id="vcredist"><PayloadRef Id="vcredist" /></BundlePackage>`,
		`FileSize="8484" Hash="ED14" Packaging="embedded"`, `FileSize="8484" Hash="ED14"`,
	).Replace(manifestV3)
	// Every element of the body takes the prefix, as XML requires.
	doc = strings.NewReplacer("<UX", "<b:UX", "</UX", "</b:UX", "<Payload", "<b:Payload", "<Container", "<b:Container",
		"<Registration", "<b:Registration", "</Registration", "</b:Registration", "<Arp", "<b:Arp", "<Chain", "<b:Chain", "</Chain", "</b:Chain",
		"<MsiPackage", "<b:MsiPackage", "</MsiPackage", "</b:MsiPackage", "<MsuPackage", "<b:MsuPackage", "</MsuPackage", "</b:MsuPackage",
		"<BundlePackage", "<b:BundlePackage", "</BundlePackage", "</b:BundlePackage").Replace(doc)
	m, err := ParseManifest(strings.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	want := wantV3()
	want.Namespace = NamespaceV4
	want.Payloads[1].Packaging = ""
	want.Packages[0].Kind = "BundlePackage"
	if !reflect.DeepEqual(m, want) {
		t.Errorf("got  %+v\nwant %+v", m, want)
	}
	if !m.Payloads[1].Embedded() {
		t.Error("a UX payload without Packaging is embedded")
	}
}

func TestParseManifestErrors(t *testing.T) {
	for _, c := range []struct {
		name, old, new, msg string
	}{
		{"not XML", manifestV3, "MSCF\x00\x00", "illegal character code U+0000"},
		{"text", manifestV3, "just text", "no BurnManifest element"},
		{"empty", manifestV3, "", "no BurnManifest element"},
		{"other root", "BurnManifest", "Wix", "root element is Wix"},
		{"cut", "</Chain>\n</BurnManifest>", "</Chain>", "unexpected EOF"},
		{"second root", "</BurnManifest>", "</BurnManifest><BurnManifest/>", "after the BurnManifest element"},
		{"bad size", `FileSize="662"`, `FileSize="-662"`, `payload "cab1" has FileSize "-662"`},
		{"bad yes/no", `Attached="yes"`, `Attached="true"`, `has Attached "true" (yes or no)`},
		{"attached without index", `AttachedIndex="1" `, "", "no AttachedIndex"},
		{"bad packaging", `Packaging="external"`, `Packaging="downloaded"`, `Packaging "downloaded"`},
		{"duplicate container", `Id="Side"`, `Id="WixAttachedContainer"`, `two containers have the Id "WixAttachedContainer"`},
		{"shared index", `FilePath="side.cab"`, `FilePath="side.cab" Attached="yes" AttachedIndex="1"`, `"WixAttachedContainer" and "Side" are both attached container 1`},
		{"duplicate payload", `Id="cab1"`, `Id="SetupProject1.msi"`, `two payloads have the Id "SetupProject1.msi"`},
		{"unknown container", `Container="Side"`, `Container="Elsewhere"`, `in container "Elsewhere", which the manifest does not list`},
		{"no container", ` Container="Side"`, "", `"kb.msu" (redist\kb123.msu) names no container`},
		{"no source", `SourcePath="a1"`, "", `"cab1" (cab1.cab) has no SourcePath`},
		{"unknown payload", `<PayloadRef Id="cab1" />`, `<PayloadRef Id="cab2" />`, `refers to payload "cab2"`},
		{"payload without Id", `Id="thm"`, "", "a Payload (thm.xml) has no Id"},
		{"package without Id", `<MsuPackage Id="kb"`, "<MsuPackage", "MsuPackage 2 has no Id"},
		{"too deep", "<Log ", strings.Repeat("<a>", 70) + strings.Repeat("</a>", 70) + "<Log ", "nest more than 64 deep"},
		{"entity", "Custom &amp; Co", "Custom &bomb; Co", "invalid character entity &bomb;"},
	} {
		t.Run(c.name, func(t *testing.T) {
			doc := strings.Replace(manifestV3, c.old, c.new, 1)
			if doc == manifestV3 {
				t.Fatalf("%q is not in the manifest", c.old)
			}
			m, err := ParseManifest(strings.NewReader(doc))
			if !errors.Is(err, ErrManifest) || !strings.Contains(err.Error(), c.msg) {
				t.Errorf("got %+v, %v; want ErrManifest mentioning %q", m, err, c.msg)
			}
		})
	}
}
