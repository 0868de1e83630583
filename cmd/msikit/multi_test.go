package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSeveralInputs: each command that takes several inputs heads each
// one's text with its name, prints a --json array with one object per
// input (the failed one as {file, error}), goes on past a missing input
// and exits 1 naming it; with one input the output has no heading.
func TestSeveralInputs(t *testing.T) {
	dir := t.TempDir()
	sp1, _ := filepath.Abs("../../fixtures/kb977203/SCCM2007-SP1-KB977203-ENU.msi")
	sp2, _ := filepath.Abs("../../fixtures/kb977203/SCCM2007-SP2-KB977203-ENU.msi")
	missing := filepath.Join(dir, "missing.msi")
	createCab(t, filepath.Join(dir, "a"), [][2]string{{"one.txt", "one"}})
	createCab(t, filepath.Join(dir, "b"), [][2]string{{"two.txt", "two"}})
	cabA, cabB, cabMissing := filepath.Join(dir, "a.cab"), filepath.Join(dir, "b.cab"), filepath.Join(dir, "missing.cab")

	for _, c := range []struct {
		args   []string
		inputs []string
		key    string // member of the per-input JSON object; "" none; "-" no --json
		want   []string
	}{
		{[]string{"info"}, []string{sp1, sp2, missing}, "", []string{"Kind:"}},
		{[]string{"tables"}, []string{sp1, sp2, missing}, "tables", []string{"_SummaryInformation", "File"}},
		{[]string{"files"}, []string{sp1, sp2, missing}, "files", []string{"CCMCertFix.exe"}},
		{[]string{"media"}, []string{sp1, sp2, missing}, "media", []string{"KB977203.cab"}},
		{[]string{"streams"}, []string{sp1, sp2, missing}, "streams", []string{"KB977203.cab"}},
		{[]string{"extract", "-o", filepath.Join(dir, "x"), "--overwrite", "--only", "CCMCertFix.exe"}, []string{sp1, sp2, missing}, "-", []string{"extracting Logs/KB977203/CCMCertFix.exe"}},
		{[]string{"cab", "extract", "-o", filepath.Join(dir, "c")}, []string{cabA, cabB, cabMissing}, "-", []string{"/a/one.txt\n", "/b/two.txt\n"}},
		{[]string{"cab", "test"}, []string{cabA, cabB, cabMissing}, "-", []string{"OK"}},
	} {
		name := strings.Join(c.args[:min(2, len(c.args))], " ")
		args := append(append([]string(nil), c.args...), c.inputs...)
		code, out, errOut := msikit(t, args...)
		if code != exitBad {
			t.Errorf("%s: exit %d, want 1 (an input is missing): %s", name, code, errOut)
		}
		for _, in := range c.inputs[:2] {
			if !strings.Contains(out, in+":\n") {
				t.Errorf("%s: no heading for %s in\n%s", name, in, out)
			}
		}
		for _, w := range c.want {
			if !strings.Contains(out, w) {
				t.Errorf("%s: %q not in\n%s", name, w, out)
			}
		}
		if !strings.Contains(errOut, c.inputs[2]) || !strings.Contains(errOut, "1 of 3 inputs failed") {
			t.Errorf("%s: stderr does not name the missing input: %s", name, errOut)
		}
		// One input: no heading.
		if name != "extract -o" && name != "cab extract" {
			one := append(append([]string(nil), c.args...), c.inputs[0])
			code, out, _ := msikit(t, one...)
			if code != 0 || strings.Contains(out, c.inputs[0]+":\n") {
				t.Errorf("%s with one input: exit %d, output\n%s", name, code, out)
			}
		}
		if c.key == "-" {
			continue
		}
		code, out, _ = msikit(t, append([]string{args[0], "--json"}, args[1:]...)...)
		if code != exitBad {
			t.Errorf("%s --json: exit %d", name, code)
		}
		var got []map[string]any
		if err := json.Unmarshal([]byte(out), &got); err != nil {
			t.Fatalf("%s --json: %v\n%s", name, err, out)
		}
		if len(got) != 3 {
			t.Fatalf("%s --json: %d objects, want 3", name, len(got))
		}
		for i, o := range got[:2] {
			if o["file"] != c.inputs[i] && o["file"] != filepath.Base(c.inputs[i]) {
				t.Errorf("%s --json: object %d names %v, not %s", name, i, o["file"], c.inputs[i])
			}
			if c.key != "" && o[c.key] == nil {
				t.Errorf("%s --json: object %d has no %s: %v", name, i, c.key, o)
			}
		}
		if got[2]["file"] != missing || !strings.Contains(got[2]["error"].(string), "no such file") {
			t.Errorf("%s --json: the missing input is %v", name, got[2])
		}
	}

	// cab test --json: one array of the files of every cabinet.
	code, out, _ := msikit(t, "cab", "test", "--json", cabA, cabB)
	var files []jsonTest
	if err := json.Unmarshal([]byte(out), &files); code != 0 || err != nil || len(files) != 2 || files[0].Cabinet != cabA || files[1].Cabinet != cabB {
		t.Errorf("cab test --json of two: exit %d, %v, %s", code, err, out)
	}
	if _, err := os.Stat(filepath.Join(dir, "c", dir, "b", "two.txt")); err != nil {
		t.Errorf("cab extract of several: %v", err)
	}
}
