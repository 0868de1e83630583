package msi_test

import (
	"fmt"

	"github.com/msikit/msikit/msi"
)

// A patch lists its transforms in its summary's LastSavedBy: each with a
// "#" companion that adds the patch's own Media and PatchPackage rows.
func ExampleParsePatchTransforms() {
	names, patchNames, err := msi.ParsePatchTransforms(":rtmldr.1;:#rtmldr.1;:rtm.2;:#rtm.2")
	if err != nil {
		panic(err)
	}
	for i := range names {
		fmt.Println(names[i], patchNames[i])
	}
	// Output:
	// rtmldr.1 #rtmldr.1
	// rtm.2 #rtm.2
}

// A transform's validation flags, as WiX writes them for patches, checked
// against a product.
func ExamplePatchTransform_Check() {
	t := &msi.PatchTransform{
		Name:       "rtm.1",
		Target:     msi.TransformTarget{ProductCode: "{6EA3AE83-A14F-4B8B-8A86-BB977A9E7833}", Version: "1.0.0.0", UpgradeCode: "{77AE8779-8689-4DC9-BB1B-64B500078104}"},
		Validation: msi.ValidationOf(0x0922001F),
	}
	fmt.Println(t.Validation.Names()[:4])
	c := t.Check(msi.ProductInfo{ProductCode: "{6EA3AE83-A14F-4B8B-8A86-BB977A9E7833}", ProductVersion: "1.0.1.0", UpgradeCode: "{77AE8779-8689-4DC9-BB1B-64B500078104}"})
	fmt.Println(c.Applies, c.Failed)
	// Output:
	// [MSITRANSFORM_VALIDATE_PRODUCT MSITRANSFORM_VALIDATE_UPDATEVERSION MSITRANSFORM_VALIDATE_NEWEQUALBASEVERSION MSITRANSFORM_VALIDATE_UPGRADECODE]
	// false [product version 1.0.1.0: the transform needs == 1.0.0.0 (first 3 fields)]
}
