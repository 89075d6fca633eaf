package main

import (
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/pkg/browser"
	"github.com/spf13/cobra"

	"github.com/authtrace/authtrace/capture"
	"github.com/authtrace/authtrace/demo"
	"github.com/authtrace/authtrace/flow"
)

func newDemoCmd() *cobra.Command {
	var s settings
	var fault string
	var list, realBrowser bool
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Run a whole login against a built-in provider and tenant proxy",
		Long: `Run the whole login against a built-in authorization server with a
tenant-aware proxy in front of it, all on 127.0.0.1, with a built-in browser
that signs in by itself. Nothing needs to be installed or registered.

With --fault the proxy or the server misbehaves the way real ones do, to show
what authtrace reports for it (--list-faults names them).

With --capture the login runs in a real Chromium-family browser whose every
request is a hop; with --capture --headless the demo signs in and consents by
itself over the capture's DevTools connection (--fault consent-denied says
no).`,
		Example: `  authtrace demo
  authtrace demo --fault state-suffix
  authtrace demo --browser                    # click through the login yourself
  authtrace demo --capture --fault state-suffix  # a real browser, every hop it makes
  authtrace demo --as power-platform --fault pkce-required
  authtrace demo --fault no-refresh --json | jq '.findings[].code'
  authtrace demo --events | jq -c 'select(.event=="finding") | .finding'`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if list {
				width := 0
				for _, f := range demo.Faults {
					width = max(width, len(f.Name))
				}
				for _, f := range demo.Faults {
					shows := "no error or warning"
					if codes := append(slices.Clone(f.Errors), f.Warnings...); len(codes) > 0 {
						shows = strings.Join(codes, ", ")
					}
					fmt.Fprintf(cmd.OutOrStdout(), "%-*s  %s (shows %s)\n", width, f.Name, f.Description, shows)
				}
				return nil
			}
			if err := s.checkOutput(); err != nil {
				return err
			}
			if n := countTrue(realBrowser, s.noBrowser, s.openWith != ""); n > 1 {
				return usageErr("--browser, --no-browser and --open-with each say how the demo's login page opens; give one")
			}
			if s.as != "" && s.as != flow.AsPowerPlatform {
				return usageErr("--as %q: the clients authtrace can emulate are: %s", s.as, flow.AsPowerPlatform)
			}
			broken, err := demo.Lookup(fault)
			if err != nil {
				return usageErr("--fault: %v (--list-faults describes them)", err)
			}
			if s.as == flow.AsPowerPlatform && broken.NotAsPlatform != "" {
				return usageErr("--fault %s cannot happen --as power-platform: %s", fault, broken.NotAsPlatform)
			}
			if s.timeout <= 0 {
				return usageErr("--timeout %s: give a positive duration, such as 30s or 5m", s.timeout)
			}
			if !cmd.Flags().Changed("timeout") && (realBrowser || s.noBrowser || s.openWith != "" || s.capt.on && !s.capt.headless) {
				// A person signs in: the built-in browser's 30 seconds
				// are too few to open a URL and click through two pages.
				s.timeout = 5 * time.Minute
			}
			// The demo's provider library logs each refusal through slog;
			// the report already says it, in authtrace's words.
			slog.SetDefault(slog.New(slog.DiscardHandler))
			srv, err := demo.Start(fault)
			if err != nil {
				return &exitError{code: exitIncomplete, err: err}
			}
			defer srv.Close()
			cfg := srv.Config()
			cfg.Timeout = s.timeout
			cfg.As = s.as
			if err := s.calls.apply(&cfg, nil, nil); err != nil {
				return err
			}
			tui := !s.machine() && isTerminal(cmd.OutOrStdout())
			var chatter io.Writer = cmd.ErrOrStderr()
			if tui {
				chatter = io.Discard
			}
			// The built-in browser signs in by itself (over SSH too);
			// --browser opens the real one, on the demo's login page.
			fallback := srv.Browse
			if realBrowser {
				fallback = browser.OpenURL
			}
			if cfg.OpenBrowser, err = s.opener(chatter, fallback); err != nil {
				return err
			}
			if realBrowser && s.capt.on {
				return usageErr("--browser and --capture each open a real browser; give one")
			}
			// Headless, no one can sign in: the demo does, as its
			// built-in browser does (and says no for consent-denied).
			s.capt.signsIn = capture.SignIn("", "")
			if fault == "consent-denied" {
				s.capt.signsIn = capture.SignInDenying("", "")
			}
			sess, err := s.capt.session(&s)
			if err != nil {
				return err
			}
			use(cmd, sess, &cfg)
			if !tui {
				fmt.Fprintf(cmd.ErrOrStderr(), "· demo provider on %s (fault: %s)\n", srv.URL, fault)
			}
			err = runEngine(cmd, &s, cfg, flow.Run, engineMode{tui: tui, refresh: true, name: "demo", byHand: s.noBrowser})
			return s.capt.harOutAfter(cmd, sess, s.reveal, err)
		},
	}
	f := cmd.Flags()
	s.fs = f
	f.StringVar(&fault, "fault", "none", "what to break (see --list-faults)")
	f.BoolVar(&list, "list-faults", false, "list the faults and exit")
	s.addOutputFlags(f)
	f.DurationVar(&s.timeout, "timeout", 30*time.Second, "time limit for the whole login (5m when a person signs in: --browser, --no-browser, --open-with, --capture in a window)")
	f.BoolVar(&realBrowser, "browser", false, "open the demo's login page in the system's browser, to click through it yourself (default: a built-in browser signs in by itself)")
	f.BoolVar(&s.noBrowser, "no-browser", false, "open nothing; print the URL to open (for SSH sessions)")
	f.StringVar(&s.openWith, "open-with", "", "open the authorize URL with `CMD` (split like a shell; the URL is added last)")
	s.capt.addFlags(f)
	s.calls.addFlags(f, true, false)
	f.StringVar(&s.as, "as", "", "emulate a client's requests: power-platform (its state shape, no PKCE, secret in the body then Basic); with --fault pkce-required it shows why such a connector fails")
	return cmd
}

func countTrue(bs ...bool) int {
	n := 0
	for _, b := range bs {
		if b {
			n++
		}
	}
	return n
}
