package msi

import "strings"

// Kind is the kind of package, told by the root storage's CLSID.
type Kind int

// Package kinds.
const (
	KindUnknown   Kind = iota
	KindDatabase       // .msi or .msm: {000C1084-0000-0000-C000-000000000046}
	KindPatch          // .msp: {000C1086-0000-0000-C000-000000000046}
	KindTransform      // .mst: {000C1082-0000-0000-C000-000000000046}
)

// Root storage class IDs, as Windows Installer writes them.
const (
	CLSIDDatabase  = "{000C1084-0000-0000-C000-000000000046}"
	CLSIDPatch     = "{000C1086-0000-0000-C000-000000000046}"
	CLSIDTransform = "{000C1082-0000-0000-C000-000000000046}"
)

// String is the kind's name: database, patch, transform or unknown.
func (k Kind) String() string {
	switch k {
	case KindDatabase:
		return "database"
	case KindPatch:
		return "patch"
	case KindTransform:
		return "transform"
	}
	return "unknown"
}

// kindOf maps a CLSID string to a Kind. Windows Installer itself opens a
// database whatever its CLSID, so an unknown one is reported, not refused.
func kindOf(clsid string) Kind {
	switch strings.ToUpper(clsid) {
	case CLSIDDatabase:
		return KindDatabase
	case CLSIDPatch:
		return KindPatch
	case CLSIDTransform:
		return KindTransform
	}
	return KindUnknown
}
