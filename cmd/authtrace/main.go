// Command authtrace debugs OAuth 2.0 authorization-code logins: it runs the
// login the way a connector platform would, traces every redirect hop, and
// says what is wrong with the tokens that come back.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/authtrace/authtrace/report"
)

// Exit statuses (DESIGN.md): 0 no error findings, 1 error findings, 2 bad
// usage or input, 3 the flow could not complete.
const (
	exitOK         = 0
	exitFindings   = 1
	exitUsage      = 2
	exitIncomplete = 3
)

// exitError carries an exit status up to main. A nil err means the status
// alone (for example 1 for error findings, already reported).
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit status %d", e.code)
	}
	return e.err.Error()
}

func (e *exitError) Unwrap() error { return e.err }

// usageErr marks err as bad usage or input (exit 2).
func usageErr(format string, args ...any) error {
	return &exitError{code: exitUsage, err: fmt.Errorf(format, args...)}
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// run is main without the process: tests call it with their own streams.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	root := newRootCmd(stdin, stdout, stderr)
	root.SetArgs(args)
	err := root.Execute()
	if err == nil {
		return exitOK
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.err != nil {
			fmt.Fprintf(stderr, "authtrace: %s\n", report.Printable(ee.err.Error()))
		}
		return ee.code
	}
	// Cobra's own errors (unknown flag, bad argument count) are usage errors.
	help := "authtrace --help"
	if sub, _, ferr := root.Find(args); ferr == nil && sub != root {
		help = sub.CommandPath() + " --help"
	}
	fmt.Fprintf(stderr, "authtrace: %s\n", report.Printable(err.Error()))
	var se *suggestError
	if errors.As(err, &se) {
		io.WriteString(stderr, se.didYouMean())
	}
	fmt.Fprintf(stderr, "Run '%s' for usage.\n", help)
	return exitUsage
}

func newRootCmd(stdin io.Reader, stdout, stderr io.Writer) *cobra.Command {
	root := &cobra.Command{
		Use:   "authtrace",
		Short: "Debug OAuth 2.0 authorization-code logins hop by hop",
		Long: `authtrace runs an OAuth 2.0 authorization-code login the way a connector
platform (Power Automate, Power Apps, any "Generic OAuth 2" client) would:
it opens the authorize URL in a browser, traces every redirect hop and
compares each hop's state and redirect_uri with what was sent, exchanges the
code, refreshes, and decodes the tokens to flag wrong audiences, missing
refresh tokens and the other classic mistakes, each with a concrete fix.`,
		Example: `  authtrace demo                  # a whole login against a built-in provider
  authtrace                       # on a terminal: a setup form, then the login
  authtrace login --issuer https://TENANT.auth0.com/ --client-id ID
  authtrace trace --authorize-url https://idp.example.com/authorize --client-id ID
  authtrace decode eyJhbGciOi...   # what is in this token, whose audience is it for`,
		Args:    noArgsOrSuggest,
		Version: buildVersion(),
		// cobra's own default, which SuggestionsFor does not apply itself.
		SuggestionsMinimumDistance: 2,
		SilenceUsage:               true,
		SilenceErrors:              true,
	}
	root.SetVersionTemplate(versionLine() + "\n")
	root.SetFlagErrorFunc(suggestFlags)
	// Bare authtrace is login: on a terminal with nothing set, the setup
	// form; with flags, the login they describe; in a pipe with nothing
	// set, this help.
	var s settings
	s.addFlags(root.Flags(), true)
	root.RunE = func(cmd *cobra.Command, _ []string) error {
		if cmd.Flags().NFlag() == 0 && !isTerminal(cmd.OutOrStdout()) {
			return cmd.Help()
		}
		return runLogin(cmd, &s)
	}
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.AddCommand(
		newLoginCmd(),
		newDecodeCmd(),
		newDemoCmd(),
		newTraceCmd(),
		newHarCmd(),
		newVersionCmd(),
		newCodesCmd(),
		newConnectorCmd(),
		newProfileCmd(),
	)
	root.AddCommand(newManCmd(root))
	registerCompletions(root)
	return root
}
