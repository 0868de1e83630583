// Package streamname packs and unpacks the names of a package's streams
// and storages as Windows Installer stores them.
package streamname

import (
	"strings"
	"unicode/utf16"
)

// Windows Installer packs stream names to fit more than the compound file's
// 31 characters: each pair of characters from a 64-letter alphabet becomes
// one code unit in 0x3800-0x47FF, a lone one a unit in 0x4800-0x483F, and
// 0x4840 marks a table stream (shown as "!").
const (
	packPairBase   = 0x3800
	packSingleBase = 0x4800
	packTableMark  = 0x4840
)

// TableMark is the prefix Decode gives table streams.
const TableMark = "!"

func packValue(c rune) (int, bool) {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0'), true
	case c >= 'A' && c <= 'Z':
		return int(c-'A') + 10, true
	case c >= 'a' && c <= 'z':
		return int(c-'a') + 36, true
	case c == '.':
		return 62, true
	case c == '_':
		return 63, true
	}
	return 0, false
}

const packAlphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz._"

// Decode turns a raw compound-file entry name into the name
// Windows Installer uses: packed characters unpacked, the table marker as
// "!". Other characters (such as the \x05 of property sets) are kept.
func Decode(raw string) string {
	var b strings.Builder
	for _, c := range raw {
		switch {
		case c >= packPairBase && c < packSingleBase:
			v := int(c - packPairBase)
			b.WriteByte(packAlphabet[v&0x3f])
			b.WriteByte(packAlphabet[v>>6&0x3f])
		case c >= packSingleBase && c < packTableMark:
			b.WriteByte(packAlphabet[c-packSingleBase])
		case c == packTableMark:
			b.WriteString(TableMark)
		default:
			b.WriteRune(c)
		}
	}
	return b.String()
}

// Encode is the inverse of Decode: a leading "!" becomes
// the table marker and runs of alphabet characters are packed. The result
// may still be too long for a compound file (over 31 UTF-16 units); callers
// that write files check that.
func Encode(name string) string {
	var out []rune
	rs := []rune(name)
	if strings.HasPrefix(name, TableMark) {
		out = append(out, packTableMark)
		rs = rs[1:]
	}
	for i := 0; i < len(rs); i++ {
		v1, ok := packValue(rs[i])
		if !ok {
			out = append(out, rs[i])
			continue
		}
		if i+1 < len(rs) {
			if v2, ok := packValue(rs[i+1]); ok {
				out = append(out, rune(packPairBase+v1+v2<<6))
				i++
				continue
			}
		}
		out = append(out, rune(packSingleBase+v1))
	}
	return string(out)
}

// Stored is the name a stream or storage Windows Installer calls name is
// stored under: property sets and the other names that start with a
// control character ("\x05SummaryInformation", "\x05DigitalSignature")
// go through OLE by their plain name; the rest are packed.
func Stored(name string) string {
	if name != "" && name[0] < 0x20 {
		return name
	}
	return Encode(name)
}

// Units is the length of an encoded name in UTF-16 code units,
// which the compound file limits to 31.
func Units(encoded string) int { return len(utf16.Encode([]rune(encoded))) }
