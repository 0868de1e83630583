package transform

import (
	"reflect"
	"testing"

	"github.com/msikit/msikit/msi"
)

func TestValidationNames(t *testing.T) {
	v := ValidationOf(&msi.SummaryInfo{CharCount: 0x0823_0021}) // validation 0x823, errors 0x21
	want := []string{
		"MSITRANSFORM_VALIDATE_LANGUAGE", "MSITRANSFORM_VALIDATE_PRODUCT",
		"MSITRANSFORM_VALIDATE_UPDATEVERSION", "MSITRANSFORM_VALIDATE_UPGRADECODE",
		"MSITRANSFORM_ERROR_ADDEXISTINGROW", "MSITRANSFORM_ERROR_CHANGECODEPAGE",
	}
	if got := v.Names(); !reflect.DeepEqual(got, want) {
		t.Errorf("names %v", got)
	}
	if v.Checks != ValidateLanguage|ValidateProduct|ValidateUpdateVersion|ValidateUpgradeCode || v.Ignore != IgnoreAddExistingRow|IgnoreChangeCodepage {
		t.Errorf("split %x %x", v.Checks, v.Ignore)
	}
	if v.CharCount() != 0x0823_0021 {
		t.Errorf("char count %#x", v.CharCount())
	}
	if got := ValidationOf(&msi.SummaryInfo{CharCount: 0x1000_8000}).String(); got != "MSITRANSFORM_VALIDATE_0x1000|MSITRANSFORM_ERROR_0x8000" {
		t.Errorf("unnamed bits %q", got)
	}
	if v := ValidationOf(nil); v != (Validation{}) || v.String() != "0" || v.VersionFields() != 0 {
		t.Errorf("no summary: %+v %q", v, v.String())
	}
}

// The summary of AutoGenProductId__expected.mst, as msiinfo reads it.
func TestTargetOf(t *testing.T) {
	s := &msi.SummaryInfo{Template: "Intel;1033", LastSavedBy: "x64;1031,1033",
		RevisionNumber: "{5B38B259-C979-4E88-84F8-061DCDF85ED6}1.0.0.0;{1F9B1809-273F-4036-AB02-26D19171D5AE}1.0.0.1;{F907C172-70B8-4654-8D23-49FB3AE2ECB7}"}
	want := Target{
		ProductCode: "{5B38B259-C979-4E88-84F8-061DCDF85ED6}", Version: "1.0.0.0", Platform: "Intel", Languages: []int{1033},
		UpgradeCode:    "{F907C172-70B8-4654-8D23-49FB3AE2ECB7}",
		NewProductCode: "{1F9B1809-273F-4036-AB02-26D19171D5AE}", NewVersion: "1.0.0.1", NewPlatform: "x64", NewLanguages: []int{1031, 1033},
	}
	if got := TargetOf(s); !reflect.DeepEqual(got, want) {
		t.Errorf("target\n got %+v\nwant %+v", got, want)
	}
	// Not a GUID: the version is all there is.
	if got := TargetOf(&msi.SummaryInfo{RevisionNumber: "{oops}1.0"}); got.ProductCode != "" || got.Version != "{oops}1.0" {
		t.Errorf("non-GUID %+v", got)
	}
	if got := TargetOf(nil); !reflect.DeepEqual(got, Target{}) {
		t.Errorf("nil summary %+v", got)
	}
}
