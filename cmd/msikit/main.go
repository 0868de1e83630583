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
	stop := catchSignals(os.Stderr) // SIGINT, SIGTERM: remove temporary files, exit 130, 143
	code := run(os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
