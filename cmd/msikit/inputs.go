package main

import "github.com/msikit/msikit/internal/infile"

// Input files are opened through internal/infile wherever they are read
// (msi.Open, cab.Open, pever.Open, manifests): never blocking on a FIFO,
// refusing what is not a regular file, and reading "-" as standard input,
// which run enables.

// checkSpecFile refuses a build spec that is not a regular file before
// the build reads it (a FIFO would block the read), and "-": the files a
// spec lists are found beside it.
func checkSpecFile(path string) error {
	if path == infile.Stdin {
		return usagef("the spec is read from a file: the files it lists are found beside it")
	}
	return infile.Check(path)
}

// checkInputs opens each of paths and closes it again, so that a missing
// or unusable input given with a flag (admin --patch) is reported before
// anything is written.
func checkInputs(paths ...string) error {
	for _, p := range paths {
		f, err := infile.Open(p)
		if err != nil {
			return err
		}
		f.Close()
	}
	return nil
}
