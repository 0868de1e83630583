package main

import (
	"errors"
	"fmt"

	"github.com/msikit/msikit/cab"
	"github.com/msikit/msikit/internal/infile"
	"github.com/msikit/msikit/msi"
	"github.com/spf13/pflag"
)

// --salvage, on extract and cab extract, gets what can be got out of a
// damaged download, as 7-Zip and cabextract do: cabinets are read with
// cab.Salvage (checksums not verified, bad entries skipped, a cabinet cut
// short read as far as it goes), and a package that cannot be opened
// (cut short: its streams run past its end) has its cabinets found in its
// bytes and their files extracted under their stored names. Every file
// that could not be recovered is named on stderr, and the command exits
// 1 if there is one.

func addSalvageFlag(fs *pflag.FlagSet) *bool {
	return fs.Bool("salvage", false, "recover what can be read of a damaged or truncated input (checksums not verified; a package that cannot be opened has the cabinets in its bytes extracted by their stored names); every file not recovered is named")
}

// useSalvage sets up the cabinet reader for --salvage.
func useSalvage(ctx *context, salvage bool) {
	if salvage {
		ctx.cabOpts = append(ctx.cabOpts, cab.Salvage())
	}
}

// packageUnreadable reports why the package at name cannot be opened,
// when it is a file that can be read at all (a missing input is reported
// as always).
func packageUnreadable(name string) error {
	if err := infile.Check(name); err != nil {
		return nil
	}
	p, err := msi.Open(name)
	if err != nil {
		return err
	}
	p.Close()
	return nil
}

// salvagePackage extracts the cabinets found in the bytes of a package
// that cannot be opened.
func salvagePackage(ctx *context, name string, why error, o extractOpts) error {
	fmt.Fprintf(ctx.stderr, "%s: %s: warning: the package cannot be read (%v): extracting the cabinets found in its bytes, by their stored names\n", ctx.path, name, oneLine(why.Error()))
	o.search = true
	if o.dir == "-" {
		return cabExtractToStdout(ctx, name, o)
	}
	err := cabExtract(ctx, name, o)
	var ex exitCodeError
	if err != nil && !errors.As(err, &ex) {
		return fmt.Errorf("%w (salvaging after: %v)", err, why)
	}
	return err
}

// isCompoundFile reports whether the file at name is a compound file (a
// package): cab extract --salvage then searches it for cabinets.
func isCompoundFile(name string) bool {
	f, err := infile.Open(name)
	if err != nil {
		return false
	}
	defer f.Close()
	var b [8]byte
	_, err = f.ReadAt(b[:], 0)
	return err == nil && string(b[:]) == "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1"
}
