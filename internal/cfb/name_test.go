package cfb

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"unicode/utf16"
)

func sortedCopy(s []string) []string {
	out := slices.Clone(s)
	slices.Sort(out)
	return out
}

func TestNameLimits(t *testing.T) {
	b := New()
	r := b.Root()
	ok31 := strings.Repeat("a", 31)
	must(t, r.AddStream(ok31, nil))
	if err := r.AddStream(strings.Repeat("b", 32), nil); !errors.Is(err, ErrNameTooLong) {
		t.Errorf("32 units: %v", err)
	}
	// A character outside the BMP takes two UTF-16 units: 30 + 2 = 32.
	if err := r.AddStream(strings.Repeat("c", 30)+"\U0001F600", nil); !errors.Is(err, ErrNameTooLong) {
		t.Errorf("surrogate pair over the limit: %v", err)
	}
	must(t, r.AddStream(strings.Repeat("c", 29)+"\U0001F600", nil))
	// 31 packed MSI units (3 bytes each in UTF-8) fit.
	must(t, r.AddStream(strings.Repeat("\u3a00", 31), nil))
	for _, bad := range []string{"", "a/b", "a\\b", "a:b", "!x", "a\x00b", "\xff"} {
		if err := r.AddStream(bad, nil); !errors.Is(err, ErrInvalidName) {
			t.Errorf("%q: %v, want ErrInvalidName", bad, err)
		}
		if _, err := r.AddStorage(bad); !errors.Is(err, ErrInvalidName) {
			t.Errorf("storage %q: %v, want ErrInvalidName", bad, err)
		}
	}
	got, _ := readBack(t, build(t, b))
	for _, n := range []string{ok31, strings.Repeat("c", 29) + "\U0001F600", strings.Repeat("\u3a00", 31)} {
		if _, ok := got[n]; !ok {
			t.Errorf("%q not read back", n)
		}
	}
}

func TestDuplicates(t *testing.T) {
	r := New().Root()
	must(t, r.AddStream("Name", nil))
	for _, dup := range []string{"Name", "NAME", "name", "nAmE"} {
		if err := r.AddStream(dup, nil); !errors.Is(err, ErrDuplicate) || !strings.Contains(err.Error(), `"Name"`) {
			t.Errorf("%q: %v", dup, err)
		}
		if _, err := r.AddStorage(dup); !errors.Is(err, ErrDuplicate) {
			t.Errorf("storage %q: %v", dup, err)
		}
	}
	// Non-ASCII letters fold too (simple upper-case mapping).
	must(t, r.AddStream("é", nil))
	if err := r.AddStream("É", nil); !errors.Is(err, ErrDuplicate) {
		t.Errorf("É after é: %v", err)
	}
	// The same name in another storage is fine.
	s, err := r.AddStorage("sub")
	must(t, err)
	must(t, s.AddStream("Name", nil))
}

func TestCompareNames(t *testing.T) {
	u := func(s string) []uint16 { return utf16.Encode([]rune(s)) }
	// Each name sorts before the next, per [MS-CFB] 2.6.4.
	order := []string{
		"Z",     // shorter first, whatever the letters
		"aa",    // same length: compared upper-cased, "AA" < "AB"
		"AB",    // ...
		"ac",    // "AC"
		"a\x7f", // 0x7F > 'C'
		"\u00e0a",
		"\u3800\u3801", // packed MSI names sort by code unit
		"\u3801\u3800",
		"\U0001F600", // a surrogate pair: two units
		"abc",
	}
	for i := 0; i+1 < len(order); i++ {
		a, b := u(order[i]), u(order[i+1])
		if compareNames(a, b) != -1 || compareNames(b, a) != 1 {
			t.Errorf("%q should sort before %q", order[i], order[i+1])
		}
	}
	if compareNames(u("MixedCase"), u("mIXEDcASE")) != 0 {
		t.Error("case should not matter")
	}
	// '_' (0x5F) sorts after upper-case letters but before lower-case
	// ones only when not folded: folded, "A_" vs "AA": '_' > 'A'.
	if compareNames(u("a_"), u("aa")) != 1 {
		t.Error("'_' vs 'a' after folding")
	}
}
