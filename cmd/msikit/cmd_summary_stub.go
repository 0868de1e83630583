package main

import (
	"io"

	"github.com/msikit/msikit/msi"
)

func exportSummaryIDT(w io.Writer, p *msi.Package) error {
	_, err := io.WriteString(w, "PropertyId\tValue\r\ni2\tl255\r\n_SummaryInformation\tPropertyId\r\n")
	return err
}
