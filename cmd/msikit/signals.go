package main

import (
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/msikit/msikit/internal/safepath"
)

// catchSignals makes SIGINT and SIGTERM stop the command cleanly: every
// write stops (safepath.Abort), the temporary files that exist are
// removed, and the process exits 130 or 143 (128 + the signal's number),
// as a shell reports a command killed by the signal. Files already
// complete stay. stop ends the catching.
func catchSignals(stderr io.Writer) (stop func()) {
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, os.Interrupt, syscall.SIGTERM)
	done := make(chan struct{})
	go func() {
		select {
		case sig := <-ch:
			safepath.Abort()
			code := 128 + 2
			if s, ok := sig.(syscall.Signal); ok {
				code = 128 + int(s)
			}
			fmt.Fprintf(stderr, "msikit: %v: stopped; temporary files removed\n", sig)
			os.Exit(code)
		case <-done:
		}
	}()
	return func() {
		signal.Stop(ch)
		close(done)
	}
}
