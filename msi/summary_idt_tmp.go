package msi

import "io"

// writeSummaryIDT is replaced once summary.go lands.
func (p *Package) writeSummaryIDT(w io.Writer) error {
	_, err := io.WriteString(w, "PropertyId\tValue\r\ni2\tl255\r\n_SummaryInformation\tPropertyId\r\n")
	return err
}
