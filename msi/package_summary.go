package msi

import (
	"bufio"
	"io"
	"strconv"
)

// summaryStream is the stream holding the summary information property set.
const summaryStream = "\x05SummaryInformation"

// SummaryInfo reads the package's summary information. A package without
// the stream gets ErrNotFound.
func (p *Package) SummaryInfo() (*SummaryInfo, error) {
	b, err := p.ReadStream(summaryStream)
	if err != nil {
		return nil, err
	}
	s, err := ParseSummaryInfo(b)
	if err != nil {
		return nil, p.errorf("summary information", err)
	}
	return s, nil
}

// writeSummaryIDT exports the summary information as msidb does: one row
// per property, its ID and its value as text.
func (p *Package) writeSummaryIDT(w io.Writer) error {
	bw := bufio.NewWriter(w)
	bw.WriteString("PropertyId\tValue\r\ni2\tl255\r\n_SummaryInformation\tPropertyId\r\n")
	if p.HasStream(summaryStream) {
		s, err := p.SummaryInfo()
		if err != nil {
			return err
		}
		for _, r := range s.idtRows() {
			writeIDTLine(bw, []string{strconv.Itoa(r.PID), escapeIDT(r.Value)})
		}
	}
	return bw.Flush()
}
