package oleps

import (
	"bytes"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"
)

// sampleSet has one property of every decodable kind.
func sampleSet() *Set {
	return &Set{
		Version:          1,
		SystemIdentifier: 0x00020006,
		CLSID:            MustParseGUID("{000C1084-0000-0000-C000-000000000046}"),
		Sections: []Section{{
			FMTID: FMTIDDocSummaryInformation,
			Properties: []Property{
				{ID: PIDCodepage, Type: VTI2, Value: int16(1252)},
				{ID: PIDDictionary, Value: Dictionary{{ID: 2, Name: "Größe"}, {ID: 100, Name: "x"}}},
				{ID: 2, Type: VTLPSTR, Value: "Grüße"},
				{ID: 3, Type: VTLPWSTR, Value: "日本語"},
				{ID: 4, Type: VTI4, Value: int32(-7)},
				{ID: 5, Type: VTUI4, Value: uint32(0xDEADBEEF)},
				{ID: 6, Type: VTBool, Value: true},
				{ID: 7, Type: VTBool, Value: false},
				{ID: 8, Type: VTFiletime, Value: Filetime(128_000_000_123_456_789)},
				{ID: 9, Type: VTBlob, Value: []byte{1, 2, 3, 4, 5}},
				{ID: 10, Type: VTCLSID, Value: FMTIDSummaryInformation},
				{ID: 11, Type: VTR8, Value: 3.25},
				{ID: 12, Type: VTI8, Value: int64(-1 << 40)},
				{ID: 13, Type: VTUI1, Value: uint8(200)},
				{ID: 14, Type: VTEmpty},
				{ID: 15, Type: VTVector | VTLPSTR, Value: []any{"a", "", "Größe"}},
				{ID: 16, Type: VTVector | VTI2, Value: []any{int16(1), int16(-2), int16(3)}},
				{ID: 17, Type: VTVector | VTVariant, Value: []Variant{{VTLPSTR, "Title"}, {VTI4, int32(1)}, {VTBool, true}}},
				{ID: 18, Type: Type(0x0049), Value: Unknown{9, 8, 7, 6, 5, 4, 3, 2}}, // VT_VERSIONED_STREAM: not decoded
				{ID: PIDLocale, Type: VTUI4, Value: uint32(1033)},
			},
		}, {
			FMTID:      FMTIDUserDefinedProperties,
			Properties: []Property{{ID: PIDCodepage, Type: VTI2, Value: int16(CodepageUTF16)}, {ID: 2, Type: VTLPSTR, Value: "UTF-16 ☃"}},
		}},
	}
}

// clearRaw drops the stored-bytes field Parse fills, for comparisons.
func clearRaw(s *Set) {
	for i := range s.Sections {
		for j := range s.Sections[i].Properties {
			s.Sections[i].Properties[j].Raw = nil
		}
	}
}

func TestWriteParseEveryType(t *testing.T) {
	in := sampleSet()
	b, err := in.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	out, err := Parse(b)
	if err != nil {
		t.Fatal(err)
	}
	if p, _ := out.Sections[0].Property(2); string(p.Raw) != "Gr\xfc\xdfe" {
		t.Errorf("raw LPSTR bytes %q, want the 1252 encoding", p.Raw)
	}
	clearRaw(out)
	if !reflect.DeepEqual(in, out) {
		t.Errorf("round trip differs\n got %#v\nwant %#v", out, in)
	}
	again, err := out.Bytes()
	if err != nil || !bytes.Equal(again, b) {
		t.Errorf("second write differs (%v)", err)
	}
	if out.Sections[1].Codepage() != CodepageUTF16 || out.Sections[0].Codepage() != 1252 {
		t.Errorf("code pages %d %d", out.Sections[0].Codepage(), out.Sections[1].Codepage())
	}
	if ft := Filetime(128_000_000_123_456_789); FiletimeOfMust(t, ft.Time()) != ft {
		t.Error("FILETIME does not survive time.Time")
	}
}

func FiletimeOfMust(t *testing.T, tm time.Time) Filetime {
	t.Helper()
	f, err := FiletimeOf(tm)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// TestParseLayout decodes a stream built by hand from [MS-OLEPS], so the
// reader is not only checked against the writer.
func TestParseLayout(t *testing.T) {
	var b []byte
	b = le.AppendUint16(b, 0xFFFE)
	b = le.AppendUint16(b, 0)
	b = le.AppendUint32(b, 0x00020105)
	b = append(b, make([]byte, 16)...)
	b = le.AppendUint32(b, 1)
	b = append(b, FMTIDSummaryInformation[:]...)
	b = le.AppendUint32(b, 48)
	// Section: size, count 3, then ID/offset pairs, values not in ID order.
	sec := le.AppendUint32(nil, 0) // size, patched below
	sec = le.AppendUint32(sec, 3)
	sec = append(sec, 2, 0, 0, 0, 52, 0, 0, 0) // title at 52
	sec = append(sec, 1, 0, 0, 0, 32, 0, 0, 0) // code page at 32
	sec = append(sec, 12, 0, 0, 0, 40, 0, 0, 0)
	sec = append(sec, 2, 0, 0, 0, 0xE9, 0xFD, 0, 0) // VT_I2 65001
	sec = append(sec, 0x40, 0, 0, 0, 0x00, 0x80, 0x3E, 0xD5, 0xDE, 0xB1, 0x9D, 0x01)
	sec = append(sec, 0x1E, 0, 0, 0, 7, 0, 0, 0, 'h', 0xC3, 0xA9, 'l', 'l', 'o', 0, 0)
	le.PutUint32(sec, uint32(len(sec)))
	b = append(b, sec...)
	s, err := Parse(b)
	if err != nil {
		t.Fatal(err)
	}
	props := s.Sections[0].Properties
	if len(props) != 3 || props[0].ID != 2 || props[0].Value != "héllo" {
		t.Fatalf("properties %#v", props)
	}
	if s.Sections[0].Codepage() != 65001 || props[1].Value != int16(-535) {
		t.Errorf("code page %d, value %#v", s.Sections[0].Codepage(), props[1].Value)
	}
	// 0x019DB1DED53E8000 is 1970-01-01, the Unix epoch.
	if got := props[2].Value.(Filetime).Time(); !got.Equal(time.Unix(0, 0)) {
		t.Errorf("FILETIME %v", got)
	}
	if s.SystemIdentifier != 0x00020105 || s.Sections[0].FMTID.String() != "{F29F85E0-4FF9-1068-AB91-08002B27B3D9}" {
		t.Errorf("header %x %v", s.SystemIdentifier, s.Sections[0].FMTID)
	}
}

func TestParseUnknownTypeKept(t *testing.T) {
	set := &Set{Sections: []Section{{FMTID: FMTIDSummaryInformation, Properties: []Property{
		{ID: 2, Type: VTLPSTR, Value: "before"},
		{ID: 17, Type: VTCF, Value: Unknown{0xFF, 0xFF, 0xFF, 0xFF, 3, 0, 0, 0}},
		{ID: 3, Type: VTLPSTR, Value: "after"},
	}}}}
	b, err := set.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	s, err := Parse(b)
	if err != nil {
		t.Fatal(err)
	}
	props := s.Sections[0].Properties
	if props[1].Type != VTCF || !bytes.Equal(props[1].Value.(Unknown), []byte{0xFF, 0xFF, 0xFF, 0xFF, 3, 0, 0, 0}) || props[2].Value != "after" {
		t.Errorf("properties %#v", props)
	}
	if got := VTCF.String() + " " + (VTVector | VTLPSTR).String() + " " + Type(0x99).String(); got != "VT_CF VT_VECTOR|VT_LPSTR VT_0x0099" {
		t.Errorf("type names %q", got)
	}
}

func TestParseHostile(t *testing.T) {
	good, err := sampleSet().Bytes()
	if err != nil {
		t.Fatal(err)
	}
	patch := func(off int, v uint32) []byte {
		b := bytes.Clone(good)
		le.PutUint32(b[off:], v)
		return b
	}
	secOff := int(le.Uint32(good[44:]))
	cases := map[string]struct {
		b    []byte
		want string
	}{
		"empty":              {nil, "shorter than the 28-byte header"},
		"byte order":         {append([]byte{0xFF, 0xFE}, good[2:]...), "byte order mark"},
		"version":            {append([]byte{0xFE, 0xFF, 7, 0}, good[4:]...), "version 7"},
		"no sections":        {patch(24, 0), "no property sets"},
		"many sections":      {patch(24, 0xFFFFFFFF), "do not fit"},
		"section offset":     {patch(44, 0xFFFFFFF0), "section header runs past"},
		"section size":       {patch(secOff, 0xFFFFFFFF), "runs past the end"},
		"section too small":  {patch(secOff, 4), "smaller than its 8-byte header"},
		"property count":     {patch(secOff+4, 0x20000000), "do not fit"},
		"property offset":    {patch(secOff+12, 0xFFFFFFFC), "outside the"},
		"truncated":          {good[:len(good)-40], "runs past the end"},
		"string length":      {patchValue(t, good, 2, 4, 0x7FFFFFFF), "runs past the end"},
		"vector length":      {patchValue(t, good, 15, 4, 0x7FFFFFFF), "do not fit"},
		"wide string length": {patchValue(t, good, 3, 4, 0x40000000), "runs past the end"},
	}
	for name, c := range cases {
		_, err := Parse(c.b)
		if !errors.Is(err, ErrFormat) {
			t.Errorf("%s: %v, want ErrFormat", name, err)
			continue
		}
		if !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %q does not say %q", name, err, c.want)
		}
	}
}

// patchValue overwrites a 32-bit word at rel bytes into property id's
// value in the first section.
func patchValue(t *testing.T, b []byte, id uint32, rel int, v uint32) []byte {
	t.Helper()
	b = bytes.Clone(b)
	sec := int(le.Uint32(b[44:]))
	n := int(le.Uint32(b[sec+4:]))
	for i := 0; i < n; i++ {
		if le.Uint32(b[sec+8+8*i:]) == id {
			le.PutUint32(b[sec+int(le.Uint32(b[sec+12+8*i:]))+rel:], v)
			return b
		}
	}
	t.Fatalf("property %d not found", id)
	return nil
}

func TestCodepages(t *testing.T) {
	for _, c := range []struct {
		cp   int
		text string
		raw  string
	}{
		{1252, "café €", "caf\xe9 \x80"},
		{1251, "Привет", "\xcf\xf0\xe8\xe2\xe5\xf2"},
		{932, "日本", "\x93\xfa\x96\x7b"},
		{936, "中文", "\xd6\xd0\xce\xc4"},
		{949, "한국", "\xc7\xd1\xb1\xb9"},
		{950, "中文", "\xa4\xa4\xa4\xe5"},
		{65001, "ü", "\xc3\xbc"},
		{0, "é", "\xe9"}, // CP_ACP read as 1252
	} {
		got, err := DecodeString(c.cp, []byte(c.raw))
		if err != nil || got != c.text {
			t.Errorf("decode %d: %q %v, want %q", c.cp, got, err, c.text)
		}
		enc, err := EncodeString(c.cp, c.text)
		if err != nil || string(enc) != c.raw {
			t.Errorf("encode %d: %x %v, want %x", c.cp, enc, err, c.raw)
		}
	}
	if s, err := DecodeString(12345, []byte("ab\xff")); !errors.Is(err, ErrCodepage) || s != "ab\uFFFD" {
		t.Errorf("unsupported code page: %q %v", s, err)
	}
	if _, err := EncodeString(1252, "日本"); !errors.Is(err, ErrEncode) {
		t.Errorf("unrepresentable: %v", err)
	}
	if !SupportedCodepage(1200) || SupportedCodepage(12345) {
		t.Error("SupportedCodepage")
	}
}

func TestGUID(t *testing.T) {
	g, err := ParseGUID("{f29f85e0-4ff9-1068-ab91-08002b27b3d9}")
	if err != nil || g != FMTIDSummaryInformation {
		t.Fatalf("%v %v", g, err)
	}
	if g[0] != 0xE0 || g[3] != 0xF2 || g[8] != 0xAB {
		t.Errorf("byte order %x", g[:])
	}
	for _, bad := range []string{"", "{F29F85E0-4FF9-1068-AB91-08002B27B3D}", "{G29F85E0-4FF9-1068-AB91-08002B27B3D9}"} {
		if _, err := ParseGUID(bad); err == nil {
			t.Errorf("%q parsed", bad)
		}
	}
}

func TestFiletimeLimits(t *testing.T) {
	for _, ft := range []Filetime{0, 1, 116444736000000000, ^Filetime(0)} {
		if got, err := FiletimeOf(ft.Time()); err != nil || got != ft {
			t.Errorf("%d: %d %v", ft, got, err)
		}
	}
	if _, err := FiletimeOf(time.Date(1600, 12, 31, 23, 59, 59, 0, time.UTC)); !errors.Is(err, ErrFiletimeRange) {
		t.Errorf("before 1601: %v", err)
	}
	if got := Filetime(0).Time(); !got.Equal(time.Date(1601, 1, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("FILETIME 0 is %v", got)
	}
}
