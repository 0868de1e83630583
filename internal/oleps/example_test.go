package oleps_test

import (
	"fmt"

	"github.com/msikit/msikit/internal/oleps"
)

func ExampleParse() {
	set := &oleps.Set{SystemIdentifier: 0x00020006, Sections: []oleps.Section{{
		FMTID: oleps.FMTIDSummaryInformation,
		Properties: []oleps.Property{
			{ID: oleps.PIDCodepage, Type: oleps.VTI2, Value: int16(1252)},
			{ID: 2, Type: oleps.VTLPSTR, Value: "Installation Database"},
			{ID: 12, Type: oleps.VTFiletime, Value: oleps.Filetime(129065969660000000)},
		},
	}}}
	b, err := set.Bytes()
	if err != nil {
		panic(err)
	}
	s, err := oleps.Parse(b)
	if err != nil {
		panic(err)
	}
	sec, _ := s.Section(oleps.FMTIDSummaryInformation)
	fmt.Println(len(b), "bytes, code page", sec.Codepage())
	for _, p := range sec.Properties {
		if ft, ok := p.Value.(oleps.Filetime); ok {
			fmt.Println(p.ID, p.Type, ft.Time())
			continue
		}
		fmt.Println(p.ID, p.Type, p.Value)
	}
	// Output:
	// 132 bytes, code page 1252
	// 1 VT_I2 1252
	// 2 VT_LPSTR Installation Database
	// 12 VT_FILETIME 2009-12-29 21:49:26 +0000 UTC
}
