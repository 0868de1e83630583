package main

import (
	"fmt"
	"regexp"
	"runtime"
	"runtime/debug"
	"strings"

	"github.com/spf13/pflag"
)

// version, when set at link time (-ldflags "-X main.version=v1.2.3", for
// a packager that builds outside a checkout), is printed as it is;
// otherwise the version comes from the build information Go records.
var version string

func init() {
	register(&command{
		name: "version", usage: "[--json]",
		summary: "Print msikit's version: the module version `go install` fetched, or the commit a checkout was built from.\n" +
			"--json adds the details: {version, module, revision, time, modified, go, platform}.",
		setup: func(fs *pflag.FlagSet) func(*context, []string) error {
			asJSON := fs.Bool("json", false, "print JSON (shape above)")
			return func(ctx *context, args []string) error {
				if err := needArgs(args, 0, 0); err != nil {
					return err
				}
				v := readVersion()
				if *asJSON {
					return writeJSON(ctx.stdout, v)
				}
				_, err := fmt.Fprintln(ctx.stdout, "msikit", v.String())
				return err
			}
		},
	})
}

// versionInfo is what a binary knows of where it came from.
type versionInfo struct {
	Version  string `json:"version"` // v1.2.3, a pseudo-version, or (devel)
	Module   string `json:"module"`
	Revision string `json:"revision"` // the VCS commit, in a checkout
	Time     string `json:"time"`     // the commit's time, RFC 3339
	Modified bool   `json:"modified"` // the checkout had uncommitted changes
	Go       string `json:"go"`
	Platform string `json:"platform"`
}

func readVersion() versionInfo {
	info, _ := debug.ReadBuildInfo()
	return versionFrom(info, version)
}

// pseudoVersion matches the versions the go command makes up for a
// commit that has no tag of its own (v0.0.0-20261201120000-51a1e44f0a2b,
// v1.2.4-0.2026..., v1.2.4-pre.0.2026...).
var pseudoVersion = regexp.MustCompile(`[-.]\d{14}-[0-9a-f]{12}$`)

// versionFrom reads info: `go install module@v1.2.3` records v1.2.3 and
// no VCS settings; a build in a checkout records the commit, its time and
// whether the tree was modified, and (since Go 1.24) a version made from
// them, which says nothing more unless it is a tag.
func versionFrom(info *debug.BuildInfo, linked string) versionInfo {
	v := versionInfo{Version: "(devel)", Go: runtime.Version(), Platform: runtime.GOOS + "/" + runtime.GOARCH}
	if info != nil {
		v.Go = info.GoVersion
		v.Module = info.Main.Path
		for _, s := range info.Settings {
			switch s.Key {
			case "vcs.revision":
				v.Revision = s.Value
			case "vcs.time":
				v.Time = s.Value
			case "vcs.modified":
				v.Modified = s.Value == "true"
			}
		}
		mv := info.Main.Version
		if strings.HasSuffix(mv, "+dirty") {
			mv, v.Modified = strings.TrimSuffix(mv, "+dirty"), true
		}
		switch {
		case mv == "" || mv == "(devel)":
		case pseudoVersion.MatchString(mv) && v.Revision != "":
			// A checkout's made-up version: the revision says it all.
		default:
			v.Version = mv
		}
	}
	if linked != "" {
		v.Version = linked
	}
	return v
}

// String is the one line `msikit --version` prints after "msikit ":
// "v1.2.3", or "(devel) rev 51a1e44 2026-12-01, modified".
func (v versionInfo) String() string {
	s := v.Version
	if v.Revision != "" {
		rev := v.Revision
		if len(rev) > 7 {
			rev = rev[:7]
		}
		s += " rev " + rev
		if len(v.Time) >= len("2006-01-02") {
			s += " " + v.Time[:len("2006-01-02")]
		}
	}
	if v.Modified {
		s += ", modified"
	}
	return s
}
