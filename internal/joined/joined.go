// Package joined takes apart errors made with errors.Join, for callers
// that report or handle each one.
package joined

// Errors returns the errors err joins, flattened (errors joined inside
// them too), or err alone; nil for nil.
func Errors(err error) []error {
	if err == nil {
		return nil
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var out []error
		for _, e := range j.Unwrap() {
			out = append(out, Errors(e)...)
		}
		return out
	}
	return []error{err}
}
