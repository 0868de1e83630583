package main

import "golang.org/x/term"

func termIsTerminal(fd int) bool { return term.IsTerminal(fd) }

// version is set at link time by the Makefile; "dev" otherwise.
var version = "dev"
