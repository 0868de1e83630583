package streamname

import (
	"math/rand"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestStreamNameKnownVectors(t *testing.T) {
	// Hand-packed from the rules: "!" is 0x4840, a pair (c1, c2) is
	// 0x3800 + v(c1) + v(c2)<<6, a lone character 0x4800 + v(c).
	cases := []struct{ decoded, encoded string }{
		{"!_Tables", "\u4840" + string(rune(0x3800+63+29<<6)) + string(rune(0x3800+36+37<<6)) + string(rune(0x3800+47+40<<6)) + string(rune(0x4800+54))},
		{"ab", string(rune(0x3800 + 36 + 37<<6))},
		{"Z", string(rune(0x4800 + 35))},
		{"\x05SummaryInformation", "\x05" + Encode("SummaryInformation")},
		{"a b", string(rune(0x4800+36)) + " " + string(rune(0x4800+37))},
	}
	for _, c := range cases {
		assert.Equal(t, c.encoded, Encode(c.decoded), "encode %q", c.decoded)
		assert.Equal(t, c.decoded, Decode(c.encoded), "decode %q", c.encoded)
	}
	// 62 packable characters in pairs fit 31 code units, the limit.
	assert.Equal(t, 31, Units(Encode(strings.Repeat("ab", 31))))
}

func TestStreamNameRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	alphabet := []rune(packAlphabet + "!#-+ \x05é€")
	for i := 0; i < 5000; i++ {
		n := rng.Intn(40)
		rs := make([]rune, n)
		for j := range rs {
			rs[j] = alphabet[rng.Intn(len(alphabet))]
		}
		name := string(rs)
		if strings.HasPrefix(name, "!") {
			// only a leading "!" is the table mark; any other "!" is kept
			require.Equal(t, name, Decode(Encode(name)))
			continue
		}
		enc := Encode(name)
		require.Equal(t, name, Decode(enc), "round trip of %q", name)
		for _, c := range enc {
			if c >= packPairBase && c <= packTableMark {
				continue
			}
			require.NotContains(t, packAlphabet, string(c), "packable character %q left unpacked in %q", c, name)
		}
	}
}

func FuzzStreamName(f *testing.F) {
	f.Add("!_StringPool")
	f.Add("\x05SummaryInformation")
	f.Add("Binary.Logo")
	f.Add("\u4840\u3a8f\u47ff\u4840x")
	f.Fuzz(func(t *testing.T, s string) {
		dec := Decode(s)
		// A decoded name holds no packed code units, so encoding it and
		// decoding again gives it back.
		if again := Decode(Encode(dec)); again != dec {
			t.Fatalf("unstable: %q -> %q -> %q", s, dec, again)
		}
		// The printable form has no control character and reads back.
		pr := Printable(dec)
		for _, c := range pr {
			if c < 0x20 || c == 0x7f {
				t.Fatalf("Printable(%q) = %q holds %q", dec, pr, c)
			}
		}
		if back, err := Parse(pr); err != nil || back != dec {
			t.Fatalf("Parse(Printable(%q)) = %q, %v", dec, back, err)
		}
		Parse(s) // any input: an error at most
	})
}

func TestPrintable(t *testing.T) {
	for raw, want := range map[string]string{
		"\x05SummaryInformation": `\x05SummaryInformation`,
		"Binary.Logo":            "Binary.Logo",
		"a\\b":                   `a\x5cb`,
		"\x7f\xff日本":             `\x7f\xff日本`,
		"":                       "",
	} {
		got := Printable(raw)
		if got != want {
			t.Errorf("Printable(%q) = %q, want %q", raw, got, want)
		}
		back, err := Parse(got)
		if err != nil || back != raw {
			t.Errorf("Parse(%q) = %q, %v; want %q", got, back, err, raw)
		}
	}
	for _, bad := range []string{`\`, `\x`, `\x5`, `\y05`, `\xg0`, `ab\`} {
		if _, err := Parse(bad); err == nil {
			t.Errorf("Parse(%q): no error", bad)
		}
	}
}
