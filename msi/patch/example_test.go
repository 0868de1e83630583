package patch_test

import (
	"fmt"

	"github.com/msikit/msikit/msi"
	"github.com/msikit/msikit/msi/patch"
	"github.com/msikit/msikit/msi/transform"
)

// A transform's validation flags, as WiX writes them for patches, checked
// against a product.
func ExamplePair_Check() {
	t := &patch.Pair{
		Name:       "rtm.1",
		Target:     transform.Target{ProductCode: "{6EA3AE83-A14F-4B8B-8A86-BB977A9E7833}", Version: "1.0.0.0", UpgradeCode: "{77AE8779-8689-4DC9-BB1B-64B500078104}"},
		Validation: transform.ValidationOf(&msi.SummaryInfo{CharCount: 0x0922001F}),
	}
	fmt.Println(t.Validation.Names()[:4])
	c := t.Check(msi.ProductInfo{ProductCode: "{6EA3AE83-A14F-4B8B-8A86-BB977A9E7833}", ProductVersion: "1.0.1.0", UpgradeCode: "{77AE8779-8689-4DC9-BB1B-64B500078104}"})
	fmt.Println(c.Applies, c.Failed)
	// Output:
	// [MSITRANSFORM_VALIDATE_PRODUCT MSITRANSFORM_VALIDATE_UPDATEVERSION MSITRANSFORM_VALIDATE_NEWEQUALBASEVERSION MSITRANSFORM_VALIDATE_UPGRADECODE]
	// false [product version 1.0.1.0: the transform needs == 1.0.0.0 (first 3 fields)]
}
