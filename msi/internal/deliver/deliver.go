// Package deliver hands the members of a cabinet to whoever asked for
// them: the one way the msi packages read files out of cabinets (a
// package's files, a patch's, an administrative image's), whatever they
// call the files.
package deliver

import (
	"bytes"
	"errors"
	"io"

	"github.com/msikit/msikit/cab"
)

// Job asks for one cabinet member on behalf of an item (a package's or a
// patch's file).
type Job[T any] struct {
	Item   T
	Member *cab.File
}

// Failure is the error of one item.
type Failure[T any] struct {
	Item T
	Err  error
}

// Cabinet delivers the members jobs ask for, all of r, to fn: each
// folder is decoded once, from its start, on up to workers cores (fn is
// then called concurrently, for members of one folder or of several). A member several items ask for is read once and delivered to
// each from memory. The reader fn gets is valid during the call; what it
// leaves unread is skipped.
//
// It goes on past errors and returns one failure per item that failed,
// in folder order: fn's error, or the cabinet's (a damaged folder fails
// each of its remaining members).
func Cabinet[T any](r *cab.Reader, jobs []Job[T], workers int, fn func(item T, m *cab.File, content io.Reader) error) []Failure[T] {
	// The item asking for each member, and the other items asking for
	// the same one (rare): one map entry a member, no slice each.
	first := make(map[*cab.File]T, len(jobs))
	var more map[*cab.File][]T
	users := func(m *cab.File) []T { return append([]T{first[m]}, more[m]...) }
	sel := make([]*cab.File, 0, len(jobs))
	for _, j := range jobs {
		if _, dup := first[j.Member]; !dup {
			first[j.Member] = j.Item
			sel = append(sel, j.Member)
			continue
		}
		if more == nil {
			more = map[*cab.File][]T{}
		}
		more[j.Member] = append(more[j.Member], j.Item)
	}
	if len(sel) == 0 {
		return nil
	}
	// Concurrent: files of one folder may be handed over at once too, so
	// that writing them runs on several cores while the folder decodes.
	err := r.ExtractWith(sel, cab.ExtractOptions{Workers: workers, Concurrent: true}, func(cf *cab.File, content io.Reader) error {
		if len(more[cf]) == 0 {
			return fn(first[cf], cf, content)
		}
		// Two items naming one member (rare): read it once, deliver
		// it to each.
		b, err := io.ReadAll(content)
		if err != nil {
			return err
		}
		for _, u := range users(cf) {
			if err := fn(u, cf, bytes.NewReader(b)); err != nil {
				return err
			}
		}
		return nil
	})
	if err == nil {
		return nil
	}
	// ExtractWith returns one *cab.FileError per member that failed.
	var fails cab.Errors[*cab.FileError]
	errors.As(err, &fails)
	var out []Failure[T]
	for _, fe := range fails {
		for _, u := range users(fe.File) {
			out = append(out, Failure[T]{Item: u, Err: fe.Err})
		}
	}
	return out
}
