package cab

import "time"

// dosTime converts an MS-DOS date and time, as cabinets store them, to a
// time in the local zone: cabinets carry no zone, and cabextract and
// Windows both read these fields as local wall-clock time. Out-of-range
// fields (month 0, say) normalise as time.Date does.
func dosTime(date, tm uint16) time.Time {
	return time.Date(
		int(date>>9)+1980, time.Month(date>>5&0xF), int(date&0x1F),
		int(tm>>11), int(tm>>5&0x3F), int(tm&0x1F)*2, 0, time.Local)
}
