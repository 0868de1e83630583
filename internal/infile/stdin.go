package infile

import (
	"errors"
	"fmt"
	"io"
	"os"
	"sync"

	"golang.org/x/term"
)

// The standard input "-" reads, and its bytes once read.
var stdin struct {
	mu sync.Mutex
	state
}

type state struct {
	r     io.Reader // nil: "-" is an ordinary name
	spool *os.File  // the bytes, at offset 0 of a file (nil until read)
	owned bool      // spool is ours to close (not r itself)
	err   error     // why they could not be read
}

// SetStdin makes "-" read r (the command line passes os.Stdin); restore
// puts back what was there before and releases the spooled copy. A
// library leaves it unset, so that "-" is a file name like any other.
func SetStdin(r io.Reader) (restore func()) {
	stdin.mu.Lock()
	defer stdin.mu.Unlock()
	prev := stdin.state
	stdin.state = state{r: r}
	return func() {
		stdin.mu.Lock()
		defer stdin.mu.Unlock()
		if stdin.owned && stdin.spool != nil {
			stdin.spool.Close()
		}
		stdin.state = prev
	}
}

func stdinEnabled() bool {
	stdin.mu.Lock()
	defer stdin.mu.Unlock()
	return stdin.r != nil
}

// openStdin returns a file of standard input's bytes, at offset 0, that
// the caller closes. The first call reads them all into an unlinked
// temporary file (or uses standard input itself, when it is a regular
// file not yet read from); later calls get another handle on the same
// bytes, so that "-" may be opened again (a cabinet set, a sniff and then
// a parse).
func openStdin() (*os.File, error) {
	stdin.mu.Lock()
	defer stdin.mu.Unlock()
	if stdin.spool == nil && stdin.err == nil {
		stdin.spool, stdin.owned, stdin.err = spool(stdin.r)
	}
	if stdin.err != nil {
		return nil, stdin.err
	}
	var f *os.File
	var err error
	if canDup {
		f, err = dupFile(stdin.spool)
	} else {
		// No second handle on this system: the spool itself, once.
		f, stdin.spool, stdin.owned = stdin.spool, nil, false
		stdin.err = errors.New("standard input: can be read only once on this system")
	}
	if err != nil {
		return nil, fmt.Errorf("standard input: %w", err)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		f.Close()
		return nil, fmt.Errorf("standard input: %w", err)
	}
	return f, nil
}

// spool returns a file of r's bytes, and whether it is a file of our own
// to close (not r itself).
func spool(r io.Reader) (*os.File, bool, error) {
	if f, ok := r.(*os.File); ok {
		fi, err := f.Stat()
		if err != nil {
			return nil, false, fmt.Errorf("standard input: %w", err)
		}
		if fi.Mode().IsRegular() && canDup {
			// `msikit info - < x.msi`: the file itself, if nothing has
			// read from it (else only the rest is standard input).
			if off, err := f.Seek(0, io.SeekCurrent); err == nil && off == 0 {
				return f, false, nil
			}
		}
		if fi.Mode()&os.ModeCharDevice != 0 && term.IsTerminal(int(f.Fd())) {
			return nil, false, fmt.Errorf("%w: pipe or redirect a package or cabinet into it", ErrTerminal)
		}
	}
	tmp, err := tempSpool()
	if err != nil {
		return nil, false, fmt.Errorf("standard input: a temporary file to hold it: %w", err)
	}
	if _, err := io.Copy(tmp, r); err != nil {
		tmp.Close()
		var pe *os.PathError
		if errors.As(err, &pe) && pe.Path == tmp.Name() {
			return nil, false, fmt.Errorf("standard input: copying it to a temporary file: %w", err)
		}
		return nil, false, fmt.Errorf("standard input: %w", err)
	}
	return tmp, true, nil
}
