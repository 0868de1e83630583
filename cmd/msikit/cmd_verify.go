package main

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/msikit/msikit/manifest"
	"github.com/msikit/msikit/manifest/verify"
	"github.com/spf13/pflag"
)

func init() {
	register(&command{
		name:    "verify",
		usage:   "PATH... --manifest NAME|FILE [--variant V|auto] [--format text|json|junit] [-o FILE] | IMAGE... --patch MSP...",
		summary: "Check packages, cabinets, extracted folders and distribution-point trees against a manifest, or an administrative image against a patch (exit 1 on any mismatch).",
		setup:   setupVerify,
	})
}

func setupVerify(fs *pflag.FlagSet) func(*context, []string) error {
	ref := fs.StringP("manifest", "m", "", "the manifest: a built-in name ("+strings.Join(manifest.BuiltinNames(), ", ")+") or a YAML file (required, unless --patch)")
	variant := fs.String("variant", verify.Auto, "the variant to check against, or 'auto' to pick it from the files' versions")
	format := fs.String("format", "text", "report format: text, json or junit")
	asJSON := fs.Bool("json", false, "the same as --format json")
	out := fs.StringP("output", "o", "", "write the report to this file (default: standard output)")
	allowExtra := fs.Bool("allow-extra", false, "list files that match no entry without failing")
	utc := fs.Bool("utc", false, "read loose files' modification times as UTC rather than as local wall-clock time (how extractors write a cabinet's zoneless times)")
	password := addPasswordFlag(fs)
	strictDates := fs.Bool("strict-dates", false, "fail loose files' dates even when the folder's times are evidently those of an extraction that dropped them (msiextract)")
	workers := fs.Int("workers", 0, "files and packages read at once (default: the number of CPUs)")
	signatures := fs.Bool("signatures", true, "check the Authenticode signature of each package (the source, or the packages of a folder): a line per package; one that does not match its content fails")
	noSignatures := fs.Bool("no-signatures", false, "do not check signatures")
	rootFiles := fs.StringArray("roots", nil, "with signatures: also trust the PEM certificates of this file (repeatable)")
	patchPaths := fs.StringArray("patch", nil, "instead of a manifest: check administrative images (folders made by msikit admin or msiexec /a) against what this patch makes of the files it changes, once applied (size, version, MD5 or PA19 CRC32); a file still as before the patch is OLD (repeatable: the patches applied in sequence order, as admin --patch applies them)")
	return func(ctx *context, args []string) error {
		if err := needArgs(args, 1, -1); err != nil {
			return err
		}
		if len(*patchPaths) > 0 {
			for _, name := range []string{"manifest", "variant", "allow-extra", "utc", "strict-dates", "signatures", "no-signatures", "roots", "password"} {
				if fs.Changed(name) {
					return usagef("--%s is for manifests, not --patch", name)
				}
			}
		} else if *ref == "" {
			return usagef("--manifest is required (e.g. --manifest kb977203)")
		}
		if *asJSON {
			*format = "json"
		}
		var write func(io.Writer, []*verify.Report) error
		switch *format {
		case "text":
			write = verify.WriteText
		case "json":
			write = verify.WriteJSON
		case "junit":
			write = verify.WriteJUnit
		default:
			return usagef("--format %q: use text, json or junit", *format)
		}
		if *workers < 0 {
			return usagef("--workers must be positive")
		}
		if len(*patchPaths) > 0 {
			return verifyPatch(ctx, *patchPaths, args, verify.Options{Workers: *workers}, write, *out)
		}
		m, err := manifest.Load(*ref)
		if err != nil {
			return fmt.Errorf("manifest %s: %w", *ref, err) // missing or unreadable input: 1
		}
		if !strings.EqualFold(*variant, verify.Auto) {
			if _, err := m.Variant(*variant); err != nil {
				return usagef("%v", err)
			}
		}
		o := verify.Options{Variant: *variant, Workers: *workers, AllowExtra: *allowExtra, StrictDates: *strictDates,
			Password: passwordSource(ctx, *password), Signatures: *signatures && !*noSignatures}
		if o.Signatures {
			if o.Trust, err = trustOptions(*rootFiles, false); err != nil {
				return err
			}
		}
		if *utc {
			o.Location = time.UTC
		}
		return verifyEach(ctx, args, o, write, *out, func(path string, o verify.Options) ([]*verify.Report, error) {
			return verify.VerifyAll(m, path, o) // a folder of packages of several variants: one report each
		})
	}
}

// verifyEach checks each path with check, writes the reports and fails
// (exit 1) when one does. An error from check (bad input, 1: a path that
// cannot be read, a damaged package, no variant, a patch for another
// product) stops it.
func verifyEach(ctx *context, paths []string, o verify.Options, write func(io.Writer, []*verify.Report) error, out string,
	check func(string, verify.Options) ([]*verify.Report, error)) error {
	var reports []*verify.Report
	for _, path := range paths {
		bar := newBar(ctx, "verifying "+path, 0, 0, false)
		o.Progress = bar.Set
		rs, err := check(path, o)
		bar.Done()
		if err != nil {
			return err
		}
		reports = append(reports, rs...)
	}
	var b bytes.Buffer
	if err := write(&b, reports); err != nil {
		return err
	}
	if err := writeOutput(ctx, b.Bytes(), out); err != nil {
		return err
	}
	failed := 0
	for _, r := range reports {
		if !r.OK() {
			failed++
		}
	}
	if failed > 0 {
		msg := ""
		if out != "" && out != "-" {
			msg = fmt.Sprintf("%d of %d sources failed verification (report in %s)", failed, len(reports), out)
		}
		return exitCodeError{code: exitBad, msg: msg}
	}
	return nil
}

// verifyPatch checks each image against the patches at mspPaths.
func verifyPatch(ctx *context, mspPaths, images []string, o verify.Options, write func(io.Writer, []*verify.Report) error, out string) error {
	if err := checkInputs(mspPaths...); err != nil {
		return err
	}
	pts, err := openPatches(ctx, mspPaths)
	defer closePatches(pts)
	if err != nil {
		return err
	}
	return verifyEach(ctx, images, o, write, out, func(image string, o verify.Options) ([]*verify.Report, error) {
		r, err := verify.Patch(pts, image, o)
		if err != nil {
			return nil, err
		}
		return []*verify.Report{r}, nil
	})
}

// writeOutput writes the report to out ("" or "-" for stdout; see
// writeOutputFile for the rest).
func writeOutput(ctx *context, b []byte, out string) error {
	if out == "" {
		out = "-"
	}
	return writeOutputFile(ctx, out, func(w io.Writer) error { _, err := w.Write(b); return err })
}
