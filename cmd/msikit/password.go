package main

import (
	"fmt"
	"os"

	"github.com/spf13/pflag"
	"golang.org/x/term"
)

// passwordEnv is the environment variable that gives the password of
// encrypted archives (the hotfix downloads' ZIP files) when --password
// does not.
const passwordEnv = "MSIKIT_PASSWORD"

// passwordHint ends the error of an archive that no password opened.
const passwordHint = " (give it with --password or " + passwordEnv + ")"

// addPasswordFlag declares --password.
func addPasswordFlag(fs *pflag.FlagSet) *string {
	return fs.String("password", "", "the password of encrypted archives (a hotfix download's ZIP); else $"+passwordEnv+", else asked for when standard input is a terminal")
}

// promptPassword reads a password from the terminal without echo; tests
// replace it.
var promptPassword = func(ctx *context, archive string) ([]byte, error) {
	fd := int(os.Stdin.Fd())
	if !term.IsTerminal(fd) {
		return nil, nil
	}
	fmt.Fprintf(ctx.stderr, "Password for %s: ", archive)
	b, err := term.ReadPassword(fd)
	fmt.Fprintln(ctx.stderr)
	return b, err
}

// passwordSource gives the walker the password of an archive, asked for
// only when an archive has encrypted entries: --password, else
// $MSIKIT_PASSWORD, else a prompt when standard input is a terminal,
// else none (the archive then fails to open, saying so).
func passwordSource(ctx *context, flag string) func(archive string) ([]byte, error) {
	return func(archive string) ([]byte, error) {
		if flag != "" {
			return []byte(flag), nil
		}
		if env := os.Getenv(passwordEnv); env != "" {
			return []byte(env), nil
		}
		return promptPassword(ctx, archive)
	}
}
