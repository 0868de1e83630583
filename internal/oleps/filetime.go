package oleps

import (
	"errors"
	"math"
	"time"
)

// Filetime is a Windows FILETIME: the number of 100-nanosecond intervals
// since 1601-01-01 00:00:00 UTC. Keeping the integer preserves the full
// precision and lets a value be written back unchanged.
type Filetime uint64

// epochDelta is the number of seconds from 1601-01-01 to 1970-01-01.
const epochDelta = 11644473600

// Time converts the FILETIME to a UTC time.Time, exactly (100 ns units fit
// in nanoseconds; every FILETIME is inside time.Time's range).
func (f Filetime) Time() time.Time {
	sec := int64(f/10_000_000) - epochDelta
	nsec := int64(f%10_000_000) * 100
	return time.Unix(sec, nsec).UTC()
}

// ErrFiletimeRange is returned by FiletimeOf for times a FILETIME cannot hold.
var ErrFiletimeRange = errors.New("oleps: time outside the FILETIME range")

// FiletimeOf converts t to a FILETIME, truncating to 100 ns.
func FiletimeOf(t time.Time) (Filetime, error) {
	sec := t.Unix() + epochDelta
	if sec < 0 || uint64(sec) > math.MaxUint64/10_000_000 {
		return 0, ErrFiletimeRange
	}
	base, frac := uint64(sec)*10_000_000, uint64(t.Nanosecond()/100)
	if base > math.MaxUint64-frac {
		return 0, ErrFiletimeRange
	}
	return Filetime(base + frac), nil
}
