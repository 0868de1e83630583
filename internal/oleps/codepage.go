package oleps

import (
	"errors"

	"github.com/msikit/msikit/internal/codepage"
)

// Code pages with special meaning in property sets.
const (
	CodepageUTF16 = codepage.UTF16 // 8-bit strings are stored as UTF-16LE
	CodepageUTF8  = codepage.UTF8
)

// ErrCodepage is wrapped when a code page has no converter here.
var ErrCodepage = codepage.ErrUnknown

// SupportedCodepage reports whether DecodeString and EncodeString convert
// the code page exactly.
func SupportedCodepage(cp int) bool { return codepage.Supported(cp) }

// DecodeString converts b, stored in code page cp, to UTF-8 (see
// codepage.Decode).
func DecodeString(cp int, b []byte) (string, error) { return codepage.Decode(cp, b) }

// EncodeString converts s to code page cp. A character the code page
// cannot hold is an error wrapping ErrEncode.
func EncodeString(cp int, s string) ([]byte, error) {
	b, err := codepage.Encode(cp, s)
	if errors.Is(err, codepage.ErrUnrepresentable) {
		return nil, encodeErr("%v", err)
	}
	return b, err
}
