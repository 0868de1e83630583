package manifest

import (
	"crypto/md5"
	"crypto/sha256"
	"testing"
	"time"
)

func TestEntryMatchers(t *testing.T) {
	e := Entry{Name: "Ccmgencert.dll", Path: "bin/ia64/ccmgencert.dll", Version: "4.0.6221.1193", Size: 649576,
		Modified: time.Date(2008, 12, 1, 1, 40, 0, 0, time.UTC), Precision: time.Minute, Platform: PlatformIA64}
	for _, tc := range []struct {
		name, platform string
		want           bool
	}{
		{"CCMGENCERT.DLL", "IA-64", true}, {`bin\ia64\ccmgencert.dll`, "itanium", true}, {"ccmgencert.dll", "", true},
		{"ccmgencert.dll", "x64", false}, {"ccmgencert.dll", "bogus", false}, {"ccmgencert.dl", "ia64", false},
	} {
		if got := e.Matches(tc.name, tc.platform); got != tc.want {
			t.Errorf("Matches(%q, %q) = %v", tc.name, tc.platform, got)
		}
	}
	if !e.MatchesPath(`BIN\IA64\CcmGenCert.dll`) || e.MatchesPath("bin/x64/ccmgencert.dll") {
		t.Error("MatchesPath")
	}
	if !e.MatchesVersion("4.0.6221.1193") || !e.MatchesVersion("04.00.6221.1193") || e.MatchesVersion("4.0.6487.2111") || e.MatchesVersion("") || e.MatchesVersion("garbage") {
		t.Error("MatchesVersion")
	}
	if !e.MatchesSize(649576) || e.MatchesSize(649577) {
		t.Error("MatchesSize")
	}
	// Minute precision: any second of 01:40 UTC, in any zone.
	for tm, want := range map[time.Time]bool{
		time.Date(2008, 12, 1, 1, 40, 59, 999, time.UTC):                      true,
		time.Date(2008, 12, 1, 2, 40, 0, 0, time.FixedZone("CET", 3600)):      true,
		time.Date(2008, 12, 1, 1, 41, 0, 0, time.UTC):                         false,
		time.Date(2008, 12, 1, 1, 40, 0, 0, time.FixedZone("CET", 3600)):      false,
		time.Date(2008, 12, 2, 1, 40, 0, 0, time.UTC):                         false,
		time.Date(2008, 11, 30, 21, 40, 0, 0, time.FixedZone("EST", -4*3600)): true,
	} {
		if got := e.MatchesTime(tm); got != want {
			t.Errorf("MatchesTime(%v) = %v", tm, got)
		}
	}
	day := Entry{Name: "x", Modified: time.Date(2010, 1, 25, 0, 0, 0, 0, time.UTC), Precision: Day}
	if !day.MatchesTime(time.Date(2010, 1, 25, 23, 59, 59, 0, time.UTC)) || day.MatchesTime(time.Date(2010, 1, 26, 0, 0, 0, 0, time.UTC)) {
		t.Error("day precision")
	}

	na := Entry{Name: "MP.MSI", Version: NA, Platform: NA}
	if !na.MatchesVersion("") || !na.MatchesVersion("N/A") || na.MatchesVersion("1.0.0.0") || !na.Matches("mp.msi", "n/a") || na.Matches("mp.msi", "x86") {
		t.Error("n/a entry")
	}
	open := Entry{Name: "a"}
	if !open.MatchesVersion("1.2.3.4") || !open.Matches("A", "x64") || !open.MatchesTime(time.Now()) || !open.MatchesPath("any/a") {
		t.Error("an entry without a claim matches anything")
	}

	data := []byte("hello")
	s, m := sha256.Sum256(data), md5.Sum(data)
	h := Entry{Name: "h", SHA256: "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824", MD5: "5d41402abc4b2a76b9719d911017c592"}
	if !h.MatchesSHA256(s[:]) || !h.MatchesMD5(m[:]) || h.MatchesMD5(s[:16]) || h.MatchesSHA256(m[:]) {
		t.Error("digests")
	}
}

func TestParsePlatformAliases(t *testing.T) {
	for in, want := range map[string]string{
		"x86": PlatformX86, "I386": PlatformX86, "Intel": PlatformX86, "x64": PlatformX64, "AMD64": PlatformX64,
		"x86_64": PlatformX64, "IA-64": PlatformIA64, "ia64": PlatformIA64, "Itanium": PlatformIA64,
		"n/a": NA, "Not applicable": NA, " NA ": NA, "arm64": PlatformARM64,
	} {
		if got, err := ParsePlatform(in); err != nil || got != want {
			t.Errorf("ParsePlatform(%q) = %q, %v", in, got, err)
		}
	}
	for _, in := range []string{"", "intel64", "mips", "x 86"} {
		if got, err := ParsePlatform(in); err == nil {
			t.Errorf("ParsePlatform(%q) = %q", in, got)
		}
	}
}
