package capture

import (
	"context"
	"errors"
	"fmt"
	"io"
	neturl "net/url"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/authtrace/authtrace/flow"
	"github.com/authtrace/authtrace/har"
)

// Options say which browser a capture runs and how.
type Options struct {
	// Path is the browser's program (--browser-path); "" is the first
	// one Find finds.
	Path     string
	Headless bool
	// Output takes the browser's own chatter; nil discards it.
	Output io.Writer
	// Drive, when set, acts on the tab as a person would (fill a form,
	// close the window), with the tab's chromedp context: a seam for the
	// end-to-end tests. Its return does not end the capture.
	Drive func(ctx context.Context) error
	// StartTimeout bounds the browser's start (default 20s, and always
	// less than the time the run has left, so that its words win).
	StartTimeout time.Duration
}

// HeadlessFlags are what Chromium gets headless (DESIGN.md, "Testing
// tiers"), besides its profile directory; no-sandbox only when it must
// (Session.flags).
var HeadlessFlags = []string{
	"headless", "disable-gpu", "disable-quic", "no-first-run",
	"disable-background-networking", "disable-component-update", "disable-sync",
}

// windowFlags are what a visible window gets: a fresh profile that asks
// nothing and fetches nothing of its own.
var windowFlags = []string{
	"no-first-run", "no-default-browser-check", "disable-background-networking",
	"disable-component-update", "disable-sync",
}

// Session is one browser capture. Run is its flow.CaptureFunc; HAR gives
// what it recorded, after Run.
type Session struct {
	opt Options

	mu      sync.Mutex
	pages   []har.Page
	entries []har.Entry
}

// New returns a capture with these options.
func New(opt Options) *Session {
	if opt.Output == nil {
		opt.Output = io.Discard
	}
	if opt.StartTimeout <= 0 {
		opt.StartTimeout = 20 * time.Second
	}
	return &Session{opt: opt}
}

// Unattended says nobody can act in the browser: headless, and nothing
// drives it.
func (s *Session) Unattended() bool { return s.opt.Headless && s.opt.Drive == nil }

// HAR returns the pages and entries the last Run recorded.
func (s *Session) HAR() ([]har.Page, []har.Entry) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.pages, s.entries
}

// Run starts the browser with a fresh profile, opens url and hands every
// request of the login to seen until ctx ends, the tab is closed or the
// browser exits; then it closes the browser and removes the profile, in
// every case. It is a flow.CaptureFunc.
func (s *Session) Run(ctx context.Context, url string, seen func(flow.BrowserRequest)) (err error) {
	if err := CheckDisplay(s.opt.Headless); err != nil {
		return &StartError{Path: s.opt.Path, Err: err}
	}
	path := s.opt.Path
	if path == "" {
		p, _, ferr := Find()
		if ferr != nil {
			return ferr
		}
		path = p
	}
	dir, err := os.MkdirTemp("", "authtrace-capture-")
	if err != nil {
		return fmt.Errorf("create the browser's temporary profile: %w", err)
	}
	defer os.RemoveAll(dir)
	root := os.Geteuid() == 0
	err = s.run(ctx, url, seen, path, dir, s.flags(root, false))
	if !root && errors.As(err, new(*StartError)) && saysNoSandbox(err.Error()) {
		// This system cannot give Chromium its sandbox (no user
		// namespaces): without it, as Chromium itself would have
		// to be told.
		fmt.Fprintf(s.opt.Output, "authtrace: %s has no usable sandbox here; starting it again with --no-sandbox\n", path)
		err = s.run(ctx, url, seen, path, dir, s.flags(root, true))
	}
	return err
}

// run is one start of the browser, with these flags, and its capture.
func (s *Session) run(ctx context.Context, url string, seen func(flow.BrowserRequest), path, dir string, flags []string) error {
	// The browser outlives ctx by as long as the bodies still to fetch
	// take: its own lifetime ends with the cancels below.
	life := context.WithoutCancel(ctx)
	var browser *exec.Cmd
	opts := append(s.allocOptions(path, dir, flags), chromedp.ModifyCmdFunc(func(cmd *exec.Cmd) {
		ownGroup(cmd)
		browser = cmd
	}))
	// After the browser has exited (cancelAlloc), whatever its program
	// started goes too: a wrapper script that did not exec the browser
	// leaves it running otherwise.
	defer func() {
		if browser != nil && browser.Process != nil {
			killGroup(browser.Process.Pid)
		}
	}()
	actx, cancelAlloc := chromedp.NewExecAllocator(life, opts...)
	// cancelAlloc waits for the browser to exit, so the profile is no
	// longer written to when the deferred RemoveAll runs.
	defer cancelAlloc()
	bctx, cancelBrowser := chromedp.NewContext(actx)
	defer cancelBrowser()

	if err := s.start(ctx, bctx, cancelAlloc, path); err != nil {
		return err
	}
	rec, err := Record(bctx, seen)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	defer func() {
		pages, entries := rec.Stop()
		s.mu.Lock()
		s.pages, s.entries = pages, entries
		s.mu.Unlock()
	}()
	detached, err := chromedp.Detached(bctx)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	exited := make(chan struct{})
	go func() {
		chromedp.WaitClosed(bctx) //nolint:errcheck // ends with bctx at the latest
		close(exited)
	}()
	go func() {
		// Returns once the first answer came; a page that never
		// answers is the network events' to report.
		chromedp.Call(bctx, page.Navigate, page.NavigateParams{URL: url}) //nolint:errcheck // failures are network events
		if s.opt.Drive != nil {
			s.opt.Drive(bctx) //nolint:errcheck // the capture says what happened
		}
	}()
	select {
	case <-ctx.Done():
		if errors.Is(context.Cause(ctx), flow.ErrCallbackArrived) {
			// The request that took the browser to the callback may
			// still be on its way over the DevTools connection: the
			// chain's last hop must not be lost.
			rec.WaitSent(func(u string) bool { return isRedirectURI(u, url) }, 2*time.Second)
		}
		return nil
	case <-detached:
		return fmt.Errorf("%w: its window (tab) was closed", flow.ErrBrowserGone)
	case <-exited:
		return fmt.Errorf("%w: %s exited or crashed", flow.ErrBrowserGone, path)
	}
}

// start starts the browser, within StartTimeout: a program that is no
// browser may neither exit nor answer.
func (s *Session) start(ctx, bctx context.Context, kill context.CancelFunc, path string) error {
	started := make(chan error, 1)
	go func() {
		_, err := chromedp.Run(bctx, chromedp.Sleep(0))
		started <- err
	}()
	limit := s.opt.StartTimeout
	if d, ok := ctx.Deadline(); ok {
		if left := time.Until(d); left-time.Second < limit {
			limit = max(left-time.Second, left/2)
		}
	}
	timer := time.NewTimer(limit)
	defer timer.Stop()
	select {
	case err := <-started:
		if err != nil {
			return &StartError{Path: path, Err: err}
		}
		return nil
	case <-timer.C:
		kill()
		if limit < s.opt.StartTimeout && limit < 5*time.Second {
			// The run's own time limit left too little: the browser may
			// be fine, the limit is what to change.
			return fmt.Errorf("the browser had not started within the %s the time limit left it (a browser takes a few seconds): raise --timeout", limit.Round(100*time.Millisecond))
		}
		return &StartError{Path: path, Err: fmt.Errorf("it did not answer over the DevTools protocol within %s", limit.Round(100*time.Millisecond))}
	case <-ctx.Done():
		kill()
		return ctx.Err()
	}
}

// StartError is a browser program that could not be started, or is not a
// Chromium-family browser.
type StartError struct {
	Path string
	Err  error
}

func (e *StartError) Error() string {
	// chromedp's words for a program that exited end in a colon and
	// its (empty) output.
	why := strings.TrimRight(strings.TrimSpace(e.Err.Error()), ":")
	if errors.Is(e.Err, ErrNoDisplay) {
		return why
	}
	if saysNoDisplay(why) {
		return fmt.Sprintf("%s could not open its window: %v: add --headless (or run where there is a display)", e.Path, ErrNoDisplay)
	}
	why = flow.CutText(why, 600) // the rest of the browser's log
	return fmt.Sprintf("%s did not start as a Chromium-family browser with the DevTools protocol (%s): give Chromium, Google Chrome, Microsoft Edge or Brave with --browser-path", e.Path, why)
}

func (e *StartError) Unwrap() error { return e.Err }

// ErrNotStarted is what errors.Is finds in a *StartError.
var ErrNotStarted = errors.New("the browser did not start")

// Is makes a *StartError ErrNotStarted, and ErrNoDisplay when the
// browser's log says it found no display.
func (e *StartError) Is(target error) bool {
	return target == ErrNotStarted || target == ErrNoDisplay && saysNoDisplay(e.Err.Error())
}

// ErrNoDisplay is a browser window with no display to open on (Linux
// without X11 or Wayland: an SSH session, a container).
var ErrNoDisplay = errors.New("no display for a browser window")

// saysNoDisplay says whether a browser's log says it found no display:
// Chromium's X11 and Ozone words for it.
func saysNoDisplay(log string) bool {
	l := strings.ToLower(log)
	return strings.Contains(l, "missing x server") || strings.Contains(l, "$display") ||
		strings.Contains(l, "platform failed to initialize")
}

// CheckDisplay says, before a browser is started, when a window cannot
// open: on Linux, neither DISPLAY nor WAYLAND_DISPLAY is set.
func CheckDisplay(headless bool) error {
	if headless || runtime.GOOS != "linux" || os.Getenv("DISPLAY") != "" || os.Getenv("WAYLAND_DISPLAY") != "" {
		return nil
	}
	return fmt.Errorf("%w (neither DISPLAY nor WAYLAND_DISPLAY is set): add --headless (or run where there is a display)", ErrNoDisplay)
}

// flags are the browser's flags: headless or a window's. Chromium's
// sandbox stays on (it opens third-party login pages) unless authtrace
// runs as root, where Chromium refuses to start with it, or the sandbox
// could not start on this system.
func (s *Session) flags(root, noSandbox bool) []string {
	flags := windowFlags
	if s.opt.Headless {
		flags = HeadlessFlags
	}
	if root || noSandbox {
		flags = append(flags[:len(flags):len(flags)], "no-sandbox")
	}
	return flags
}

// saysNoSandbox says whether a browser's log says its sandbox could not
// start (Linux without unprivileged user namespaces).
func saysNoSandbox(log string) bool {
	return strings.Contains(log, "No usable sandbox")
}

func (s *Session) allocOptions(path, dir string, flags []string) []chromedp.ExecAllocatorOption {
	opts := []chromedp.ExecAllocatorOption{chromedp.ExecPath(path), chromedp.UserDataDir(dir), chromedp.CombinedOutput(s.opt.Output)}
	for _, f := range flags {
		opts = append(opts, chromedp.Flag(f, true))
	}
	return opts
}

// isRedirectURI says whether u goes to the redirect URI of the
// authorize URL authURL.
func isRedirectURI(u, authURL string) bool {
	au, err := neturl.Parse(authURL)
	if err != nil {
		return false
	}
	ru, err1 := neturl.Parse(au.Query().Get("redirect_uri"))
	uu, err2 := neturl.Parse(u)
	return err1 == nil && err2 == nil && flow.SameEndpoint(uu, ru)
}
