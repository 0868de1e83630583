package msi

import (
	"errors"
	"strconv"
	"strings"
)

// ProductInfo is what a transform's validation compares: the target
// package's identity.
type ProductInfo struct {
	ProductCode    string
	ProductVersion string
	UpgradeCode    string
	Language       int    // ProductLanguage
	Platform       string // from the summary's Template: Intel, x64, Intel64, Arm64
}

// ReadProductInfo reads the identity of a package or a database from its
// Property table and summary information. A database without a Property
// table gets ErrNotFound.
func ReadProductInfo(src TableReader) (ProductInfo, error) {
	var pi ProductInfo
	t, err := optionalTable(src, "Property")
	if err != nil {
		return pi, err
	}
	if t == nil {
		return pi, errorf(src, "table Property", ErrNotFound)
	}
	s, err := src.SummaryInfo()
	if err != nil && !errors.Is(err, ErrNotFound) {
		return pi, err
	}
	return productInfo(t, s), nil
}

func productInfo(props *Table, s *SummaryInfo) ProductInfo {
	var pi ProductInfo
	if props != nil {
		for _, r := range props.Rows {
			v := r.String("Value")
			switch r.String("Property") {
			case "ProductCode":
				pi.ProductCode = v
			case "ProductVersion":
				pi.ProductVersion = v
			case "UpgradeCode":
				pi.UpgradeCode = v
			case "ProductLanguage":
				pi.Language, _ = strconv.Atoi(strings.TrimSpace(v))
			}
		}
	}
	if s != nil {
		if pl := s.Platforms(); len(pl) > 0 {
			pi.Platform = pl[0]
		}
	}
	return pi
}
