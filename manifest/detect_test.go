package manifest

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// factsOf lists the (name, version, platform) of every versioned entry of
// a variant, as a verifier would read them from the files.
func factsOf(t *testing.T, m *Manifest, variant string) []Fact {
	v, err := m.Variant(variant)
	if err != nil {
		t.Fatal(err)
	}
	var out []Fact
	for _, e := range v.Entries {
		ver := e.Version
		if ver == NA {
			ver = ""
		}
		out = append(out, Fact{Name: e.Name, Version: ver, Platform: e.Platform})
	}
	return out
}

func TestDetectVariant(t *testing.T) {
	m := mustBuiltin(t)
	sp1, sp2 := factsOf(t, m, "SP1"), factsOf(t, m, "SP2")
	for _, tc := range []struct {
		name   string
		facts  []Fact
		want   string
		scores []Score
		err    error
	}{
		{"SP1 files", sp1, "SP1", []Score{{"SP1", 8, 0}, {"SP2", 0, 0}}, nil},
		{"SP2 files", sp2, "SP2", []Score{{"SP1", 0, 0}, {"SP2", 8, 0}}, nil},
		// One SP2 file whose revision was tampered with still says SP2 by
		// its build number.
		{"tampered revision", []Fact{{Name: "CCMCERTFIX.EXE", Version: "4.0.6487.9999", Platform: "x86"}}, "SP2", []Score{{"SP1", 0, 0}, {"SP2", 0, 1}}, nil},
		// Platform unknown: the name alone decides.
		{"no platform", []Fact{{Name: "mcsisapip.dll", Version: "4.0.6221.1193"}}, "SP1", []Score{{"SP1", 1, 0}, {"SP2", 0, 0}}, nil},
		// Mixed SP1 and SP2 files, as many of each: ambiguous.
		{"mixed", []Fact{{Name: "smpmgr.dll", Version: "4.0.6221.1193"}, {Name: "smpmgr.dll", Version: "4.0.6487.2111"}}, "", []Score{{"SP1", 1, 0}, {"SP2", 1, 0}}, ErrAmbiguous},
		// The majority wins.
		{"mostly SP2", append(sp2[:3:3], Fact{Name: "smpmgr.dll", Version: "4.0.6221.1193"}), "SP2", []Score{{"SP1", 1, 0}, {"SP2", 2, 0}}, nil},
		{"unrelated", []Fact{{Name: "notepad.exe", Version: "10.0.0.1"}, {Name: "mp.msi"}}, "", []Score{{"SP1", 0, 0}, {"SP2", 0, 0}}, ErrNoMatch},
		{"wrong platform", []Fact{{Name: "ccmgencert.dll", Version: "4.0.6221.1193", Platform: "arm64"}}, "", []Score{{"SP1", 0, 0}, {"SP2", 0, 0}}, ErrNoMatch},
	} {
		got, scores, err := DetectVariant(m, tc.facts)
		if got != tc.want || !errors.Is(err, tc.err) || (tc.err == nil) != (err == nil) {
			t.Errorf("%s: %q, %v; want %q, %v", tc.name, got, err, tc.want, tc.err)
		}
		if diff := cmp.Diff(tc.scores, scores); diff != "" {
			t.Errorf("%s: scores (-want +got):\n%s", tc.name, diff)
		}
	}
}
