package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/authtrace/authtrace/flow"
	"github.com/authtrace/authtrace/report"
)

// openTerminal opens the controlling terminal for a prompt: /dev/tty, or
// the console on Windows (terminal_*.go). A variable so that tests can
// have no terminal.
var openTerminal = openControllingTerminal

// secretGiven reports whether the client secret was given, even as empty
// (a public client): by --client-secret or by $AUTHTRACE_CLIENT_SECRET.
func secretGiven(cmd *cobra.Command) bool {
	if f := cmd.Flags().Lookup("client-secret"); f != nil && f.Changed {
		return true
	}
	_, ok := os.LookupEnv(secretEnv)
	return ok
}

// promptSecret asks for the client secret when none was given. It asks on
// the terminal itself, not on stdin and stderr, so that a login whose
// output goes to a file or a pipe still asks the person at the keyboard.
// Without a terminal it fails at once, saying how to give the secret,
// rather than wait for an answer nobody can type.
func promptSecret(cmd *cobra.Command, cfg *flow.Config) error {
	if cfg.ClientSecret != "" || secretGiven(cmd) {
		return nil
	}
	in, out, err := openTerminal()
	if err != nil {
		return usageErr("no client secret was given and there is no terminal to ask for it on: set %s (or pass --client-secret, which other users of this machine can see in ps); for a public client without a secret, pass --client-secret \"\"", secretEnv)
	}
	defer in.Close()
	if out != in {
		defer out.Close()
	}
	secret, err := readSecret(in, out, fmt.Sprintf("Client secret of %s, for the token request (typing is hidden; Enter alone for a public client without one; %s skips this question): ", report.Printable(cfg.ClientID), secretEnv))
	switch {
	case errors.Is(err, errInterrupted):
		return &exitError{code: exitIncomplete, err: errors.New("stopped at the client secret question; nothing was sent")}
	case err != nil:
		return &exitError{code: exitUsage, err: fmt.Errorf("reading the client secret from the terminal: %w", err)}
	}
	cfg.ClientSecret = secret
	return nil
}

// errInterrupted is Ctrl-C at the prompt.
var errInterrupted = errors.New("interrupted")

// readSecret writes prompt to out and reads a line from the terminal in
// without echo. Ctrl-C gives the terminal its echo back before the
// program ends, which term.ReadPassword alone would not.
func readSecret(in, out *os.File, prompt string) (string, error) {
	fd := int(in.Fd())
	if !term.IsTerminal(fd) {
		return "", errors.New("not a terminal")
	}
	io.WriteString(out, prompt)
	defer io.WriteString(out, "\n")
	state, err := term.GetState(fd)
	if err != nil {
		return "", err
	}
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt)
	defer signal.Stop(sig)
	type answer struct {
		b   []byte
		err error
	}
	done := make(chan answer, 1)
	go func() {
		b, err := term.ReadPassword(fd)
		done <- answer{b, err}
	}()
	select {
	case a := <-done:
		if a.err != nil {
			return "", a.err
		}
		return strings.TrimSpace(string(a.b)), nil
	case <-sig:
		// The terminal gets its echo back; the read goes on until the
		// process ends, which is what an interrupted prompt leads to.
		term.Restore(fd, state)
		return "", errInterrupted
	}
}
