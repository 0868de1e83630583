package verify

import (
	"fmt"
	"sort"
	"time"

	"github.com/msikit/msikit/manifest"
)

// extractionWindow is how close together the modification times of a
// folder's files must be to be taken for the moment they were written by
// an extractor that does not keep a cabinet's dates (msiextract, a copy
// without -p), rather than dates the files were given.
const extractionWindow = time.Hour

// excuseExtractionDates turns the date mismatches of loose files whose
// modification times are evidently when they were extracted into one
// note. It applies when at least two loose files, and at least half of
// those whose entry has a date, have times after every date of the
// variant (the files cannot be the release's) that lie within
// extractionWindow of one another. The other files' dates are still
// checked, so a file given a wrong date in such a tree still fails.
func excuseExtractionDates(r *Report, v *manifest.Variant) {
	var latest time.Time
	for _, e := range v.Entries {
		if t := e.Modified.Add(e.Precision); t.After(latest) {
			latest = t
		}
	}
	if latest.IsZero() {
		return
	}
	latest = latest.Add(manifest.Day) // no zone mix-up makes a file a day late
	dated := 0
	var late []int // indices into r.Results
	for i, res := range r.Results {
		if res.File == nil || !res.File.loose || res.Entry.Modified.IsZero() {
			continue
		}
		dated++
		if res.File.Modified.After(latest) && hasField(res.Mismatches, FieldDate) {
			late = append(late, i)
		}
	}
	sort.Slice(late, func(a, b int) bool {
		return r.Results[late[a]].File.Modified.Before(r.Results[late[b]].File.Modified)
	})
	// The largest run of late times within the window.
	bestLo, bestN := 0, 0
	for lo, hi := 0, 0; hi < len(late); hi++ {
		for r.Results[late[hi]].File.Modified.Sub(r.Results[late[lo]].File.Modified) > extractionWindow {
			lo++
		}
		if hi-lo+1 > bestN {
			bestLo, bestN = lo, hi-lo+1
		}
	}
	if bestN < 2 || 2*bestN < dated {
		return
	}
	run := late[bestLo : bestLo+bestN]
	first, last := r.Results[run[0]].File.Modified, r.Results[run[len(run)-1]].File.Modified
	for _, i := range run {
		res := &r.Results[i]
		res.Mismatches = dropField(res.Mismatches, FieldDate)
		if len(res.Mismatches) == 0 {
			res.Status = StatusOK
		}
	}
	r.Notes = append(r.Notes, fmt.Sprintf("dates not checked for %d of the %d loose files: their modification times (%s to %s UTC) are after every date of %s and within %v of one another, the times they were extracted or copied without their dates (msiextract does this); extract with msikit extract or cabextract to keep them",
		bestN, dated, first.Format("2006-01-02 15:04:05"), last.Format("2006-01-02 15:04:05"), v.Name, extractionWindow))
}

func hasField(ms []Mismatch, field string) bool {
	for _, m := range ms {
		if m.Field == field {
			return true
		}
	}
	return false
}

func dropField(ms []Mismatch, field string) []Mismatch {
	out := ms[:0:0]
	for _, m := range ms {
		if m.Field != field {
			out = append(out, m)
		}
	}
	return out
}
