package verify_test

import (
	"fmt"
	"os"

	"github.com/msikit/msikit/manifest/verify"
	"github.com/msikit/msikit/msi/patch"
)

// Check an administrative image (made by msiexec /a or msikit admin, then
// patched) against a patch: each file the patch changes must be what the
// patch makes of it. A file still as it was before is StatusNotApplied.
func ExamplePatch() {
	pt, err := patch.Open("KB977203.msp")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer pt.Close()
	r, err := verify.Patch([]*patch.Patch{pt}, "image", verify.Options{})
	if err != nil {
		fmt.Println(err) // not an image, or an image of another product
		return
	}
	for _, res := range r.Results {
		if res.Status == verify.StatusNotApplied {
			fmt.Println(res.Entry.Path, "is not patched")
		}
	}
	verify.WriteText(os.Stdout, []*verify.Report{r})
}
