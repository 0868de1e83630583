package joined

import (
	"errors"
	"fmt"
	"testing"
)

func TestErrors(t *testing.T) {
	a, b, c := errors.New("a"), errors.New("b"), errors.New("c")
	if got := Errors(nil); got != nil {
		t.Errorf("nil: %v", got)
	}
	got := Errors(errors.Join(a, errors.Join(b, nil, c)))
	if len(got) != 3 || got[0] != a || got[1] != b || got[2] != c {
		t.Errorf("joined: %v", got)
	}
	w := fmt.Errorf("wrapped: %w", a)
	if got := Errors(w); len(got) != 1 || got[0] != w {
		t.Errorf("single: %v", got)
	}
}
