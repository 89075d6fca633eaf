package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/authtrace/authtrace/capture"
	"github.com/authtrace/authtrace/flow"
	"github.com/authtrace/authtrace/har"
)

// captureSettings are the flags of a live browser capture (login and
// demo --capture).
type captureSettings struct {
	on          bool
	headless    bool
	browserPath string
	harOut      string
	// signsIn drives a headless capture when no person can: the demo's
	// built-in sign-in, over the capture's own DevTools connection.
	signsIn func(context.Context) error
}

func (c *captureSettings) addFlags(fs *pflag.FlagSet) {
	fs.BoolVar(&c.on, "capture", false, "open the login in a Chromium-family browser (Chromium, Chrome, Edge, Brave) with a fresh profile and record every request it makes, the login post, consent and redirects after the login page too, as hops")
	fs.BoolVar(&c.headless, "headless", false, "with --capture: run the browser without a window (machines without a display, automation)")
	fs.StringVar(&c.browserPath, "browser-path", "", "with --capture: the browser's `PROGRAM`, a path or a name in PATH (default: the first Chromium, Google Chrome, Microsoft Edge or Brave found)")
	fs.StringVar(&c.harOut, "har-out", "", "with --capture: write the captured requests to `FILE` as a HAR (Chrome's export shape, mode 0600), sanitised as har --redact-out does unless --reveal; an existing FILE is never overwritten")
}

// captureDriveEnv names a driver of the captured tab for the end-to-end
// tests: "signin:USER:PASSWORD" signs in and consents on oidc-provider's
// (and the demo's) pages, "signin" with what the page filled in (the
// demo's), "close-at-login" closes the tab at the login page. Not for
// people: they log in by hand.
const captureDriveEnv = "AUTHTRACE_CAPTURE_DRIVE"

// session checks the capture flags and returns the capture to run, or
// nil without --capture. The browser's own logging (D-Bus, GPU) is
// noise to a person: it goes nowhere.
func (c *captureSettings) session(s *settings) (*capture.Session, error) {
	if !c.on {
		for _, f := range []string{"headless", "browser-path", "har-out"} {
			if s.fs != nil && s.fs.Changed(f) {
				return nil, usageErr("--%s goes with --capture, which was not given", f)
			}
		}
		return nil, nil
	}
	if s.noBrowser || s.openWith != "" {
		return nil, usageErr("--capture opens its own browser: leave out --no-browser and --open-with")
	}
	if err := checkOutPath("--har-out", c.harOut, "login.har"); err != nil {
		return nil, err
	}
	if fi, err := os.Stat(c.harOut); c.harOut != "" && err == nil && fi.Mode().IsRegular() {
		// As har --redact-out never writes over the HAR it reads: a
		// HAR file may be the customer's only copy.
		return nil, usageErr("--har-out %s exists: authtrace does not overwrite a HAR file (it may be the only copy of a recording); give a new name, or remove it first", c.harOut)
	}
	if c.harOut != "" && s.reportFile != "" && filepath.Clean(c.harOut) == filepath.Clean(s.reportFile) {
		return nil, usageErr("--report and --har-out are both %s: give each its own file", c.harOut)
	}
	path := c.browserPath
	if path != "" {
		p, err := capture.CheckPath(path)
		if err != nil {
			return nil, usageErr("--browser-path: %v", err)
		}
		path = p
	} else {
		p, _, err := capture.Find()
		if err != nil {
			return nil, &exitError{code: exitIncomplete, err: err}
		}
		path = p
	}
	if err := capture.CheckDisplay(c.headless); err != nil {
		return nil, usageErr("--capture: %v", err)
	}
	opt := capture.Options{Path: path, Headless: c.headless}
	drive, err := captureDriver(os.Getenv(captureDriveEnv))
	if err != nil {
		return nil, usageErr("%s: %v", captureDriveEnv, err)
	}
	if drive == nil && c.headless {
		drive = c.signsIn
	}
	opt.Drive = drive
	return capture.New(opt), nil
}

func captureDriver(v string) (func(context.Context) error, error) {
	switch {
	case v == "":
		return nil, nil
	case v == "close-at-login":
		return capture.CloseAtLogin, nil
	case v == "signin":
		return capture.SignIn("", ""), nil
	case strings.HasPrefix(v, "signin:"):
		user, pw, ok := strings.Cut(strings.TrimPrefix(v, "signin:"), ":")
		if !ok {
			return nil, fmt.Errorf("want signin:USER:PASSWORD")
		}
		return capture.SignIn(user, pw), nil
	}
	return nil, fmt.Errorf("%q: want signin, signin:USER:PASSWORD or close-at-login", v)
}

// unattendedTimeout is login --capture --headless's time limit when
// --timeout is not given: nobody signs in, the pages that go on by
// themselves take seconds, not a person's five minutes.
const unattendedTimeout = time.Minute

// use makes the run capture the browser, in place of opening one; a
// capture nobody can act in gets unattendedTimeout unless --timeout was
// given.
func use(cmd *cobra.Command, sess *capture.Session, cfg *flow.Config) {
	if sess == nil {
		return
	}
	cfg.OpenBrowser = nil
	cfg.Capture = sess.Run
	cfg.Unattended = sess.Unattended()
	if cfg.Unattended && !cmd.Flags().Changed("timeout") {
		cfg.Timeout = min(cfg.Timeout, unattendedTimeout)
	}
}

// writeHAROut writes what the capture recorded to --har-out, also when
// the login failed (the hops until then): sanitised unless --reveal.
func (c *captureSettings) writeHAROut(cmd *cobra.Command, sess *capture.Session, reveal bool) error {
	if sess == nil || c.harOut == "" {
		return nil
	}
	pages, entries := sess.HAR()
	if len(entries) == 0 {
		fmt.Fprintf(cmd.ErrOrStderr(), "· --har-out: the browser made no request; %s not written\n", c.harOut)
		return nil
	}
	var buf bytes.Buffer
	if err := har.Write(&buf, pages, entries); err != nil {
		return &exitError{code: exitIncomplete, err: fmt.Errorf("--har-out: %w", err)}
	}
	if err := writeHAR(cmd.Context(), &buf, c.harOut, harCopy{flag: "--har-out", redact: !reveal}, cmd.ErrOrStderr()); err != nil {
		return &exitError{code: exitIncomplete, err: err}
	}
	if reveal {
		fmt.Fprintf(cmd.ErrOrStderr(), "· captured requests written to %s (%d entries, secrets shown: --reveal)\n", c.harOut, len(entries))
	}
	return nil
}

// harOutAfter writes --har-out after the run that ended with err, and
// returns the error the command ends with: the run's first.
func (c *captureSettings) harOutAfter(cmd *cobra.Command, sess *capture.Session, reveal bool, err error) error {
	herr := c.writeHAROut(cmd, sess, reveal)
	switch {
	case herr == nil:
		return err
	case err == nil:
		return herr
	}
	fmt.Fprintf(cmd.ErrOrStderr(), "authtrace: %v\n", herr)
	return err
}
