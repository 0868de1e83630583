package manifest

import (
	"fmt"
	"strings"
)

// Fact is what was observed of one file, for DetectVariant: its name,
// its version ("" for none) and, if known, its platform.
type Fact struct {
	Name     string
	Version  string
	Platform string // "" if not known
}

// Score is how well a variant fits a set of facts.
type Score struct {
	Variant string
	// Exact counts facts whose version is that of an entry of the same
	// name (and platform, when the fact has one).
	Exact int
	// Build counts the other facts whose version has the same build
	// number (the third part) as such an entry: a damaged or patched
	// file still shows which release it belongs to.
	Build int
}

// DetectVariant picks the variant of m whose entries' versions fit the
// facts best: most exact version matches, then most build-number
// matches. In KB977203 the builds 6221 and 6487 tell SP1 from SP2. Facts
// without a version say nothing and are ignored. It returns the scores
// of every variant, in the manifest's order, with ErrNoMatch if no fact
// fits any variant and ErrAmbiguous if the best score is shared.
func DetectVariant(m *Manifest, facts []Fact) (string, []Score, error) {
	scores := make([]Score, len(m.Variants))
	for i := range m.Variants {
		scores[i] = scoreVariant(&m.Variants[i], facts)
	}
	best, tied := -1, false
	for i, s := range scores {
		if s.Exact == 0 && s.Build == 0 {
			continue
		}
		switch {
		case best < 0 || better(s, scores[best]):
			best, tied = i, false
		case !better(scores[best], s):
			tied = true
		}
	}
	if best < 0 {
		return "", scores, fmt.Errorf("%w: no file version of the %d facts is in manifest %s", ErrNoMatch, len(facts), m.Name)
	}
	if tied {
		var names []string
		for _, s := range scores {
			if !better(scores[best], s) && !better(s, scores[best]) {
				names = append(names, s.Variant)
			}
		}
		return "", scores, fmt.Errorf("%w: the versions fit %s equally well", ErrAmbiguous, strings.Join(names, " and "))
	}
	return scores[best].Variant, scores, nil
}

func better(a, b Score) bool {
	if a.Exact != b.Exact {
		return a.Exact > b.Exact
	}
	return a.Build > b.Build
}

func scoreVariant(v *Variant, facts []Fact) Score {
	s := Score{Variant: v.Name}
	for _, f := range facts {
		got, ok := versionParts(normVersion(f.Version))
		if !ok {
			continue
		}
		exact, build := false, false
		for _, e := range v.Lookup(f.Name, f.Platform) {
			want, ok := versionParts(e.Version)
			if !ok {
				continue
			}
			if want == got {
				exact = true
			} else if want[2] == got[2] {
				build = true
			}
		}
		switch {
		case exact:
			s.Exact++
		case build:
			s.Build++
		}
	}
	return s
}

func normVersion(v string) string {
	n, err := ParseVersion(v)
	if err != nil {
		return ""
	}
	return n
}
