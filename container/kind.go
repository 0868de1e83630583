package container

// Kind is what a file holds, as Detect tells it from its bytes.
type Kind int

// The kinds Detect recognises. File is anything else: a leaf of the tree.
const (
	File          Kind = iota // not a container msikit opens
	MSI                       // Windows Installer database (compound file)
	MSM                       // merge module: a database with a ModuleSignature table
	MSP                       // patch
	MST                       // transform: a container with no files
	Cabinet                   // Microsoft cabinet starting at offset 0
	ZIP                       // ZIP archive, possibly behind a prefix (self-extracting)
	Burn                      // PE image carrying a WiX Burn bundle (.wixburn section)
	InstallShield             // PE image carrying an InstallShield launcher overlay
	ExeCabinets               // PE image with cabinets embedded in it
)

var kindNames = [...]string{
	File:          "file",
	MSI:           "msi",
	MSM:           "msm",
	MSP:           "msp",
	MST:           "mst",
	Cabinet:       "cab",
	ZIP:           "zip",
	Burn:          "burn",
	InstallShield: "installshield",
	ExeCabinets:   "exe-cab",
}

// String is the kind's short name, as `msikit list --json` writes it:
// file, msi, msm, msp, mst, cab, zip, burn, installshield or exe-cab.
func (k Kind) String() string {
	if k >= 0 && int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "unknown"
}

// IsContainer reports whether files of this kind hold other files.
func (k Kind) IsContainer() bool { return k != File && k >= 0 && int(k) < len(kindNames) }

// MarshalText writes the kind's name, so that JSON shows "zip", not 6.
func (k Kind) MarshalText() ([]byte, error) { return []byte(k.String()), nil }
