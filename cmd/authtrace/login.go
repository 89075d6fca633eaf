package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"os/exec"
	"os/signal"
	"strconv"

	"github.com/google/shlex"
	"github.com/pkg/browser"
	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/authtrace/authtrace/flow"
	"github.com/authtrace/authtrace/report"
	"github.com/authtrace/authtrace/ui"
)

func newLoginCmd() *cobra.Command {
	var s settings
	cmd := &cobra.Command{
		Use:   "login",
		Short: "Run the whole login: trace, browser, callback, exchange, refresh, token checks",
		Long: `Run an OAuth 2.0 authorization-code login the way a connector platform does.

authtrace starts a listener on the loopback redirect URI, follows the
authorize URL's redirects with its own client (preflight), opens the URL in a
browser, and compares state and redirect_uri at every hop with what it sent.
It then exchanges the code (client secret in the body, then as Basic, as
Power Platform does), refreshes once, and decodes the tokens, reporting each
problem as a finding with a fix.

With --capture authtrace opens the login in a Chromium-family browser of its
own (fresh profile, removed afterwards) and records every request it makes,
the login post, consent and the redirects after the login page too, as hops
compared like the others; --har-out saves them as a HAR file. --headless runs
it without a window, where nobody can sign in: only what the pages do by
themselves is recorded.

Register the redirect URI, by default http://127.0.0.1:53682/callback
(another with --redirect-uri or --port), with the provider's app first,
next to the connector's own: the same registration then serves every run.`,
		Example: `  # Auth0, discovery from the issuer, secret from the environment
  export AUTHTRACE_CLIENT_SECRET=...
  authtrace login --issuer https://TENANT.auth0.com/ --client-id ID \
    --scope "openid offline_access" --param audience=https://api.example.com \
    --expect-aud https://api.example.com

  # explicit endpoints, JSON for scripts, report file
  authtrace login --authorize-url https://idp.example.com/authorize \
    --token-url https://idp.example.com/token --client-id ID \
    --redirect-uri http://127.0.0.1:53682/callback --json --report run.json

  # a custom connector's login, as Power Platform sends it (loopback swapped in)
  authtrace login --connector ./MyConnector --conn-param customHost=acme.auth0.com`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runLogin(cmd, &s)
		},
	}
	s.addFlags(cmd.Flags(), true)
	s.calls.addFlags(cmd.Flags(), true, true)
	return cmd
}

// opener is what opens the authorize URL, as the flags say: nothing
// (--no-browser: the person opens it), the --open-with command, or else
// fallback (the system's browser on login, the built-in one on demo). The
// browser's own chatter goes to chatter.
func (s *settings) opener(chatter io.Writer, fallback func(string) error) (func(string) error, error) {
	switch {
	case s.noBrowser:
		return nil, nil
	case s.openWith != "":
		argv, err := shlex.Split(s.openWith)
		if err != nil || len(argv) == 0 {
			return nil, usageErr("--open-with %q: cannot split it into a command and arguments", s.openWith)
		}
		return func(u string) error { return openWith(argv, u, chatter) }, nil
	}
	// Set once, before any goroutine can open a browser.
	browser.Stdout, browser.Stderr = chatter, chatter
	return fallback, nil
}

// openWith runs the --open-with command with the URL as its last argument.
// It does not wait: the browser may outlive the login; its exit is reaped
// and, when it failed, said on stderr.
func openWith(argv []string, u string, stderr io.Writer) error {
	c := exec.Command(argv[0], append(argv[1:], u)...)
	c.Stdout, c.Stderr = stderr, stderr
	if err := c.Start(); err != nil {
		return fmt.Errorf("--open-with: %w", err)
	}
	go func() {
		if err := c.Wait(); err != nil {
			fmt.Fprintf(stderr, "· the --open-with command %s ended: %v\n", argv[0], err)
		}
	}()
	return nil
}

// runLogin runs the login: in the terminal UI when stdout is a terminal
// and neither --json nor --events was asked for (with the setup form first when the
// connection settings are missing), as text or JSON otherwise.
func runLogin(cmd *cobra.Command, s *settings) error {
	if err := s.applyProfile(cmd); err != nil {
		return err
	}
	cfg, err := s.configFor(cmd)
	if err != nil {
		return err
	}
	sess, err := s.capt.session(s)
	if err != nil {
		return err
	}
	tui := !s.machine() && isTerminal(cmd.OutOrStdout())
	setup := tui && (cfg.AuthorizeURL == "" && cfg.Issuer == "" || cfg.ClientID == "")
	if !setup {
		// Refuse bad settings before asking for a secret or taking over
		// the screen.
		if err := flow.Validate(cfg, true); err != nil {
			return engineErrIn(err, flagNamer(cmd))
		}
		if u, err := url.Parse(cfg.RedirectURI); err == nil && cfg.RedirectURI != "" && u.Port() == "" && cfg.Port != 0 {
			// What is sent is not what was typed: say so, since the
			// provider must have the one sent registered.
			u.Host = net.JoinHostPort(u.Hostname(), strconv.Itoa(cfg.Port))
			fmt.Fprintf(cmd.ErrOrStderr(), "· sending redirect_uri %s (its port from --port, %d by default)\n", u, flow.DefaultPort)
		}
		if err := promptSecret(cmd, &cfg); err != nil {
			return err
		}
	}
	// The browser's own chatter must not land on the TUI or in --json.
	var chatter io.Writer = cmd.ErrOrStderr()
	if tui {
		chatter = io.Discard
	}
	opener, err := s.opener(chatter, browser.OpenURL)
	if err != nil {
		return err
	}
	cfg.OpenBrowser = opener
	use(cmd, sess, &cfg)
	err = runEngine(cmd, s, cfg, flow.Run, engineMode{tui: tui, setup: setup, refresh: true, byHand: s.noBrowser})
	return s.capt.harOutAfter(cmd, sess, s.reveal, err)
}

// engineFunc is flow.Run or flow.Trace.
type engineFunc func(context.Context, flow.Config, func(flow.Event)) (report.Report, error)

// engineMode says how a run is shown.
type engineMode struct {
	tui     bool   // full-screen terminal UI
	setup   bool   // the UI's setup form first
	refresh bool   // the UI may refresh again
	byHand  bool   // no browser is opened: the person opens the URL (--no-browser)
	view    bool   // on a terminal, a rendering for people instead of Markdown (trace)
	name    string // the run's name on the screen: "" for login, "demo"
}

// runEngine runs login, trace or demo with the output the flags ask for,
// writes the report file, and turns the outcome into an exit status.
func runEngine(cmd *cobra.Command, s *settings, cfg flow.Config, start engineFunc, mode engineMode) error {
	ctx, stop := signal.NotifyContext(cmd.Context(), stopSignals...)
	defer stop()
	var rep report.Report
	var runErr error
	viewing := !mode.tui && mode.view && !s.machine() && isTerminal(cmd.OutOrStdout())
	if mode.tui {
		startUI := ui.StartFunc(start)
		if mode.byHand && !mode.setup {
			// The URL in the scrollback before the screen starts, where
			// it can be copied whole.
			authorizeURL, r := startAhead(ctx, start, cfg)
			defer r.stop()
			if authorizeURL != "" {
				io.WriteString(cmd.ErrOrStderr(), openByHand(authorizeURL))
			}
			startUI = r.start
		}
		if mode.byHand {
			// And again after it ends (after the setup form too).
			defer func() {
				if u := sentURL(rep); u != "" {
					io.WriteString(cmd.ErrOrStderr(), openedByHand(u))
				}
			}()
		}
		opts := ui.Options{
			Start:       startUI,
			Config:      cfg,
			Setup:       mode.setup,
			OpenBrowser: cfg.OpenBrowser,
			Input:       cmd.InOrStdin(),
			Output:      cmd.OutOrStdout(),
			Phrase:      func(err error) string { return engineErrIn(err, flagNamer(cmd)).Error() },
			Command:     mode.name,
		}
		if mode.refresh {
			opts.Refresh = flow.RefreshAgain
		}
		if mode.setup {
			opts.OpenHAR = readHARFile
		}
		rep, runErr = ui.Run(ctx, opts)
	} else {
		out := newSink(cfg, cmd.ErrOrStderr(), s.reveal)
		out.byHand = mode.byHand
		out.capture = cfg.Capture != nil
		// The view says it all at the end: meanwhile one line of
		// progress, rewritten in place, rather than every hop twice.
		out.transient = viewing && isTerminal(cmd.ErrOrStderr())
		out.width = termWidth(cmd.ErrOrStderr())
		if s.events {
			out.events = cmd.OutOrStdout()
		}
		rep, runErr = start(ctx, cfg, out.emit)
		out.end()
	}
	// Every output from here on is of the redacted report, and the error
	// is worded with its secrets hidden too.
	secrets := report.SecretsOf(rep)
	secrets.AddBasic(cfg.ClientID, cfg.ClientSecret)
	if runErr != nil && rep.Error != "" && !errors.Is(runErr, ui.ErrStopped) {
		// The report's why, in this command's flags like the error line.
		rep.Error = engineErrIn(runErr, flagNamer(cmd)).Error()
	}
	if !s.reveal {
		rep = rep.Redact()
	}
	// Nothing sent (bad settings, no listener): the error on stderr is the
	// whole story for people; --json and --events still end with the
	// report, which says why in its error.
	if !mode.tui && (len(rep.Hops) > 0 || s.machine()) {
		if viewing {
			w, _ := colorWriter(cmd.OutOrStdout())
			renderTrace(w, rep, termWidth(cmd.OutOrStdout()))
		} else if err := writeReport(cmd.OutOrStdout(), s, rep); err != nil {
			return &exitError{code: exitIncomplete, err: fmt.Errorf("writing the report: %w", err)}
		}
	}
	if s.reportFile != "" && len(rep.Hops) > 0 {
		if err := writeReportFile(s.reportFile, rep); err != nil {
			return &exitError{code: exitIncomplete, err: err}
		}
		fmt.Fprintf(cmd.ErrOrStderr(), "· report written to %s\n", s.reportFile)
	}
	switch {
	case errors.Is(runErr, ui.ErrNothingRan):
		// The setup form was closed before anything was sent: not a
		// failed login.
		return nil
	case errors.Is(runErr, ui.ErrStopped):
		// The UI's summary already said so on the normal screen.
		return &exitError{code: exitIncomplete}
	case runErr != nil && mode.tui && !errors.As(runErr, new(*ui.ScreenError)):
		// The summary printed the error, in the CLI's words (Phrase):
		// printed again here it would show twice.
		return &exitError{code: engineErrIn(runErr, flagNamer(cmd)).code}
	}
	if runErr != nil {
		ee := engineErrIn(runErr, flagNamer(cmd))
		if !s.reveal && ee.err != nil {
			ee.err = hidden{ee.err, secrets}
		}
		return ee
	}
	if rep.HasErrors() {
		return &exitError{code: exitFindings}
	}
	return nil
}

// isTerminal reports whether w is a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// hidden is an error whose message has a run's secrets hidden: a token
// endpoint may quote them in what becomes the error.
type hidden struct {
	err     error
	secrets *report.Secrets
}

func (h hidden) Error() string { return h.secrets.Text(h.err.Error()) }
func (h hidden) Unwrap() error { return h.err }
