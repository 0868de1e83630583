package safepath

import (
	"errors"
	"sync"
)

// ErrAborted is returned by writes that were stopped by Abort.
var ErrAborted = errors.New("interrupted")

// live is the process's state of writing: the temporary names that exist
// now, and whether Abort was called. A temporary name is created and
// registered, and renamed (or removed) and unregistered, under the lock,
// and no file is committed after Abort, so that once Abort returns no
// temporary name is left and none will be made.
var live = struct {
	sync.Mutex
	aborted bool
	temps   map[*tempName]struct{}
	hooks   map[*func()]struct{}
}{temps: map[*tempName]struct{}{}, hooks: map[*func()]struct{}{}}

// tempName is a temporary file that has a name, and how to remove it.
type tempName struct{ remove func() }

// Abort stops every write of the process: it removes the temporary files
// that exist, runs the functions given to OnAbort, and makes every later
// write (and every commit of a file written so far) fail with
// ErrAborted. A command calls it on SIGINT or SIGTERM, before exiting.
// Files already complete under their final names are left.
func Abort() {
	live.Lock()
	defer live.Unlock()
	if live.aborted {
		return
	}
	live.aborted = true
	for t := range live.temps {
		t.remove()
	}
	clear(live.temps)
	for fn := range live.hooks {
		(*fn)()
	}
	clear(live.hooks)
}

// OnAbort registers fn to run once if Abort is called (to remove a
// temporary directory, say), until the returned cancel is called.
func OnAbort(fn func()) (cancel func()) {
	live.Lock()
	defer live.Unlock()
	if live.aborted {
		fn()
		return func() {}
	}
	p := &fn
	live.hooks[p] = struct{}{}
	return func() {
		live.Lock()
		delete(live.hooks, p)
		live.Unlock()
	}
}

// register records a temporary name; the caller holds live's lock and
// has checked live.aborted.
func register(remove func()) *tempName {
	t := &tempName{remove: remove}
	live.temps[t] = struct{}{}
	return t
}

func unregister(t *tempName) {
	if t != nil {
		delete(live.temps, t)
	}
}

// resetAbort undoes Abort, for tests.
func resetAbort() {
	live.Lock()
	live.aborted = false
	live.Unlock()
}
