package main

import "github.com/msikit/msikit/internal/progress"

// newBar starts the progress display of a long command (internal/progress):
// drawn on stderr when it is a terminal, with the listing lines printed
// through it (bar.Printf) kept above the bar. Every long command uses it,
// so they all look and behave alike.
func newBar(ctx *context, label string, total int64, files int, quiet bool) *progress.Bar {
	return progress.New(ctx.stdout, ctx.stderr, progress.Options{Label: label, Total: total, Files: files, Quiet: quiet})
}
