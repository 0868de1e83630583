// Command msikit reads, extracts, verifies and builds Windows Installer
// packages (MSI, MSP, MST) and cabinets (CAB) without Windows.
//
// Exit codes: 0 success; 1 bad input or failed verification; 2 usage or
// environment error.
package main

import (
	"os"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}
