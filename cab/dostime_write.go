package cab

import "time"

// DOS dates cover 1980 to 2107; times outside are clamped to the ends.
var (
	minDOSTime = time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)
	maxDOSTime = time.Date(2107, 12, 31, 23, 59, 58, 0, time.UTC)
)

// toDOSTime converts t to the MS-DOS date and time fields, taking t's
// wall clock in its own location: the caller decides the zone (cabinets
// carry none, and readers take the fields as local time). Seconds are
// rounded down to even, the format's resolution.
func toDOSTime(t time.Time) (date, tm uint16) {
	// Compare wall clocks, not instants, so the location does not move
	// the clamp.
	w := time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), 0, time.UTC)
	if w.Before(minDOSTime) {
		w = minDOSTime
	}
	if w.After(maxDOSTime) {
		w = maxDOSTime
	}
	date = uint16((w.Year()-1980)<<9 | int(w.Month())<<5 | w.Day())
	tm = uint16(w.Hour()<<11 | w.Minute()<<5 | w.Second()/2)
	return date, tm
}
