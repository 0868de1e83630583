package cfb

import (
	"encoding/hex"
	"errors"
	"testing"
)

func TestCLSID(t *testing.T) {
	id, err := ParseCLSID("{000c1084-0000-0000-c000-000000000046}")
	must(t, err)
	// On disk: the first three fields little-endian, the rest as written.
	if got := hex.EncodeToString(id[:]); got != "84100c0000000000c000000000000046" {
		t.Errorf("bytes %s", got)
	}
	if id != CLSIDDatabase || id.String() != "{000C1084-0000-0000-C000-000000000046}" {
		t.Errorf("String %s", id)
	}
	if id2, err := ParseCLSID("01234567-89AB-CDEF-0123-456789ABCDEF"); err != nil || id2.String() != "{01234567-89AB-CDEF-0123-456789ABCDEF}" {
		t.Errorf("no braces: %v %v", id2, err)
	}
	for _, bad := range []string{"", "{}", "{000C1084-0000-0000-C000-00000000004}", "{000C1084+0000-0000-C000-000000000046}", "{000C1084-0000-0000-C000-00000000004G}"} {
		if _, err := ParseCLSID(bad); !errors.Is(err, ErrCLSID) {
			t.Errorf("%q: %v", bad, err)
		}
	}
}
