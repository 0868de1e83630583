package oleps

import (
	"bytes"
	"math/rand"
	"reflect"
	"testing"
)

// randomValue returns a random value of a random decodable type.
func randomValue(rng *rand.Rand) (Type, any) {
	str := func() string {
		r := []rune("aZ09 ;{}-éü€")
		out := make([]rune, rng.Intn(20))
		for i := range out {
			out[i] = r[rng.Intn(len(r))]
		}
		return string(out)
	}
	switch rng.Intn(12) {
	case 0:
		return VTI2, int16(rng.Intn(1 << 16))
	case 1:
		return VTI4, int32(rng.Uint32())
	case 2:
		return VTUI4, rng.Uint32()
	case 3:
		return VTLPSTR, str()
	case 4:
		return VTLPWSTR, str() + "☃"
	case 5:
		return VTFiletime, Filetime(rng.Uint64())
	case 6:
		return VTBool, rng.Intn(2) == 1
	case 7:
		b := make([]byte, rng.Intn(13))
		rng.Read(b)
		return VTBlob, b
	case 8:
		var g GUID
		rng.Read(g[:])
		return VTCLSID, g
	case 9:
		v := make([]any, rng.Intn(4))
		for i := range v {
			v[i] = str()
		}
		return VTVector | VTLPSTR, v
	case 10:
		return VTI8, int64(rng.Uint64())
	}
	b := make([]byte, 4*rng.Intn(4))
	rng.Read(b)
	return Type(0x100 + rng.Intn(0x100)), Unknown(b)
}

// TestRoundTripRandom writes random sets and requires Parse to return
// them unchanged and a second write to give the same bytes.
func TestRoundTripRandom(t *testing.T) {
	rng := rand.New(rand.NewSource(7))
	for i := 0; i < 500; i++ {
		set := &Set{Version: uint16(rng.Intn(2)), SystemIdentifier: rng.Uint32()}
		for n := 1 + rng.Intn(2); n > 0; n-- {
			sec := Section{FMTID: GUID{byte(n)}}
			sec.Properties = append(sec.Properties, Property{ID: PIDCodepage, Type: VTI2, Value: int16([]int{1252, 65001, 1200}[rng.Intn(3)])})
			for k := rng.Intn(8); k > 0; k-- {
				tp, v := randomValue(rng)
				sec.Properties = append(sec.Properties, Property{ID: uint32(2 + rng.Intn(50)), Type: tp, Value: v})
			}
			set.Sections = append(set.Sections, sec)
		}
		b, err := set.Bytes()
		if err != nil {
			t.Fatalf("case %d: %v", i, err)
		}
		back, err := Parse(b)
		if err != nil {
			t.Fatalf("case %d: %v", i, err)
		}
		clearRaw(back)
		if !reflect.DeepEqual(back, set) {
			t.Fatalf("case %d:\n got %#v\nwant %#v", i, back, set)
		}
		again, _ := back.Bytes()
		if !bytes.Equal(again, b) {
			t.Fatalf("case %d: rewrite differs", i)
		}
	}
}
