// Command e2e-browser logs into oidc-provider's development login and consent
// pages in headless Chromium, for authtrace's end-to-end suite, which runs it
// as `authtrace login --open-with "e2e-browser [flags]"`:
//
//	e2e-browser [-user alice] [-password pw] [-deny] [-timeout 30s] [-har-out FILE] URL
//
// It opens URL in Debian's Chromium (/usr/bin/chromium, or $E2E_CHROMIUM;
// never a downloaded browser) with a fresh profile directory that is removed
// afterwards, signs in on every login page, consents (or, with -deny,
// aborts) on every consent page, and exits 0 once a page on the loopback
// callback (the origin of URL's redirect_uri, or -callback) has loaded.
//
// Any other page that stays put (an error page, a browser network error, a
// redirect loop) ends it at once with status 1 and the page's address and
// text on stderr: authtrace keeps waiting for the callback until its own
// --timeout, so the browser has nothing more to do there. Status 1 also on
// the -timeout; 2 on bad usage.
//
// With -har-out it records every request of the browser session over the
// DevTools protocol, the loopback callback's included, and writes them to
// FILE in the shape of Chrome's "Save all as HAR" when it is done, also
// when it fails (what was recorded until then): a real browser's HAR for
// `authtrace har` to be tested on.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/authtrace/authtrace/capture"
)

// Flags given to Chromium: exactly DESIGN.md's list, plus the profile
// directory. chromedp adds only its debugging pipe and about:blank.
var chromiumFlags = []string{
	"headless",
	"no-sandbox",
	"disable-gpu",
	"disable-quic",
	"no-first-run",
	"disable-background-networking",
	"disable-component-update",
	"disable-sync",
}

type options struct {
	url      string
	callback string // origin (scheme://host:port) of the loopback listener
	user     string
	password string
	deny     bool
	timeout  time.Duration
	settle   time.Duration // how long an unknown page may sit before we give up
	chromium string
	verbose  bool
	harOut   string // record the session's requests there, as a HAR file
}

func main() {
	os.Exit(run(os.Args[1:], os.Stderr))
}

func run(args []string, stderr io.Writer) int {
	opts, err := parseArgs(args, stderr)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		fmt.Fprintf(stderr, "e2e-browser: %v\n", err)
		return 2
	}
	start := time.Now()
	steps, err := login(context.Background(), opts, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "e2e-browser: %v (after %s; steps: %s)\n",
			err, time.Since(start).Round(time.Millisecond), strings.Join(steps, ", "))
		return 1
	}
	if opts.verbose {
		fmt.Fprintf(stderr, "e2e-browser: reached the callback in %s (steps: %s)\n",
			time.Since(start).Round(time.Millisecond), strings.Join(steps, ", "))
	}
	return 0
}

func parseArgs(args []string, stderr io.Writer) (options, error) {
	fs := flag.NewFlagSet("e2e-browser", flag.ContinueOnError)
	fs.SetOutput(stderr)
	o := options{}
	fs.StringVar(&o.user, "user", envOr("E2E_BROWSER_USER", "alice"), "login to sign in with (any is accepted) [$E2E_BROWSER_USER]")
	fs.StringVar(&o.password, "password", envOr("E2E_BROWSER_PASSWORD", "secret"), "password to sign in with [$E2E_BROWSER_PASSWORD]")
	fs.BoolVar(&o.deny, "deny", os.Getenv("E2E_BROWSER_DENY") != "", "abort on the consent page instead of consenting [$E2E_BROWSER_DENY]")
	fs.StringVar(&o.callback, "callback", "", "origin of the loopback callback (default: from URL's redirect_uri)")
	fs.DurationVar(&o.timeout, "timeout", 30*time.Second, "give up after this long")
	fs.DurationVar(&o.settle, "settle", 1500*time.Millisecond, "how long a page that is neither login, consent nor callback may sit before giving up")
	fs.StringVar(&o.chromium, "chromium", envOr("E2E_CHROMIUM", "/usr/bin/chromium"), "Chromium binary [$E2E_CHROMIUM]")
	fs.StringVar(&o.harOut, "har-out", "", "record every request of the session to `FILE` as a HAR (Chrome's export shape)")
	fs.BoolVar(&o.verbose, "v", os.Getenv("E2E_BROWSER_VERBOSE") != "", "say what was done on stderr [$E2E_BROWSER_VERBOSE]")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: e2e-browser [flags] URL")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return o, fmt.Errorf("want exactly one URL, got %d arguments", fs.NArg())
	}
	o.url = fs.Arg(0)
	u, err := url.Parse(o.url)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return o, fmt.Errorf("URL %q is not an absolute http(s) URL", o.url)
	}
	if o.callback == "" {
		ru := u.Query().Get("redirect_uri")
		if ru == "" {
			return o, fmt.Errorf("URL %q has no redirect_uri parameter; give -callback", o.url)
		}
		o.callback = ru
	}
	cb, err := url.Parse(o.callback)
	if err != nil || cb.Host == "" {
		return o, fmt.Errorf("callback %q is not an absolute URL", o.callback)
	}
	o.callback = cb.Scheme + "://" + cb.Host
	if _, err := os.Stat(o.chromium); err != nil {
		return o, fmt.Errorf("chromium not found at %s (apt-get install chromium, or set E2E_CHROMIUM): %w", o.chromium, err)
	}
	return o, nil
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

// denyJS follows the page's abort link (oidc-provider's "[ Cancel ]"), which
// ends the interaction with error=access_denied at the callback.
const denyJS = `(() => {
  window.__e2eActed = true;
  const a = document.querySelector('a[href*="/abort"]');
  if (!a) return false;
  a.click();
  return true;
})()`

func login(ctx context.Context, o options, stderr io.Writer) (steps []string, err error) {
	dir, err := os.MkdirTemp("", "e2e-browser-profile-")
	if err != nil {
		return nil, fmt.Errorf("create profile directory: %w", err)
	}
	defer os.RemoveAll(dir)

	allocOpts := []chromedp.ExecAllocatorOption{chromedp.ExecPath(o.chromium)}
	for _, f := range chromiumFlags {
		allocOpts = append(allocOpts, chromedp.Flag(f, true))
	}
	allocOpts = append(allocOpts, chromedp.UserDataDir(dir))
	if o.verbose {
		allocOpts = append(allocOpts, chromedp.CombinedOutput(stderr))
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(ctx, allocOpts...)
	// cancelAlloc waits for Chromium to exit, so the profile directory is
	// no longer written to when the deferred RemoveAll runs.
	defer cancelAlloc()
	bctx, cancelBrowser := chromedp.NewContext(actx)
	defer cancelBrowser()

	// The first Run starts the browser; it must not carry the deadline.
	if _, err := chromedp.Run(bctx, chromedp.Sleep(0)); err != nil {
		return nil, fmt.Errorf("start %s: %w", o.chromium, err)
	}
	if o.harOut != "" {
		rec, err := capture.Record(bctx, nil)
		if err != nil {
			return nil, fmt.Errorf("record HAR: %w", err)
		}
		// Runs before the browser is closed, which the bodies still to
		// fetch need.
		defer func() {
			if serr := rec.Save(o.harOut); serr != nil && err == nil {
				err = serr
			}
		}()
	}
	tctx, cancel := context.WithTimeout(bctx, o.timeout)
	defer cancel()

	// Navigate waits for the load event of wherever the redirects end; a
	// network error (refused, too many redirects) is a LoadError, after
	// which the browser shows its own error page, which the loop reports.
	if _, err := chromedp.Run(tctx, chromedp.Navigate(o.url)); err != nil {
		var le *chromedp.LoadError
		if !errors.As(err, &le) {
			return steps, fmt.Errorf("open %s: %w", o.url, err)
		}
		steps = append(steps, "load error "+le.ErrorText)
	}

	var (
		last      capture.PageState
		lastSince time.Time
	)
	for {
		st, err := chromedp.Run(tctx, chromedp.Evaluate[capture.PageState](capture.LookJS))
		if err != nil {
			if tctx.Err() != nil {
				return steps, fmt.Errorf("timed out after %s at %s (%q)", o.timeout, last.Href, last.Title)
			}
			// The document went away under us (a navigation): look again.
			time.Sleep(50 * time.Millisecond)
			continue
		}
		if st.Href != last.Href || st.Kind != last.Kind || st.Acted != last.Acted {
			lastSince = time.Now()
		}
		last = st

		switch {
		case strings.HasPrefix(st.Href, o.callback+"/") || st.Href == o.callback:
			if st.Ready == "complete" {
				steps = append(steps, "callback")
				return steps, nil
			}
		case st.Acted:
			// Waiting for the navigation our click started.
		case st.Kind == "login" && st.Ready != "loading":
			if _, err := chromedp.Run(tctx, chromedp.Evaluate[bool](fmt.Sprintf(capture.FillLoginJS, o.user, o.password))); err != nil {
				continue
			}
			steps = append(steps, "login")
		case st.Kind == "consent" && st.Ready != "loading":
			js, step := capture.ConsentJS, "consent"
			if o.deny {
				js, step = denyJS, "deny"
			}
			ok, err := chromedp.Run(tctx, chromedp.Evaluate[bool](js))
			if err != nil {
				continue
			}
			if !ok {
				return steps, fmt.Errorf("consent page at %s has no abort link to deny with", st.Href)
			}
			steps = append(steps, step)
		case st.Kind == "other" && st.Ready == "complete" && time.Since(lastSince) >= o.settle:
			return steps, fmt.Errorf("stuck at %s, neither login, consent nor the callback %s: title %q, text %q",
				st.Href, o.callback, st.Title, oneLine(st.Text))
		}

		select {
		case <-tctx.Done():
			return steps, fmt.Errorf("timed out after %s at %s (%q, %s page)", o.timeout, last.Href, last.Title, last.Kind)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
