package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/msikit/msikit/msi"
	"github.com/msikit/msikit/msi/transform"
	"github.com/spf13/pflag"
)

func init() {
	register(&command{
		name:    "transform",
		summary: "Transforms (.mst): describe, apply and create them.",
		children: []*command{
			{
				name: "info", usage: "MST [--storage NAME] [--target MSI] [--json]",
				summary: "Describe a transform: the packages it was made from and for (summary information),\n" +
					"its validation conditions and ignored errors, and its changes per table.\n" +
					"--storage reads a transform held in a package's sub-storage (a patch's \"rtm.2\").\n" +
					"Rows are decoded with the standard Windows Installer tables, or with --target's.\n\n" +
					"--json prints {file, storage, summary, validation, ignored_errors, codepage, tables: [...]},\n" +
					"tables as in `msikit diff --json`.",
				setup: func(fs *pflag.FlagSet) func(*context, []string) error {
					storage := fs.String("storage", "", "read the transform in this sub-storage of the package")
					target := fs.String("target", "", "decode rows with the tables of this package")
					asJSON := fs.Bool("json", false, "print JSON (shape above)")
					return func(ctx *context, args []string) error {
						if err := needArgs(args, 1, 1); err != nil {
							return err
						}
						return transformInfo(ctx, args[0], *storage, *target, *asJSON)
					}
				},
			},
			{
				name: "apply", usage: "MSI MST -o OUT.msi [--storage NAME] [--ignore LIST]",
				summary: "Apply a transform to a package and write the result (as MsiDatabaseApplyTransform and\n" +
					"msitran -a do). Conflicts (a row added that exists, one changed or deleted that does not)\n" +
					"are errors except those the transform's summary says to ignore, or --ignore's.\n" +
					"The summary information, cabinets and sub-storages are copied unchanged.",
				setup: func(fs *pflag.FlagSet) func(*context, []string) error {
					out := fs.StringP("output", "o", "", "the package to write")
					storage := fs.String("storage", "", "apply the transform in this sub-storage of MST (a patch's \"rtm.2\")")
					ignore := fs.String("ignore", "", "conditions to ignore instead of the transform's own: a list of addexistingrow,\n"+
						"delmissingrow, addexistingtable, delmissingtable, updatemissingrow, changecodepage, or all or none")
					return func(ctx *context, args []string) error {
						if err := needArgs(args, 2, 2); err != nil {
							return err
						}
						if *out == "" {
							return usagef("-o OUT.msi is required")
						}
						var ig *transform.ErrorConditions
						if fs.Changed("ignore") {
							v, err := parseIgnore(*ignore)
							if err != nil {
								return err
							}
							ig = &v
						}
						return transformApply(ctx, args[0], args[1], *storage, *out, ig)
					}
				},
			},
			{
				name: "create", usage: "OLD.msi NEW.msi -o T.mst [--validate LIST] [--ignore LIST]",
				summary: "Write the transform that turns OLD into NEW (as msitran -g does): tables and columns added,\n" +
					"tables dropped, rows inserted, updated and deleted. Its summary records both packages'\n" +
					"platform, language, product code and version, and the conditions given.\n" +
					"Differences a transform cannot carry (cabinets and other streams, summary information)\n" +
					"are listed on standard error.",
				setup: func(fs *pflag.FlagSet) func(*context, []string) error {
					out := fs.StringP("output", "o", "", "the transform to write")
					validate := fs.String("validate", "", "conditions checked before the transform applies: a list of language, product,\n"+
						"platform, major, minor, update, newless, newlessequal, newequal, newgreaterequal,\n"+
						"newgreater, upgradecode (or a number)")
					ignore := fs.String("ignore", "", "error conditions to ignore when applied (as for apply)")
					return func(ctx *context, args []string) error {
						if err := needArgs(args, 2, 2); err != nil {
							return err
						}
						if *out == "" {
							return usagef("-o T.mst is required")
						}
						var opts transform.Options
						var err error
						if opts.Validation.Checks, err = parseValidate(*validate); err != nil {
							return err
						}
						if opts.Validation.Ignore, err = parseIgnore(*ignore); err != nil {
							return err
						}
						return transformCreate(ctx, args[0], args[1], *out, opts)
					}
				},
			},
		},
	})
}

var ignoreNames = map[string]transform.ErrorConditions{
	"addexistingrow": transform.IgnoreAddExistingRow, "delmissingrow": transform.IgnoreDelMissingRow,
	"addexistingtable": transform.IgnoreAddExistingTable, "delmissingtable": transform.IgnoreDelMissingTable,
	"updatemissingrow": transform.IgnoreUpdateMissingRow, "changecodepage": transform.IgnoreChangeCodepage,
	"all": transform.IgnoreAll, "none": 0,
}

var validateFlagNames = map[string]transform.Checks{
	"language": transform.ValidateLanguage, "product": transform.ValidateProduct, "platform": transform.ValidatePlatform,
	"major": transform.ValidateMajorVersion, "minor": transform.ValidateMinorVersion, "update": transform.ValidateUpdateVersion,
	"newless": transform.ValidateNewLessBaseVersion, "newlessequal": transform.ValidateNewLessEqualBaseVersion,
	"newequal": transform.ValidateNewEqualBaseVersion, "newgreaterequal": transform.ValidateNewGreaterEqualBaseVer,
	"newgreater": transform.ValidateNewGreaterBaseVersion, "upgradecode": transform.ValidateUpgradeCode,
}

// parseFlagList reads "a,b,c" against names, or a number.
func parseFlagList[T ~uint16](flag, list string, names map[string]T) (T, error) {
	var v T
	for _, f := range strings.Split(list, ",") {
		f = strings.ToLower(strings.TrimSpace(f))
		if f == "" {
			continue
		}
		if n, ok := names[f]; ok {
			v |= n
			continue
		}
		n, err := strconv.ParseUint(f, 0, 16)
		if err != nil {
			return 0, usagef("--%s: unknown condition %q", flag, f)
		}
		v |= T(n)
	}
	return v, nil
}

func parseIgnore(s string) (transform.ErrorConditions, error) {
	return parseFlagList("ignore", s, ignoreNames)
}

func parseValidate(s string) (transform.Checks, error) {
	return parseFlagList("validate", s, validateFlagNames)
}

// openDatabase reads a package whole; the package must stay open while
// the database is used (its streams are read from it when saved).
func openDatabase(path string) (*msi.Package, *msi.Database, error) {
	p, err := msi.Open(path)
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			return nil, nil, fmt.Errorf("%s: %v", path, pe.Err)
		}
		return nil, nil, err
	}
	db, err := p.Database()
	if err != nil {
		p.Close()
		return nil, nil, err
	}
	return p, db, nil
}

// openTransform reads an .mst file, or the transform in a sub-storage of
// any package.
func openTransform(path, storage string) (*msi.Package, *transform.Transform, error) {
	p, err := msi.Open(path)
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			return nil, nil, fmt.Errorf("%s: %v", path, pe.Err)
		}
		return nil, nil, err
	}
	var t *transform.Transform
	if storage != "" {
		t, err = transform.FromStorage(p, storage)
	} else {
		t, err = transform.Open(p)
		if errors.Is(err, msi.ErrUnsupported) && p.Kind() == msi.KindPatch {
			err = fmt.Errorf("%w; name one with --storage (see `msikit streams --all %s`)", err, path)
		}
	}
	if err != nil {
		p.Close()
		return nil, nil, err
	}
	return p, t, nil
}

func transformApply(ctx *context, pkg, mst, storage, out string, ignore *transform.ErrorConditions) error {
	p, db, err := openDatabase(pkg)
	if err != nil {
		return err
	}
	defer p.Close()
	tp, t, err := openTransform(mst, storage)
	if err != nil {
		return err
	}
	defer tp.Close()
	if ignore != nil {
		err = t.ApplyWith(db, *ignore)
	} else {
		err = t.Apply(db)
	}
	if err != nil {
		return err
	}
	if err := writeOutputFile(ctx, out, db.Save); err != nil {
		return fmt.Errorf("writing %s: %w", out, err)
	}
	return nil
}

func transformCreate(ctx *context, oldPath, newPath, out string, opts transform.Options) error {
	op, old, err := openDatabase(oldPath)
	if err != nil {
		return err
	}
	defer op.Close()
	np, new, err := openDatabase(newPath)
	if err != nil {
		return err
	}
	defer np.Close()
	d, err := transform.Diff(old, new)
	if err != nil {
		return err
	}
	for _, c := range d.Tables {
		if c.Err != nil {
			return c.Err
		}
	}
	if err := writeOutputFile(ctx, out, func(w io.Writer) error { return d.WriteTransform(w, opts) }); err != nil {
		return err
	}
	for _, s := range d.Streams {
		fmt.Fprintf(ctx.stderr, "%s: note: stream %s %s: a transform cannot carry it\n", ctx.path, msi.PrintableName(s.Name), streamChangeText(s))
	}
	if len(d.Summary) > 0 {
		var names []string
		for _, s := range d.Summary {
			names = append(names, msi.SummaryPropertyName(s.PID))
		}
		fmt.Fprintf(ctx.stderr, "%s: note: summary information differs (%s): a transform cannot carry it\n", ctx.path, strings.Join(names, ", "))
	}
	return nil
}

// transformInfoJSON is the shape of `msikit transform info --json`.
type transformInfoJSON struct {
	File          string          `json:"file"`
	Storage       string          `json:"storage"`
	Summary       *xfSummaryJSON  `json:"summary"`
	Validation    []string        `json:"validation"`
	IgnoredErrors []string        `json:"ignored_errors"`
	Codepage      int             `json:"codepage"`
	Strings       int             `json:"strings"`
	Tables        []tableDiffJSON `json:"tables"`
}

type xfSummaryJSON struct {
	Title          string `json:"title"`
	BasePlatform   string `json:"base_platform_language"`
	NewPlatform    string `json:"new_platform_language"`
	BaseProduct    string `json:"base_product_code"`
	BaseVersion    string `json:"base_version"`
	NewProduct     string `json:"new_product_code"`
	NewVersion     string `json:"new_version"`
	UpgradeCode    string `json:"upgrade_code"`
	MinimumVersion int32  `json:"minimum_installer_version"`
	CharCount      int32  `json:"char_count"`
}

func transformInfo(ctx *context, path, storage, target string, asJSON bool) error {
	tp, t, err := openTransform(path, storage)
	if err != nil {
		return err
	}
	defer tp.Close()
	var changes []transform.TableChange
	if target != "" {
		p, db, err := openDatabase(target)
		if err != nil {
			return err
		}
		defer p.Close()
		if changes, err = t.ChangesFor(db); err != nil {
			return err
		}
	} else {
		changes = t.Changes()
	}
	v := t.Validation()
	info := transformInfoJSON{File: path, Storage: storage, Codepage: t.Codepage(), Strings: t.StringCount(),
		Validation: validationNames(v.Checks), IgnoredErrors: ignoredNames(v.Ignore), Tables: tablesJSON(changes)}
	if s := t.Summary(); s != nil {
		rev := transform.TargetOf(s)
		info.Summary = &xfSummaryJSON{Title: s.Title, BasePlatform: s.Template, NewPlatform: s.LastSavedBy,
			BaseProduct: rev.ProductCode, BaseVersion: rev.Version, NewProduct: rev.NewProductCode, NewVersion: rev.NewVersion,
			UpgradeCode: rev.UpgradeCode, MinimumVersion: s.PageCount, CharCount: s.CharCount}
	}
	if asJSON {
		return writeJSON(ctx.stdout, info)
	}
	w := bufio.NewWriter(ctx.stdout)
	fmt.Fprintf(w, "transform: %s", path)
	if storage != "" {
		fmt.Fprintf(w, " (storage %s)", storage)
	}
	fmt.Fprintln(w)
	if s := info.Summary; s != nil {
		fmt.Fprintf(w, "base: %s %s %s\n", orDash(s.BaseProduct), orDash(s.BaseVersion), orDash(s.BasePlatform))
		fmt.Fprintf(w, "new: %s %s %s\n", orDash(s.NewProduct), orDash(s.NewVersion), orDash(s.NewPlatform))
		fmt.Fprintf(w, "upgrade code: %s\n", orDash(s.UpgradeCode))
	} else {
		fmt.Fprintln(w, "summary: none")
	}
	fmt.Fprintf(w, "validation: %s\n", orDash(strings.Join(info.Validation, " ")))
	fmt.Fprintf(w, "ignored errors: %s\n", orDash(strings.Join(info.IgnoredErrors, " ")))
	fmt.Fprintf(w, "string pool: code page %d, %d strings\n", info.Codepage, info.Strings)
	printChanges(w, changes)
	return w.Flush()
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// validationNames and ignoredNames give the short names the flags take.
func validationNames(v transform.Checks) []string {
	out := []string{}
	for _, n := range []string{"language", "product", "platform", "major", "minor", "update", "newless", "newlessequal", "newequal", "newgreaterequal", "newgreater", "upgradecode"} {
		if v&validateFlagNames[n] != 0 {
			out = append(out, n)
			v &^= validateFlagNames[n]
		}
	}
	if v != 0 {
		out = append(out, fmt.Sprintf("0x%04x", v))
	}
	return out
}

func ignoredNames(v transform.ErrorConditions) []string {
	out := []string{}
	for _, n := range []string{"addexistingrow", "delmissingrow", "addexistingtable", "delmissingtable", "updatemissingrow", "changecodepage"} {
		if v&ignoreNames[n] != 0 {
			out = append(out, n)
			v &^= ignoreNames[n]
		}
	}
	if v != 0 {
		out = append(out, fmt.Sprintf("0x%04x", v))
	}
	return out
}
