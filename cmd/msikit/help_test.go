package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/msikit/msikit/internal/testutil"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestHelpCommand: `msikit help CMD` (and `help cab list`, `cab help
// list`) prints what CMD --help prints (issue 15).
func TestHelpCommand(t *testing.T) {
	for _, path := range [][]string{{"extract"}, {"cab", "list"}, {"manifest", "import-kb"}, {"cab"}, {"version"}, {"help"}} {
		code, want, _ := msikit(t, append(path, "--help")...)
		require.Equal(t, 0, code, "%v", path)
		code, got, errOut := msikit(t, append([]string{"help"}, path...)...)
		require.Equal(t, 0, code, "%v: %s", path, errOut)
		assert.Equal(t, want, got, "%v", path)
		assert.Contains(t, got, "Usage: msikit "+strings.Join(path, " "), "%v", path)
	}
	_, viaGroup, _ := msikit(t, "cab", "help", "list")
	_, direct, _ := msikit(t, "cab", "list", "-h")
	assert.Equal(t, direct, viaGroup)
	assert.Contains(t, direct, "  -h, --help            show this help\n")

	_, root, _ := msikit(t, "--help")
	_, viaHelp, _ := msikit(t, "help")
	assert.Equal(t, root, viaHelp)

	for args, want := range map[string]string{
		"help frobnicate":   "msikit help: msikit has no command \"frobnicate\" (see 'msikit help --help')\n",
		"help cab frob":     "msikit help: msikit cab has no command \"frob\" (see 'msikit help --help')\n",
		"help info more":    "msikit help: msikit info has no subcommands (see 'msikit help --help')\n",
		"cab help list foo": "msikit cab: msikit cab list has no subcommands (see 'msikit cab --help')\n",
	} {
		code, out, errOut := msikit(t, strings.Fields(args)...)
		assert.Equal(t, 2, code, args)
		assert.Empty(t, out, args)
		assert.Equal(t, want, errOut, args)
	}
}

// TestHelpSummaries: the command lists show each command's first
// sentence whole, wherever its summary's lines break, and every help
// fits 80 columns when standard output is not a terminal.
func TestHelpSummaries(t *testing.T) {
	for in, want := range map[string]string{
		"Apply a transform to a package and write the result (as MsiDatabaseApplyTransform and\nmsitran -a do). Conflicts are errors.": "Apply a transform to a package and write the result (as MsiDatabaseApplyTransform and msitran -a do).",
		"Show how B differs from A: tables, rows and cells.\nTables added and dropped.":                                                "Show how B differs from A: tables, rows and cells.",
		"Describe it (e.g. a patch) and its changes per table.\n--storage reads a sub-storage.":                                        "Describe it (e.g. a patch) and its changes per table.",
		"Build a package. Same spec, same bytes.":                                                                                      "Build a package.",
		"Run msiexec /a. then. Done":                  "Run msiexec /a. then.",
		"List the files.\n\n--json prints:\n  {a, b}": "List the files.",
		"No full stop": "No full stop",
	} {
		assert.Equal(t, want, firstSentence(in), in)
	}

	var helps []string
	for _, n := range commandTree() {
		args := append(strings.Fields(n.path), "--help")
		code, out, _ := msikit(t, args...)
		require.Equal(t, 0, code, n.path)
		helps = append(helps, out)
		for _, l := range strings.Split(out, "\n") {
			assert.LessOrEqual(t, utf8.RuneCountInString(l), 80, "%s --help: %q", n.path, l)
		}
		if n.kids == nil {
			continue
		}
		// Each child's first sentence is in the list, whole.
		joined := strings.Join(strings.Fields(out), " ")
		for _, k := range n.kids {
			s := firstSentence(k.summary)
			assert.Contains(t, joined, k.name+" "+s, "%s: %s", n.path, k.name)
			assert.Regexp(t, `[.)]$`, s, "%s %s: a whole sentence", n.path, k.name)
		}
	}
	root := helps[0]
	assert.Contains(t, root, "      --version   print msikit's version, as 'msikit version' does\n")
	assert.Contains(t, root, "\nExit codes: 0 success; 1 bad input (a file missing, unreadable, not a regular\nfile or damaged) or failed verification; 2 usage error")
	for _, cmd := range []string{"help", "version", "completion", "man"} {
		assert.Regexp(t, "\n  "+cmd+" +[A-Z]", root, cmd)
	}

	assert.Equal(t, "one two\nthree four\nfive", fill("one two three four five", 10, ""))
	assert.Equal(t, "> one two\n>   {kept as it is,\n>     however long}\n\n> x", fill("one\ntwo\n  {kept as it is, however long}\n\nx", 20, "> "))
	assert.Equal(t, "Usage: alpha beta\n       gamma\n", hang("Usage: ", "alpha beta gamma", 20))
}

func TestVersionFrom(t *testing.T) {
	vcs := func(rev, tm, modified string) []debug.BuildSetting {
		return []debug.BuildSetting{{Key: "vcs", Value: "git"}, {Key: "vcs.revision", Value: rev}, {Key: "vcs.time", Value: tm}, {Key: "vcs.modified", Value: modified}}
	}
	const rev = "51a1e44f0a2b3c4d5e6f708192a3b4c5d6e7f809"
	for _, c := range []struct {
		version  string
		settings []debug.BuildSetting
		linked   string
		want     string
	}{
		{"v1.2.3", nil, "", "v1.2.3"}, // go install ...@v1.2.3
		{"v0.0.0-20261201120000-51a1e44f0a2b", nil, "", "v0.0.0-20261201120000-51a1e44f0a2b"}, // go install ...@commit
		{"(devel)", vcs(rev, "2026-12-01T12:00:00Z", "true"), "", "(devel) rev 51a1e44 2026-12-01, modified"},
		{"v0.0.0-20261201120000-51a1e44f0a2b+dirty", vcs(rev, "2026-12-01T12:00:00Z", "true"), "", "(devel) rev 51a1e44 2026-12-01, modified"},
		{"v1.2.4-0.20261201120000-51a1e44f0a2b", vcs(rev, "2026-12-01T12:00:00Z", "false"), "", "(devel) rev 51a1e44 2026-12-01"},
		{"v1.2.3", vcs(rev, "2026-12-01T12:00:00Z", "false"), "", "v1.2.3 rev 51a1e44 2026-12-01"}, // a tagged checkout
		{"(devel)", nil, "", "(devel)"},
		{"(devel)", nil, "v9.9.9-distro", "v9.9.9-distro"},
	} {
		info := &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Path: "github.com/msikit/msikit", Version: c.version}, Settings: c.settings}
		v := versionFrom(info, c.linked)
		assert.Equal(t, c.want, v.String(), "%+v", c)
		assert.Equal(t, "go1.26.8", v.Go)
	}
	assert.Equal(t, "(devel)", versionFrom(nil, "").String())
}

func TestVersionCommand(t *testing.T) {
	code, flag, _ := msikit(t, "--version")
	require.Equal(t, 0, code)
	code, cmd, _ := msikit(t, "version")
	require.Equal(t, 0, code)
	assert.Equal(t, flag, cmd)
	assert.Equal(t, "msikit "+readVersion().String()+"\n", cmd)
	assert.NotContains(t, cmd, "dev\n")
	code, out, _ := msikit(t, "version", "--json")
	require.Equal(t, 0, code)
	var v map[string]any
	require.NoError(t, json.Unmarshal([]byte(out), &v))
	assert.Equal(t, readVersion().Version, v["version"])
	assert.Regexp(t, `^go1\.`, v["go"])
	assert.Contains(t, v, "platform")
}

// TestCompletionBash runs the bash script's completion function on
// command lines, as bash does on TAB.
func TestCompletionBash(t *testing.T) {
	code, script, _ := msikit(t, "completion", "bash")
	require.Equal(t, 0, code)
	checkCompletionCoverage(t, script)
	bash := testutil.Tool(t, "bash")
	f := filepath.Join(t.TempDir(), "msikit.bash")
	require.NoError(t, os.WriteFile(f, []byte(script), 0o644))
	cases := map[string]string{
		"msikit ":                          "admin build cab completion delta diff export extract files help info list man manifest media patch pe signature streams tables transform verify version",
		"msikit ca":                        "cab",
		"msikit cab l":                     "list",
		"msikit cab list --":               "--search --encoding --json --help",
		"msikit extract --la":              "--layout",
		"msikit extract --layout ":         "admin install target flat",
		"msikit extract -o out --layout f": "flat",
		"msikit files --layout t":          "target",
		"msikit extract x --only a --ov":   "--overwrite",
		"msikit help cab ":                 "create extract list test",
		"msikit help tr":                   "transform",
		"msikit completion ":               "bash zsh fish",
		"msikit completion bash ":          "",
		"msikit verify --format j":         "json junit",
		"msikit info ":                     "",
		"msikit cab list --encoding ":      "",
		"msikit --v":                       "--version",
		"msikit manifest ":                 "check generate import-kb schema show",
	}
	var sb strings.Builder
	sb.WriteString("source " + f + "\n_t() { COMP_WORDS=(\"$@\"); COMP_CWORD=$((${#COMP_WORDS[@]}-1)); COMPREPLY=(); _msikit; echo \"${COMPREPLY[*]}\"; }\n")
	var lines []string
	for line := range cases {
		lines = append(lines, line)
		words := strings.Split(line, " ")
		sb.WriteString("_t")
		for _, w := range words {
			sb.WriteString(" " + shQuote(w))
		}
		sb.WriteString("\n")
	}
	out, err := exec.Command(bash, "-c", sb.String()).Output()
	require.NoError(t, err)
	got := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
	require.Len(t, got, len(lines))
	for i, line := range lines {
		want := strings.Fields(cases[line])
		assert.ElementsMatch(t, want, strings.Fields(got[i]), "%q", line)
	}
}

// checkCompletionCoverage: the script has every command and every flag.
func checkCompletionCoverage(t *testing.T, script string) {
	t.Helper()
	for _, n := range commandTree() {
		if n.c.name != "msikit" {
			assert.Contains(t, script, n.c.name, n.path)
		}
		for _, f := range n.flags {
			assert.Regexp(t, regexp.QuoteMeta(n.path)+`.*(--|-l )`+regexp.QuoteMeta(f.Name)+`\b`, script, "%s --%s", n.path, f.Name)
		}
	}
}

// TestCompletionZsh loads the zsh script with the completion system's
// functions stubbed, and completes command lines.
func TestCompletionZsh(t *testing.T) {
	code, script, _ := msikit(t, "completion", "zsh")
	require.Equal(t, 0, code)
	assert.True(t, strings.HasPrefix(script, "#compdef msikit\n"))
	for _, n := range commandTree() {
		for _, k := range n.kids {
			assert.Contains(t, script, shQuote(k.name+":"+firstSentence(k.summary)), "%s %s", n.path, k.name)
		}
	}
	zsh := testutil.Tool(t, "zsh")
	f := filepath.Join(t.TempDir(), "_msikit")
	require.NoError(t, os.WriteFile(f, []byte(script), 0o644))
	harness := `compdef() { :; }
source ` + f + `
_describe() { local -a items; items=("${(@P)4}"); print -r -- ${items%%:*}; }
compadd() { [[ $1 == -a ]] && print -r -- ${(P)2}; }
_files() { print -r -- FILES; }
_t() { words=("$@"); CURRENT=$#words; _msikit; }
_t msikit ''
_t msikit cab l
_t msikit extract --layout ''
_t msikit cab list --
_t msikit info ''
_t msikit help cab ''
_t msikit completion ''
_t msikit extract -o ''
`
	out, err := exec.Command(zsh, "-f", "-c", harness).CombinedOutput()
	require.NoError(t, err, "%s", out)
	assert.Equal(t, strings.Join([]string{
		"admin build cab completion delta diff export extract files help info list man manifest media patch pe signature streams tables transform verify version",
		"create extract list test",
		"admin install target flat",
		"--search --encoding --json -h --help",
		"FILES",
		"create extract list test",
		"bash zsh fish",
		"FILES",
	}, "\n")+"\n", string(out))
}

// TestCompletionFish asks fish itself to complete command lines.
func TestCompletionFish(t *testing.T) {
	code, script, _ := msikit(t, "completion", "fish")
	require.Equal(t, 0, code)
	checkCompletionCoverage(t, script)
	fish := testutil.Tool(t, "fish")
	f := filepath.Join(t.TempDir(), "msikit.fish")
	require.NoError(t, os.WriteFile(f, []byte(script), 0o644))
	names := func(line string) []string {
		out, err := exec.Command(fish, "--no-config", "-c", "source "+f+"; complete -C "+shQuote(line)).CombinedOutput()
		require.NoError(t, err, "%s", out)
		var n []string
		for _, l := range strings.Split(strings.TrimSpace(string(out)), "\n") {
			if l != "" {
				n = append(n, strings.SplitN(l, "\t", 2)[0])
			}
		}
		return n
	}
	assert.Contains(t, names("msikit "), "transform")
	assert.Contains(t, names("msikit "), "completion")
	assert.ElementsMatch(t, []string{"list"}, names("msikit cab l"))
	assert.ElementsMatch(t, []string{"admin", "install", "target", "flat"}, names("msikit extract --layout "))
	assert.ElementsMatch(t, []string{"create", "extract", "list", "test"}, names("msikit help cab "))
	assert.ElementsMatch(t, []string{"--search", "--encoding", "--json", "--help"}, names("msikit cab list --"))
	assert.ElementsMatch(t, []string{"bash", "zsh", "fish"}, names("msikit completion "))
}

// TestManPage: the manual has every command with its usage and every
// flag, and groff reads it without a warning.
func TestManPage(t *testing.T) {
	code, roff, _ := msikit(t, "man")
	require.Equal(t, 0, code)
	assert.True(t, strings.HasPrefix(roff, ".\\\" Generated by 'msikit man'; do not edit.\n.TH MSIKIT 1 "), roff[:80])
	sections := strings.Split(roff, "\n.SS ")
	require.Greater(t, len(sections), 1)
	byPath := map[string]string{}
	for _, s := range sections[1:] {
		head, _, _ := strings.Cut(s, "\n")
		byPath[head] = s
	}
	for _, n := range commandTree()[1:] {
		head := "msikit " + n.path
		if n.kids != nil {
			head += " COMMAND"
		} else if n.c.usage != "" {
			head += " " + n.c.usage
		}
		sec, ok := byPath[`"`+roffEscape(head)+`"`]
		if !assert.True(t, ok, "no section for %s", head) {
			continue
		}
		for _, k := range n.kids {
			assert.Contains(t, sec, roffEscape(k.name), "%s lists %s", n.path, k.name)
		}
		if n.kids != nil {
			continue // its commands have sections of their own
		}
		for _, f := range n.flags {
			assert.Contains(t, sec, `\fB\-\-`+strings.ReplaceAll(f.Name, "-", `\-`)+`\fR`, "%s --%s", n.path, f.Name)
		}
	}
	head, _, _ := strings.Cut(roff, "\n.SH COMMANDS")
	assert.Contains(t, head, `\fB\-\-version\fR`)
	assert.Contains(t, roff, ".SH \"EXIT STATUS\"\n.TP\n.B 0\n")
	assert.Contains(t, roff, `--json prints an array with one object per cabinet (or set):`[0:0]+`\-\-json prints an array`)
	assert.Contains(t, roff, ".nf\n  {cabinet, offset, set_id, index, parts: [names],\n", "shapes are kept as they are")

	groff, err := exec.LookPath("groff")
	if err != nil {
		testutil.Skip(t, "groff not installed")
	}
	cmd := exec.Command(groff, "-man", "-Tutf8", "-ww", "-z")
	cmd.Stdin = strings.NewReader(roff)
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s", out)
	assert.Empty(t, string(out), "groff warnings")
}
