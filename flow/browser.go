package flow

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/authtrace/authtrace/report"
)

// BrowserRequest is one request a captured browser made (Config.Capture),
// as its network events report it: a redirect is one request, the next
// hop another.
type BrowserRequest struct {
	Method   string
	URL      string
	Status   int    // 0 when the request failed (Error)
	Location string // a redirect's target, as the response said it
	At       time.Time
	Duration time.Duration
	Error    string // the browser's words for a request that failed (net::ERR_...)
	// ContentType and Body are a page's, for ReadPage (cut by the
	// capture to what it reads).
	ContentType string
	Body        []byte
	// Fields are the names of a form post's fields, never their values;
	// Form is a form post's body with only its OAuth values (state,
	// redirect_uri, error...) and every other value dropped.
	Fields []string
	Form   string
	// Script says a page's script made the request (XHR, fetch), not a
	// navigation: it is never an authorize request or an error page.
	Script bool
	// Loop says the browser gave up on this request's redirects as a
	// loop (Chromium's net::ERR_TOO_MANY_REDIRECTS): the login cannot
	// go on.
	Loop bool
}

// CaptureFunc opens url in a browser it watches and calls seen with every
// request of the login the browser makes, in order, from one goroutine,
// until ctx ends; it returns after its last call to seen, once the
// browser is gone. It returns an error when the browser could not be
// started or went away before ctx ended (a *CaptureError).
type CaptureFunc func(ctx context.Context, url string, seen func(BrowserRequest)) error

// CaptureError is a captured browser that failed: it did not start, or
// it exited, crashed or had its window closed before the callback.
type CaptureError struct {
	Err error
}

func (e *CaptureError) Error() string {
	return fmt.Sprintf("the captured browser: %v (the hops until then are in the report)", e.Err)
}

func (e *CaptureError) Unwrap() error { return e.Err }

// ErrCallbackArrived is the cause (context.Cause) of a capture's
// context ending at the callback: the request that took the browser
// there may still be on its way to the capture.
var ErrCallbackArrived = errors.New("the callback arrived")

// ErrBrowserGone is wrapped by a CaptureError whose browser went away
// (closed window, exit, crash) before the callback.
var ErrBrowserGone = errors.New("the browser went away before the callback")

// ErrBrowserLoop is wrapped by a CaptureError whose browser gave up on a
// redirect loop.
var ErrBrowserLoop = errors.New("the browser gave up on a redirect loop")

// maxBrowserHops bounds the hops a capture adds: a page that navigates
// forever must not make the report huge.
const maxBrowserHops = 4 * MaxHopsLimit

// capture is a running Config.Capture.
type capture struct {
	reqs   chan BrowserRequest
	done   chan error
	cancel context.CancelCauseFunc
	// preflight are the hops the preflight made of the login chain: the
	// browser's hops are matched with them in order, and those past the
	// first that differ are BrowserOnly.
	preflight []report.Hop
	matched   int
	diverged  bool
	added     int
	dropped   int
	loop      int // the hop at which the browser gave up on a redirect loop
}

// startCapture starts cfg.Capture on the authorize URL on its own
// goroutine; its requests come to the runner's loop over c.reqs.
func (r *runner) startCapture(ctx context.Context, authURL string, preflight []report.Hop) *capture {
	cctx, cancel := context.WithCancelCause(ctx)
	c := &capture{reqs: make(chan BrowserRequest), done: make(chan error, 1), cancel: cancel, preflight: preflight}
	go func() {
		c.done <- r.cfg.Capture(cctx, authURL, func(br BrowserRequest) { c.reqs <- br })
	}()
	return c
}

// endCapture stops the capture and records what it still hands over,
// until it has returned; it returns the capture's error. After the
// first call it returns nil.
func (r *runner) endCapture(c *capture) error {
	if c == nil || c.done == nil {
		return nil
	}
	c.cancel(nil)
	for {
		select {
		case br := <-c.reqs:
			r.browserHop(c, br)
		case err := <-c.done:
			c.done = nil
			if c.dropped > 0 {
				r.log("the browser made %d more requests than the %d recorded", c.dropped, maxBrowserHops)
			}
			return err
		}
	}
}

// browserHop records one request of the captured browser as a hop,
// compared as every hop is. A request to the redirect URI is not one: the
// listener records the callback itself.
func (r *runner) browserHop(c *capture, br BrowserRequest) {
	u, err := url.Parse(br.URL)
	if err != nil || u.Scheme != "http" && u.Scheme != "https" {
		return // the browser's own pages (about:blank, chrome-error://)
	}
	if HopRole(u, 0, r.redirectURI) == report.RoleCallback {
		return
	}
	// The browser's giving up on a loop ends the login, past the hops
	// kept too (at the last of them then).
	defer r.browserLoop(c, br)
	if c.added >= maxBrowserHops {
		c.dropped++
		return
	}
	c.added++
	h := r.newHop(len(r.rep.Hops)+1, report.SourceBrowser, br.Method, br.URL)
	if !br.At.IsZero() {
		h.At = br.At
	}
	h.Status = br.Status
	h.MS = br.Duration.Milliseconds()
	h.Error = br.Error
	h.Fields = br.Fields
	if br.Location != "" && br.Status >= 300 && br.Status < 400 {
		h.Location = br.Location
		if lu, err := u.Parse(br.Location); err == nil {
			h.Location = lu.String()
		}
	}
	h.Role = HopRole(u, br.Status, r.redirectURI)
	var f *report.Finding
	twin := 0
	if br.Script {
		// A script's request: no page, and no step of the chain the
		// preflight followed.
		h.Role = report.RoleOther
	} else {
		twin = c.twin(h)
		h, f = ReadPage(r.sent, h, br.ContentType, br.Body)
	}
	h.BrowserOnly = twin == 0
	r.addTwinHop(h, twin)
	if f != nil {
		r.addFinding(*f)
	}
}

// browserLoop adds the redirect.loop finding when br is the request
// the browser gave up on as a loop, at the last hop recorded.
func (r *runner) browserLoop(c *capture, br BrowserRequest) {
	if !br.Loop || c.loop != 0 || len(r.rep.Hops) == 0 {
		return
	}
	c.loop = len(r.rep.Hops)
	r.addFinding(report.Finding{
		Code: report.CodeRedirectLoop, Severity: report.SeverityError, Hop: c.loop,
		Message: fmt.Sprintf("the browser gave up at hop %d: its redirects went round in a loop (%s)", c.loop, br.Error),
		Hint:    "A proxy or provider keeps redirecting to itself after the login page, often because a session or tenant cookie it expects is never set (third-party cookies blocked, a cookie for another domain). Check the redirect rules of the hosts in the hops before it.",
		Detail:  map[string]string{"url": report.RedactURL(br.URL)},
	})
}

// twin is the preflight's hop that h repeats, or 0 when the preflight
// did not see h (a hop only the browser saw): the browser's chain is
// the preflight's, hop for hop (the same method, host and path; for the
// page the preflight stopped at, the same host and status), until the
// first that differs, from where on it is the browser's own.
func (c *capture) twin(h report.Hop) int {
	if c.diverged || c.matched >= len(c.preflight) {
		c.diverged = true
		return 0
	}
	p := c.preflight[c.matched]
	pu, err1 := url.Parse(p.URL)
	hu, err2 := url.Parse(h.URL)
	if err1 != nil || err2 != nil || !strings.EqualFold(p.Method, h.Method) || !SameEndpoint(pu, hu) && !c.samePage(p, pu, h, hu) {
		c.diverged = true
		return 0
	}
	c.matched++
	return p.N
}

// samePage says whether h is the page the preflight stopped at, p: the
// login page, whose path may carry the session's own id
// (oidc-provider's /interaction/<uid>), on the same host with the same
// status.
func (c *capture) samePage(p report.Hop, pu *url.URL, h report.Hop, hu *url.URL) bool {
	return c.matched == len(c.preflight)-1 && p.Status == h.Status && p.Status < 300 &&
		strings.EqualFold(pu.Host, hu.Host)
}

// satOn says where the captured browser stopped, when the run ended
// without the callback: its last hop.
func (r *runner) satOn(c *capture) {
	if c == nil {
		return
	}
	for i := len(r.rep.Hops) - 1; i >= 0; i-- {
		if h := r.rep.Hops[i]; h.Source == report.SourceBrowser {
			r.log("the browser sat on %s (hop %d) when the capture ended", report.RedactURL(h.URL), h.N)
			return
		}
	}
}

// waitCallback waits for the callback while the captured browser (c, or
// nil without a capture) hands over its requests. It returns the callback
// and the later arrivals seen before it, or the error that ended the wait.
func (r *runner) waitCallback(ctx context.Context, l *listener, c *capture) (arrival, []arrival, error) {
	var cb arrival
	var later []arrival // on the redirect path after the callback, seen before it
	var reqs chan BrowserRequest
	var done chan error
	if c != nil {
		reqs, done = c.reqs, c.done
	}
	for cb.url == "" {
		select {
		case cb = <-l.callback:
		case a := <-l.arrivals:
			if a.refused != "" {
				r.refusedArrival(a)
				continue
			}
			// A second request to the redirect path (a double submit,
			// a prefetch), picked first by select: the callback was
			// queued before it, so it is waiting already.
			later = append(later, a)
			cb = <-l.callback
		case br := <-reqs:
			r.browserHop(c, br)
			if c.loop > 0 {
				r.endCapture(c)
				return cb, later, &CaptureError{Err: fmt.Errorf("%w at hop %d", ErrBrowserLoop, c.loop)}
			}
		case err := <-done:
			c.done = nil
			select {
			case cb = <-l.callback: // it got there as the browser went
				continue
			default:
			}
			if err == nil {
				err = ErrBrowserGone
			}
			if ctx.Err() != nil {
				return cb, later, r.ctxError(ctx.Err(), PhaseWaiting)
			}
			return cb, later, &CaptureError{Err: err}
		case <-ctx.Done():
			err := r.ctxError(ctx.Err(), PhaseWaiting)
			r.endCapture(c) // the hops so far, and the browser gone
			r.satOn(c)
			return cb, later, err
		}
	}
	// The capture ends at the callback: the hops that led there first.
	if c != nil {
		c.cancel(ErrCallbackArrived)
	}
	if err := r.endCapture(c); err != nil && !errors.Is(err, context.Canceled) {
		r.log("the captured browser: %v", err)
	}
	return cb, later, nil
}
